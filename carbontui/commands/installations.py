"""``carbontui installations list|show|token|revoke``: CarbonRegistry installations."""

from __future__ import annotations

import argparse
import sys

from carbontui.commands.context import (
    CommandContext,
    UsageError,
    add_confirmation_options,
)
from carbontui.commands.output import print_fields, print_json, print_table, warn
from carbontui.redaction import register_secret
from carbontui.sanitize import neutralize
from carbontui.usecases import installation_tokens
from carbontui.usecases.describe import organization_facts
from carbontui.usecases.installation_tokens import RevokeOutcome


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
    token = inst_sub.add_parser(
        "token",
        parents=[common],
        help="an installation token: the one held while it is fresh, else a new one",
    )
    token.add_argument("id")
    token.add_argument("--force", action="store_true", help="mint a new token even if one is held")
    add_confirmation_options(token, "mint")
    token.set_defaults(handler=run_token)
    revoke = inst_sub.add_parser(
        "revoke",
        parents=[common],
        help="revoke (invalidate) the installation token piped in with --token-stdin, or the "
        "one carbontui holds in its token cache; it never mints one to revoke",
    )
    revoke.add_argument("id")
    revoke.add_argument(
        "--token-stdin",
        action="store_true",
        help="revoke the token read from standard input (e.g. saved from `installations token`)",
    )
    add_confirmation_options(revoke, "revoke")
    revoke.set_defaults(handler=run_revoke)


async def run_list(ctx: CommandContext) -> int:
    """All installations across every page."""
    async with ctx.session() as session:
        registry = session.require_registry()
        items = await registry.list_all()
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
        registry = session.require_registry()
        item = await registry.installation(ctx.args.id)
    if ctx.args.json:
        print_json(item)
        return 0
    organization = [
        (f"organization {label}" if label in ("name", "id") else label, value)
        for label, value in organization_facts(item.organization)
    ]
    print_fields(
        [("installation", item.id), *organization, ("app", f"{item.app_name_id} ({item.app_id})")]
    )
    print()
    print_table(["RESOURCE", "ACCESS"], sorted(item.permissions.items()))
    return 0


async def run_token(ctx: CommandContext) -> int:
    """Print a usable installation token; a new one is minted through the write gate."""
    async with ctx.session() as session:
        registry = session.require_registry()
        minted = await installation_tokens.obtain(
            registry,
            ctx.args.id,
            ctx.writes("mint an installation token"),
            force=ctx.args.force,
        )
    token = minted.token
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


REVOKE_LINES = {
    RevokeOutcome.REVOKED: "token revoked",
    RevokeOutcome.ALREADY_INVALID: "the token was already invalid (expired or revoked): "
    "nothing was revoked now",
    RevokeOutcome.UNCONFIRMED: "the server did not confirm the revoke",
}


async def run_revoke(ctx: CommandContext) -> int:
    """Revoke the token given on stdin, else the one held in the token cache; with neither,
    refuse and say what revoke can do (it never mints one to revoke). The platform revokes
    only the token presented.
    """
    action = "revoke an installation token"
    ctx.require_writable(action)
    given: str | None = None
    if ctx.args.token_stdin:
        given = sys.stdin.readline().strip()
        if not given:
            raise UsageError("--token-stdin: no token on standard input")
        register_secret(given)
    async with ctx.session() as session:
        registry = session.require_registry()
        result = await installation_tokens.revoke(
            registry, ctx.args.id, ctx.writes(action), token=given
        )
    if ctx.args.json:
        print_json(
            {
                "revoked": result.outcome is RevokeOutcome.REVOKED,
                "outcome": result.outcome.value,
                "installationId": result.installation_id,
            }
        )
    else:
        warn(REVOKE_LINES[result.outcome])
    return 1 if result.outcome is RevokeOutcome.UNCONFIRMED else 0
