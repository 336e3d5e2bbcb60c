"""``carbontui config path|check|init|profiles``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

from carbontui.api.session import resolve_client_secret
from carbontui.auth.app_jwt import AppJwtSigner, PrivateKeyError
from carbontui.clock import system_clock
from carbontui.commands.context import CommandContext
from carbontui.commands.output import print_json, print_table, warn
from carbontui.config import (
    ConfigError,
    Profile,
    resolve_config_path,
    resolve_profile_name,
    write_starter_config,
)
from carbontui.config.starter import schema_text, write_schema
from carbontui.sanitize import neutralize

SCHEMA_HELP = "print the JSON Schema of config.toml (for editors: taplo, Even Better TOML)"
SCHEMA_NOTE = (
    "With --write, config.schema.json is refreshed beside the config file; the config's first "
    "line, `#:schema ./config.schema.json`, points TOML editors at it."
)


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``config`` and its subcommands."""
    cfg = sub.add_parser("config", parents=[common], help="where the config is, and is it valid")
    cfg_sub = cfg.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    cfg_sub.add_parser("path", parents=[common], help="print the config file path").set_defaults(
        handler=run_path
    )
    cfg_sub.add_parser(
        "check", parents=[common], help="validate the config and resolve the profile's secrets"
    ).set_defaults(handler=run_check)
    cfg_sub.add_parser("init", parents=[common], help="write a starter config.toml").set_defaults(
        handler=run_init
    )
    profiles = cfg_sub.add_parser("profiles", parents=[common], help="list profiles")
    profiles.add_argument(
        "--names", action="store_true", help="profile names only, one per line (for scripts)"
    )
    profiles.set_defaults(handler=run_profiles)
    schema = cfg_sub.add_parser("schema", parents=[common], help=SCHEMA_HELP, epilog=SCHEMA_NOTE)
    schema.add_argument("--write", action="store_true", help="write it beside the config")
    schema.set_defaults(handler=run_schema)


async def run_path(ctx: CommandContext) -> int:
    """The config path that would be used (it need not exist)."""
    path = resolve_config_path(getattr(ctx.args, "config", None), ctx.env)
    if ctx.args.json:
        print_json({"path": str(path), "exists": path.is_file()})
    else:
        print(path)
    return 0


@dataclass
class ProfileCheck:
    """What ``config check`` found for one profile."""

    profile: Profile
    services: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_profile(profile: Profile) -> ProfileCheck:
    """Resolve the profile's secret and key (values never kept); every failure is listed."""
    found = ProfileCheck(profile)
    if profile.carbonext is not None:
        settings = profile.carbonext
        try:
            resolve_client_secret(profile)
        except ConfigError as exc:
            found.problems.append(str(exc))
        else:
            found.services["carbonext"] = (
                f"client {settings.client_id}, secret from {settings.client_secret.describe()}"
            )
    if profile.registry is not None:
        registry = profile.registry
        try:
            key = registry.load_private_key().reveal()
            signer = AppJwtSigner(registry.app_id, key, system_clock)
        except (ConfigError, PrivateKeyError) as exc:
            found.problems.append(f"profile '{profile.name}': registry: {exc}")
        else:
            found.services["registry"] = (
                f"app {registry.app_id}, {signer.algorithm} key {registry.private_key_file}"
            )
    return found


