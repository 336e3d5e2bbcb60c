"""``carbontui config path|check|init|profiles``."""

from __future__ import annotations

import argparse

from carbontui.api.session import resolve_client_secret
from carbontui.auth.app_jwt import AppJwtSigner
from carbontui.clock import system_clock
from carbontui.commands.context import CommandContext
from carbontui.commands.output import print_json, print_table, warn
from carbontui.config import resolve_config_path, write_starter_config
from carbontui.sanitize import neutralize


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
    cfg_sub.add_parser("profiles", parents=[common], help="list profiles").set_defaults(
        handler=run_profiles
    )


async def run_path(ctx: CommandContext) -> int:
    """The config path that would be used (it need not exist)."""
    path = resolve_config_path(getattr(ctx.args, "config", None), ctx.env)
    if ctx.args.json:
        print_json({"path": str(path), "exists": path.is_file()})
    else:
        print(path)
    return 0


async def run_check(ctx: CommandContext) -> int:
    """Load and validate; resolve the selected profile's secrets and key without printing them.

    Any problem is a ``ConfigError`` (exit 2) naming the file, key, variable or command;
    other profiles that could not be loaded are listed and also make the check exit 2.
    """
    config = ctx.config
    profile = ctx.profile
    services: dict[str, str] = {}
    if profile.carbonext is not None:
        settings = profile.carbonext
        resolve_client_secret(profile)
        services["carbonext"] = (
            f"client {settings.client_id}, secret from {settings.client_secret.describe()}"
        )
    if profile.registry is not None:
        registry = profile.registry
        signer = AppJwtSigner(registry.app_id, registry.load_private_key().reveal(), system_clock)
        services["registry"] = (
            f"app {registry.app_id}, {signer.algorithm} key {registry.private_key_file}"
        )
    # Other profiles that could not be loaded: the selected one works, but the config is not
    # all valid, so say which and fail the check.
    problems = {neutralize(name): neutralize(message) for name, message in config.problems.items()}
    if ctx.args.json:
        print_json(
            {
                "path": str(config.path),
                "profile": profile.name,
                "environment": profile.environment,
                "ok": not problems,
                "services": services,
                "warnings": list(config.warnings),
                "problems": problems,
            }
        )
        return 2 if problems else 0
    count = len(config.profiles)
    if problems:
        print(f"{config.path}: {len(problems)} of {count + len(problems)} profiles have errors")
    else:
        print(f"{config.path}: ok ({count} profile{'' if count == 1 else 's'})")
    flags = ", read-only" if profile.read_only else ""
    print(f"profile '{profile.name}' ({profile.environment}{flags}):")
    for service, detail in services.items() or [("services", "none configured")]:
        print(f"  {service + ':':<10} {detail}")
    for name, message in problems.items():
        warn(f"profile '{name}' cannot be used: {message}")
    return 2 if problems else 0


async def run_init(ctx: CommandContext) -> int:
    """Write a commented starter config; never overwrites."""
    path = resolve_config_path(getattr(ctx.args, "config", None), ctx.env)
    write_starter_config(path)
    if ctx.args.json:
        print_json({"written": str(path)})
    warn(f"wrote {path}; edit it, then run `carbontui config check`")
    return 0


async def run_profiles(ctx: CommandContext) -> int:
    """Every profile with its environment and services; the default is marked."""
    config = ctx.config
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
