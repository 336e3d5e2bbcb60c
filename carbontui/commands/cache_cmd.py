"""``carbontui cache list|clear``: what the shared token cache holds, and wiping it.

Neither needs a valid config: the cache is read as it is on disk, and a profile is only a
name to filter by. No token value is ever printed.
"""

from __future__ import annotations

import argparse
import time

from carbontui.auth.shared_store import Seen, SharedTokenStore
from carbontui.commands.context import CommandContext
from carbontui.commands.output import print_json, print_table

HELP = "the token cache shared by every carbontui process"
DESCRIPTION = (
    "Tokens are shared between carbontui processes through files in the user's cache "
    "directory (see the README's threat-model note). --profile P limits an action to one "
    "profile; without it, every profile's entries are concerned."
)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``cache`` and its subcommands."""
    cache = sub.add_parser("cache", parents=[common], help=HELP, description=DESCRIPTION)
    actions = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("list", run_list, "the cached tokens: kind and expiry, never the value"),
        ("clear", run_clear, "remove the cached tokens (of --profile P only)"),
        ("path", run_path, "print the cache directory"),
    ):
        actions.add_parser(name, parents=[common], help=text).set_defaults(handler=handler)


def _scope(ctx: CommandContext) -> str | None:
    # Only an explicit --profile narrows: CARBONTUI_PROFILE picks a profile to *use*, and a
    # clear meant for everything must not silently keep other profiles' tokens.
    profile = getattr(ctx.args, "profile", None)
    return str(profile) if profile else None


def _entries(store: SharedTokenStore, profile: str | None) -> list[Seen]:
    seen = [s for s in store.scan() if profile is None or s.key.profile == profile]
    return sorted(seen, key=lambda s: (s.key.profile, s.key.service, s.key.installation))


async def run_list(ctx: CommandContext) -> int:
    """Each cached token: profile, service, kind, installation and expiry."""
    store = SharedTokenStore()
    now = time.time()
    entries = _entries(store, _scope(ctx))
    if ctx.args.json:
        print_json(
            [
                {
                    "profile": s.key.profile,
                    "service": s.key.service,
                    "kind": str(s.token.kind),
                    "installationId": s.key.installation or None,
                    "issuedAt": s.token.issued_at,
                    "expiresAt": s.token.expires_at,
                    "expired": s.token.expires_at is not None and s.token.expires_at <= now,
                    "refreshable": s.token.can_refresh,
                }
                for s in entries
            ]
        )
        return 0
    print_table(
        ["PROFILE", "SERVICE", "TOKEN", "INSTALLATION", "EXPIRES"],
        [
            (
                s.key.profile,
                s.key.service,
                s.token.kind.label,
                s.key.installation or None,
                _expiry(s.token.expires_at, now),
            )
            for s in entries
        ],
    )
    return 0


async def run_clear(ctx: CommandContext) -> int:
    """Remove the entries (of one profile); running dashboards drop them at their next sync."""
    profile = _scope(ctx)
    removed = SharedTokenStore().clear(profile)
    if ctx.args.json:
        print_json({"removed": removed, "profile": profile})
    else:
        whose = f"profile '{profile}'" if profile else "every profile"
        print(f"removed {removed} cached token{'' if removed == 1 else 's'} ({whose})")
    return 0


async def run_path(ctx: CommandContext) -> int:
    """The directory the shared cache lives in (it need not exist yet)."""
    root = SharedTokenStore().root
    if ctx.args.json:
        print_json({"path": str(root), "exists": root.is_dir()})
    else:
        print(root)
    return 0


def _expiry(expires_at: float | None, now: float) -> str:
    if expires_at is None:
        return "never"
    left = int(expires_at - now)
    if left <= 0:
        return "expired"
    minutes, seconds = divmod(left, 60)
    return f"in {minutes}m {seconds:02d}s" if minutes else f"in {seconds}s"