async def run_check(ctx: CommandContext) -> int:
    """Load and validate; resolve secrets and keys without printing them.

    Every profile is checked (only the named one with ``--profile``/``CARBONTUI_PROFILE``) and
    every problem is reported, not the first: a config that does not parse, or a named
    profile that cannot be loaded, is one ``ConfigError`` (exit 2); otherwise exit 2 when any
    profile has a problem.
    """
    config = ctx.config
    if resolve_profile_name(getattr(ctx.args, "profile", None), ctx.env) is not None:
        profiles = [ctx.profile]
    else:
        profiles = list(config.profiles.values())
    checks = [check_profile(profile) for profile in profiles]
    unloadable = {
        neutralize(name): neutralize(message) for name, message in config.problems.items()
    }
    failed = len(unloadable) + sum(1 for check in checks if check.problems)
    if ctx.args.json:
        print_json(
            {
                "path": str(config.path),
                "ok": not failed,
                "profiles": {
                    check.profile.name: {
                        "environment": check.profile.environment,
                        "readOnly": check.profile.read_only,
                        "services": check.services,
                        "problems": check.problems,
                    }
                    for check in checks
                },
                "warnings": list(config.warnings),
                "problems": unloadable,
            }
        )
        return 2 if failed else 0
    count = len(config.profiles) + len(unloadable)
    if failed:
        print(f"{config.path}: {failed} of {count} profiles have errors")
    else:
        print(f"{config.path}: ok ({count} profile{'' if count == 1 else 's'})")
    for check in checks:
        profile = check.profile
        flags = ", read-only" if profile.read_only else ""
        print(f"profile '{profile.name}' ({profile.environment}{flags}):")
        for service, detail in check.services.items():
            print(f"  {service + ':':<10} {neutralize(detail)}")
        if not check.services and not check.problems:
            print("  services:  none configured")
        for problem in check.problems:
            sys.stderr.write(f"carbontui: error: {neutralize(problem)}\n")
    for name, message in unloadable.items():
        warn(f"profile '{name}' cannot be used: {message}")
    return 2 if failed else 0


async def run_init(ctx: CommandContext) -> int:
    """Write a commented starter config; never overwrites."""
    path = resolve_config_path(getattr(ctx.args, "config", None), ctx.env)
    write_starter_config(path)
    if ctx.args.json:
        print_json({"written": str(path)})
    warn(
        f"wrote {path} and config.schema.json beside it; "
        "edit the config, then run `carbontui config check`"
    )
    return 0


async def run_schema(ctx: CommandContext) -> int:
    """The JSON Schema on stdout, or written beside the config with ``--write``."""
    if not ctx.args.write:
        sys.stdout.write(schema_text())
        return 0
    path = resolve_config_path(getattr(ctx.args, "config", None), ctx.env)
    written = write_schema(path.parent)
    if ctx.args.json:
        print_json({"written": str(written)})
    else:
        warn(f"wrote {written}")
    return 0


async def run_profiles(ctx: CommandContext) -> int:
    """Every profile with its environment and services; the default is marked."""
    config = ctx.config
    if getattr(ctx.args, "names", False):
        for name in sorted(config.profiles):
            print(neutralize(name))
        return 0
    rows = []
    for name, p in config.profiles.items():
        services = [s for s in ("carbonext", "registry") if getattr(p, s) is not None]
        rows.append(
            {
                "name": name,
                "default": name == config.default_profile,
                "environment": p.environment,
                "readOnly": p.read_only,
                "services": services,
                "carbonextApi": p.carbonext.api_url if p.carbonext else None,
                "registryApi": p.registry.api_url if p.registry else None,
                "error": None,
            }
        )
    for name, message in config.problems.items():
        rows.append(
            {
                "name": neutralize(name),
                "default": name == config.default_profile,
                "environment": None,
                "readOnly": None,
                "services": [],
                "carbonextApi": None,
                "registryApi": None,
                "error": neutralize(message),
            }
        )
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(
        ["", "PROFILE", "ENV", "READ-ONLY", "SERVICES", "CARBONEXT API", "REGISTRY API"],
        [
            (
                "*" if r["default"] else "",
                r["name"],
                r["environment"] if r["error"] is None else "(error)",
                r["readOnly"],
                r["services"],
                r["carbonextApi"],
                r["registryApi"],
            )
            for r in rows
        ],
    )
    for r in rows:
        if r["error"] is not None:
            warn(f"profile '{r['name']}' cannot be used: {r['error']}")
    return 0
