"""Command-line entry point: the dashboard, headless subcommands and the sandbox."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (global flags work before or after the subcommand)."""
    parser = argparse.ArgumentParser(
        prog="carbontui",
        description="Terminal dashboard for Carbonext B2B and CarbonRegistry credentials.",
    )
    parser.add_argument("--demo", action="store_true", help="open the dashboard on a built-in sandbox")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sandbox = sub.add_parser("sandbox", help="serve a local emulator of both platforms")
    from carbontui.sandbox.cli import add_arguments

    add_arguments(sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        from carbontui.sandbox.cli import run

        return run(args)
    print("carbontui: the dashboard is not built yet; try `carbontui sandbox`.", file=sys.stderr)
    return 2
