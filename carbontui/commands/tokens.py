"""``carbontui token`` and ``carbontui whoami``."""

from __future__ import annotations

import argparse
import sys

from carbontui.auth.token import Token
from carbontui.commands.context import CommandContext, UsageError, add_confirmation_options
from carbontui.commands.output import print_fields, print_json, warn
from carbontui.sanitize import neutralize
from carbontui.usecases import installation_tokens
from carbontui.usecases.identity import UserinfoIdentity, identify


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``token`` and ``whoami``."""
    token = sub.add_parser(
        "token", parents=[common], help="print an access token (for scripts, like `gh auth token`)"
    )
    token.add_argument(
        "--service",
        choices=["carbonext", "registry"],
        help="which service's token (default: carbonext; registry with --installation)",
    )
    token.add_argument(
        "--installation", metavar="ID", help="registry: an installation token instead of the app's"
    )
    token.add_argument(
        "--force", action="store_true", help="a new token even if a fresh one is held"
    )
    add_confirmation_options(token, "mint")
    token.set_defaults(handler=run_token)
    whoami = sub.add_parser("whoami", parents=[common], help="who the profile's credentials are")
    whoami.set_defaults(handler=run_whoami)


async def run_token(ctx: CommandContext) -> int:
    """Print only the token, so ``$(carbontui token)`` works."""
    args = ctx.args
    service = args.service or ("registry" if args.installation else "carbonext")
    if service == "carbonext" and args.installation:
        raise UsageError("--installation is for registry tokens; drop --service carbonext")
    async with ctx.session() as session:
        token: Token
        if service == "carbonext":
            carbonext = session.require_carbonext()
            token = await carbonext.token(force=args.force)
        else:
            registry = session.require_registry()
            if args.installation:
                minted = await installation_tokens.obtain(
                    registry,
                    args.installation,
                    ctx.writes("mint an installation token"),
                    force=args.force,
                )
                token = minted.token
            else:
                token = await registry.app_token(force=args.force)
    if args.json:
        print_json(
            {
                "token": token.value,
                "kind": token.kind.value,
                "expiresAt": token.expires_at,
                "scope": list(token.scope),
                "permissions": dict(token.permissions),
            }
        )
    else:
        sys.stdout.write(neutralize(token.value) + "\n")
    return 0


async def run_whoami(ctx: CommandContext) -> int:
    """Userinfo where the profile has an endpoint for it, else the token's claims."""
    async with ctx.session() as session:
        client = session.require_carbonext()
        found = await identify(client)
    if isinstance(found, UserinfoIdentity):
        info = found.info
        if ctx.args.json:
            print_json(info)
            return 0
        print_fields(
            [
                ("profile", session.profile.name),
                ("client id", info.client_id),
                ("customer", info.customer_id),
                ("legal name", info.customer_legal_name),
                ("tax id", info.customer_tax_id),
                ("application", info.customer_application_id),
                ("permissions", list(info.permissions)),
            ]
        )
        return 0
    token, claims = found.token, dict(found.claims)
    if ctx.args.json:
        print_json({"claims": claims, "scope": list(token.scope), "roles": list(token.roles)})
        return 0
    print_fields(
        [
            ("profile", session.profile.name),
            ("client id", found.client_id),
            ("subject", claims.get("sub")),
            ("issuer", claims.get("iss")),
            ("scope", list(token.scope)),
            ("roles", list(token.roles)),
        ]
    )
    warn("this profile has no userinfo_url: shown from the access token's claims")
    return 0
