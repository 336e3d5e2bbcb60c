"""Command-line entry point: the dashboard, headless subcommands and the sandbox.

Exit codes: 0 ok, 1 an API error (message on stderr), 2 a usage or config error.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from carbontui import __version__

EXIT_OK, EXIT_API, EXIT_USAGE = 0, 1, 2


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps a flag given before the subcommand from being reset by the subparser's
    # default, so `--profile` works on either side of the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", "-p", default=argparse.SUPPRESS, help="profile to use")
    common.add_argument(
        "--config", "-c", default=argparse.SUPPRESS, metavar="PATH", help="config.toml to read"
    )
    for flag, text in (
        ("--read-only", "block create and revoke"),
        ("--json", "JSON output"),
        ("--no-cache", "keep tokens in this process only (not in the shared token cache)"),
    ):
        common.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=text)
    common.add_argument(
        "--log-file",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="append a debug log (secrets redacted) to PATH",
    )
    return common


def version_text() -> str:
    """``carbontui X (Textual Y, httpx Z, Python W)``: what a bug report needs."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def of(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"carbontui {__version__} (Textual {of('textual')}, httpx {of('httpx')}, "
        f"Python {platform.python_version()})"
    )


class _VersionAction(argparse.Action):
    # Versions are looked up only when asked for: metadata reads cost start-up time.
    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        sys.stdout.write(version_text() + "\n")
        parser.exit()


def _top_parser(common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carbontui",
        parents=[common],
        description="Terminal dashboard for Carbonext B2B and CarbonRegistry credentials. "
        "With no command, opens the dashboard.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        nargs=0,
        help="print carbontui's version and those of Textual, httpx and Python, then exit",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the dashboard on a built-in sandbox"
    )
    return parser


def dashboard_parser() -> argparse.ArgumentParser:
    """The parser for a start with no command: global options only, no subcommand imported."""
    return _top_parser(_common_options())


#: Options that take a value, so the word after them is not a command name.
_VALUED_OPTIONS = frozenset({"--profile", "-p", "--config", "-c", "--log-file"})


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether ``argv`` has a positional word (a command) or asks for the full help."""
    expect_value = False
    for word in argv:
        if expect_value:
            expect_value = False
        elif word in ("-h", "--help"):
            return True
        elif word.startswith("-"):
            expect_value = word in _VALUED_OPTIONS  # "--profile=x" carries its own value
        else:
            return True
    return False


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    common = _common_options()
    parser = _top_parser(common)
    from carbontui.commands import (
        api_cmd,
        cache_cmd,
        completion_cmd,
        config_cmd,
        env_cmd,
        installations,
        keys,
        tokens,
    )
    from carbontui.sandbox.cli import add_arguments as add_sandbox_arguments

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    tokens.add_parsers(sub, common)
    keys.add_parsers(sub, common)
    installations.add_parsers(sub, common)
    config_cmd.add_parsers(sub, common)
    api_cmd.add_parsers(sub, common)
    env_cmd.add_parsers(sub, common)
    cache_cmd.add_parsers(sub, common)
    completion_cmd.add_parsers(sub, common)
    sandbox = sub.add_parser("sandbox", help="serve a local emulator of both platforms")
    add_sandbox_arguments(sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code.

    A start with no command (the dashboard) is parsed without importing any subcommand.
    """
    words = sys.argv[1:] if argv is None else list(argv)
    if names_a_command(words):
        args = build_parser().parse_args(words)
    else:
        args = dashboard_parser().parse_args(words)
        args.command = None
    if not hasattr(args, "json"):
        args.json = False
    if args.command == "sandbox":
        from carbontui.sandbox.cli import run

        return run(args)
    if args.command is None:
        # The dashboard's start allocates heavily (imports, widgets) and frees little: the
        # cyclic collector is paused until the app resumes it (``CarbonApp.on_mount``), and
        # never left off once the dashboard is done.
        gc.disable()
        try:
            from carbontui.launch import run_dashboard

            return run_dashboard(args)
        finally:
            gc.enable()
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run a headless subcommand, mapping every expected failure to a message and exit code."""
    from carbontui import logging_setup
    from carbontui.commands.context import CommandContext, UsageError
    from carbontui.config import ConfigError
    from carbontui.errors import ApiError, CarbontuiError

    as_json = bool(getattr(args, "json", False))
    try:
        if getattr(args, "log_file", None):
            logging_setup.configure(Path(args.log_file), pinned=True)
        return asyncio.run(args.handler(CommandContext(args)))
    except (ConfigError, UsageError) as exc:
        return _error(str(exc), EXIT_USAGE, as_json=as_json)
    except ApiError as exc:
        return _error(str(exc), EXIT_API, as_json=as_json)
    except CarbontuiError as exc:  # read-only refusals, unusable keys, unconfirmed writes
        return _error(str(exc), EXIT_USAGE, as_json=as_json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # about the unflushable stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a file we had to read or write: name it, no traceback
        return _error(str(exc), EXIT_USAGE, as_json=as_json)
    except Exception as exc:  # a bug: one line here, the traceback only in the log file
        return report_unexpected(exc, as_json=as_json)
    finally:
        logging_setup.shutdown()


def _error(message: str, code: int = EXIT_API, *, as_json: bool = False) -> int:
    """Report a failure on stderr and return its exit code.

    One inert line: ``carbontui: error: ...`` (escape sequences and control characters
    neutralised), or with ``--json`` one JSON document ``{"error": ..., "exit": N}`` on one
    line (every non-ASCII and control character written as a \\u escape).
    """
    if as_json:
        import json

        sys.stderr.write(json.dumps({"error": message, "exit": code}) + "\n")
        return code
    from carbontui.sanitize import neutralize

    sys.stderr.write(f"carbontui: error: {neutralize(message)}\n")
    return code


def report_unexpected(exc: BaseException, *, as_json: bool = False) -> int:
    """Report an unexpected exception as one line (no traceback, no locals); returns 1.

    When a log file is open, the traceback goes there (the log's filter redacts it; logging
    never renders locals); otherwise the line says how to get one.
    """
    import logging

    from carbontui import logging_setup
    from carbontui.redaction import redact

    log_file = logging_setup.current_log_file()
    if log_file is not None:
        logging.getLogger("carbontui").error(
            "unexpected %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__)
        )
        hint = f"details in {log_file}"
    else:
        hint = "run with --log-file PATH for details"
    message = redact(str(exc))
    what = f"unexpected {type(exc).__name__}" + (f": {message}" if message else "")
    return _error(f"{what} ({hint})", EXIT_API, as_json=as_json)
