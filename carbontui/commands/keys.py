"""``carbontui keys list|show|create``: Carbonext API keys."""

from __future__ import annotations

import argparse
import json
import os

from carbontui.api.carbonext import preview_client_id
from carbontui.commands.audit_cmd import add_key_audits
from carbontui.commands.context import (
    CommandContext,
    UsageError,
    add_confirmation_options,
)
from carbontui.commands.output import print_fields, print_json, print_table, warn
from carbontui.config import ConfigError, CredentialsStore
from carbontui.config.credentials import parse_credentials
from carbontui.config.schema import profile_name_problem
from carbontui.usecases.create_key import Reconciled, Unanswered, create_key, validate
from carbontui.usecases.keys import find_key

#: The CLI creates keys without permissions too: the API allows it (the dashboard's form asks
#: for at least one).
REQUIRE_PERMISSION = False


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``keys`` and its subcommands."""
    keys = sub.add_parser("keys", parents=[common], help="Carbonext API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    listing = keys_sub.add_parser("list", parents=[common], help="every API key")
    listing.add_argument(
        "--filter", metavar="TEXT", help="only keys whose id or name contains TEXT"
    )
    listing.set_defaults(handler=run_list)
    show = keys_sub.add_parser("show", parents=[common], help="one key with its permissions")
    show.add_argument("id", help="the key's id, or its client id")
    show.set_defaults(handler=run_show)
    create = keys_sub.add_parser(
        "create", parents=[common], help="create a key (secret shown once)"
    )
    create.add_argument("--client-id", required=True, help="the platform prefixes it with cbx_b2b_")
    create.add_argument("--display-name", required=True)
    create.add_argument(
        "--permission", action="append", default=[], metavar="ID", help="repeat for each"
    )
    create.add_argument("--save-profile", metavar="NAME", help="save it to credentials.toml")
    add_confirmation_options(create, "create")
    create.set_defaults(handler=run_create)
    add_key_audits(keys_sub, common)


async def run_list(ctx: CommandContext) -> int:
    """All keys, across every page."""
    async with ctx.session() as session:
        carbonext = session.require_carbonext()
        keys = await carbonext.list_all()
    needle = (ctx.args.filter or "").lower()
    if needle:
        keys = [
            k
            for k in keys
            if needle in k.client_id.lower() or needle in (k.display_name or "").lower()
        ]
    if ctx.args.json:
        print_json(keys)
    else:
        print_table(
            ["CLIENT ID", "DISPLAY NAME", "ID"], [(k.client_id, k.display_name, k.id) for k in keys]
        )
    return 0


async def run_show(ctx: CommandContext) -> int:
    """One key and every permission object."""
    async with ctx.session() as session:
        carbonext = session.require_carbonext()
        app = await find_key(carbonext, ctx.args.id)
    if ctx.args.json:
        print_json(app)
        return 0
    print_fields([("id", app.id), ("client id", app.client_id), ("display name", app.display_name)])
    print()
    print_table(
        ["PERMISSION", "ID", "COMPOSITE", "CLIENT ROLE", "CONTAINER", "DESCRIPTION"],
        [
            (p.name, p.id, p.composite, p.client_role, p.container_id, p.description)
            for p in app.permissions
        ],
    )
    return 0


async def run_create(ctx: CommandContext) -> int:
    """Validate locally, create once; on an ambiguous failure, look for it instead of retrying."""
    args = ctx.args
    action = "create an API key"
    ctx.require_writable(action)
    problems = validate(
        args.client_id, args.display_name, args.permission, require_permission=REQUIRE_PERMISSION
    )
    if problems:
        raise UsageError("keys create: nothing was sent: " + "; ".join(problems))
    profile = ctx.profile
    store = CredentialsStore.for_config(ctx.config.path) if args.save_profile else None
    if store is not None:
        _check_save_target(store, args.save_profile, profile.name)
    client_id = preview_client_id(args.client_id)
    await ctx.gate().require(action, f"Create the API key {client_id}?", ctx.confirmer(action))
    async with ctx.session() as session:
        client = session.require_carbonext()
        result = await create_key(
            client,
            args.client_id,
            args.display_name,
            args.permission,
            log=ctx.action_log(),
            require_permission=REQUIRE_PERMISSION,
        )
    if isinstance(result, Unanswered):
        _explain_unanswered(result)
        return 1
    created = result.key
    if args.json:
        print_json(created)
    else:
        print_fields(
            [
                ("id", created.id),
                ("client id", created.client_id),
                ("client secret", created.client_secret),
            ]
        )
    warn("this is the only time the client secret is shown: store it now.")
    if store is not None:
        try:
            store.save_carbonext_key(
                args.save_profile, created.client_id, created.client_secret, based_on=profile.name
            )
        except (ConfigError, OSError) as exc:
            # e.g. another process saved that name meanwhile: the store refused under its lock.
            warn(
                f"key {created.client_id} WAS created but could not be saved as profile "
                f"'{args.save_profile}': {exc}. Store the secret above yourself; do not run "
                "create again."
            )
            warn(
                f"to save it by hand, add to {store.path} (mode 0600) under a new profile name:"
                f"\n  [profiles.NEW_NAME]\n  based_on = {_toml_string(profile.name)}"
                f"\n  [profiles.NEW_NAME.carbonext]\n  client_id = "
                f'{_toml_string(created.client_id)}\n  client_secret = "<the secret above>"'
            )
            return 1
        warn(f"saved as profile '{args.save_profile}' in {store.path}")
    return 0


def _check_save_target(store: CredentialsStore, name: str, current: str) -> None:
    """Refuse before creating anything when the key could not be saved afterwards.

    The same rules the store applies under its lock when saving: a clean new name, not
    already in config.toml or credentials.toml (``ProfileExists``, exit 2).
    """
    problem = profile_name_problem(name)
    if problem is not None:
        raise UsageError(f"--save-profile: {problem}")
    if name == current:
        raise UsageError(
            f"--save-profile '{name}' is the profile creating the key; choose a new profile name"
        )
    parse_credentials(store.read(), store.path)  # a broken credentials.toml fails now, not later
    store.check_can_save(name)
    directory = store.path.parent
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write {store.path}: {directory} is not writable")


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string, control characters escaped (a JSON string is one)."""
    return json.dumps(value)


def _explain_unanswered(result: Unanswered) -> None:
    """Tell the user whether an unanswered create happened (the key list was read)."""
    client_id = result.client_id
    warn(
        f"create failed without an answer ({result.error}); checking whether the key was created..."
    )
    if result.result is Reconciled.UNKNOWN:
        warn(
            f"could not check ({result.check_error}); "
            "run `carbontui keys list` before trying again."
        )
    elif result.result is Reconciled.NOT_CREATED:
        warn(f"no key {client_id} exists: the create did not happen, it is safe to run it again.")
    else:
        warn(
            f"key {client_id} WAS created (id {result.key_id}) but its secret was lost in "
            "transit. Create a new key with another client id."
        )
