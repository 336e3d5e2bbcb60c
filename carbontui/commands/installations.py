"""``carbontui installations list|show|token|revoke``: CarbonRegistry installations."""

from __future__ import annotations

import argparse
import sys

from carbontui.commands.context import CommandContext, UsageError, require_service
from carbontui.commands.output import print_fields, print_json, print_table, warn
from carbontui.errors import ApiError
from carbontui.redaction import register_secret
from carbontui.sanitize import neutralize


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``installations`` and its subcommands."""
    inst = sub.add_parser("installations", parents=[common], help="CarbonRegistry installations")
    inst_sub = inst.add_subparsers(dest="installations_command", metavar="ACTION", required=True)
    inst_sub.add_parser("list", parents=[common], help="every installation").set_defaults(
        handler=run_list
    )
    show = inst_sub.add_parser(
        "show", parents=[common], help="one installation and its permissions"
    )
    show.add_argument("id")
    show.set_defaults(handler=run_show)
    token = inst_sub.add_parser("token", parents=[common], help="mint an installation token")
    token.add_argument("id")
    token.set_defaults(handler=run_token)
    revoke = inst_sub.add_parser(
        "revoke",
        parents=[common],
        help="revoke (invalidate) an installation token: the one piped in with --token-stdin, "
        "else a freshly minted one",
    )
    revoke.add_argument("id")
    revoke.add_argument(
        "--token-stdin",
        action="store_true",
        help="revoke the token read from standard input (e.g. saved from `installations token`)",
    )
    revoke.add_argument("--confirm", metavar="PROFILE", help="confirm a revoke on a prod profile")
    revoke.set_defaults(handler=run_revoke)


async def run_list(ctx: CommandContext) -> int:
    """All installations across every page."""
    async with ctx.session() as session:
        require_service(session, "registry")
        assert session.registry is not None
        items = await session.registry.list_all()
    if ctx.args.json:
        print_json(items)
        return 0
    print_table(
        ["ORGANIZATION", "COUNTRY", "TYPE", "APP NAME", "INSTALLATION ID"],
        [
            (
                i.organization.full_name,
                i.organization.country_code,
                i.organization.type,
                i.app_name_id,
                i.id,
            )
            for i in items
        ],
    )
    return 0


async def run_show(ctx: CommandContext) -> int:
    """One installation: organization fields and the permission map."""
    async with ctx.session() as session:
        require_service(session, "registry")
        assert session.registry is not None
        item = await session.registry.installation(ctx.args.id)
    if ctx.args.json:
        print_json(item)
        return 0
    org = item.organization
    industry = org.organization_industries
    print_fields(
        [
            ("installation", item.id),
            ("organization", org.full_name),
            ("organization id", org.id),
            ("type", org.type),
            ("country", org.country_code),
            ("city", org.city),
            ("registration", org.registration_number),
            ("industry", industry.name if industry else None),
            ("website", org.website),
            ("app name", item.app_name_id),
        ]
    )
    print()
    print_table(["RESOURCE", "ACCESS"], sorted(item.permissions.items()))
    return 0


async def run_token(ctx: CommandContext) -> int:
    """Mint a fresh installation token and print it with its expiry."""
    async with ctx.session() as session:
        require_service(session, "registry")
        assert session.registry is not None
        token = await session.registry.installation_token(ctx.args.id, force=True)
    if ctx.args.json:
        print_json(
            {
                "token": token.value,
                "expiresAt": token.expires_at,
                "permissions": dict(token.permissions),
                "installationId": token.installation_id,
                "organizationId": token.organization_id,
            }
        )
    else:
        print(neutralize(token.value))
    return 0


async def run_revoke(ctx: CommandContext) -> int:
    """Revoke the token given on stdin, or else mint one and revoke that.

    The platform revokes only the token presented, so without ``--token-stdin`` (a headless
    process holds no earlier token) this proves the revoke path end to end and leaves tokens
    minted elsewhere untouched.
    """
    ctx.require_writable("revoke an installation token")
    given: str | None = None
    if ctx.args.token_stdin:
        given = sys.stdin.readline().strip()
        if not given:
            raise UsageError("--token-stdin: no token on standard input")
        register_secret(given)
    async with ctx.session() as session:
        require_service(session, "registry")
        registry = session.registry
        assert registry is not None
        try:
            if given is None:
                await registry.installation_token(ctx.args.id)
            revoked = await registry.revoke(ctx.args.id, token=given)
        except ApiError as exc:
            ctx.record("revoke-installation-token", [ctx.args.id], f"error: {exc}")
            raise
    ctx.record("revoke-installation-token", [ctx.args.id], "ok" if revoked else "not confirmed")
    if ctx.args.json:
        print_json({"revoked": revoked, "installationId": ctx.args.id})
    else:
        warn("token revoked" if revoked else "the server did not confirm the revoke")
    return 0 if revoked else 1
