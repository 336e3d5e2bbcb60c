"""``carbontui env`` and ``carbontui exec``: the profile's credentials for other tools.

``env`` prints lines for the shell to ``eval`` (the tokens are printed on purpose, as
``gh auth token`` does); ``exec`` runs a command with the same variables added to its
environment. Neither logs a value.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import PurePath

from carbontui.api.session import ProfileSession
from carbontui.commands.context import CommandContext, UsageError, add_confirmation_options
from carbontui.sanitize import is_clean, neutralize
from carbontui.usecases import installation_tokens

SHELLS = ("sh", "fish", "powershell")
#: Exit codes a POSIX shell uses when a command cannot be run.
NOT_FOUND, NOT_EXECUTABLE = 127, 126
# PowerShell reads the typographic single quotes as quote characters too.
_POWERSHELL_QUOTES = re.compile("['\u2018\u2019\u201a\u201b]")


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``env`` and ``exec``."""
    env = sub.add_parser(
        "env",
        parents=[common],
        help="print the profile's tokens and API URLs as shell variables, for eval",
        description="Print CARBONEXT_ACCESS_TOKEN, CARBONEXT_API_URL, "
        "CARBONREGISTRY_ACCESS_TOKEN, CARBONREGISTRY_API_URL and CARBONREGISTRY_API_VERSION "
        "(for the services the profile has) as lines to eval, e.g. "
        'eval "$(carbontui env)". The tokens are printed: keep the output out of logs.',
    )
    env.add_argument(
        "--shell",
        choices=SHELLS,
        help="quoting and syntax of the lines (default: fish or powershell when $SHELL is "
        "one, else sh)",
    )
    _add_installation_option(env)
    env.set_defaults(handler=run_env)
    exec_ = sub.add_parser(
        "exec",
        parents=[common],
        help="run a command with the profile's tokens and API URLs in its environment",
        description="Run CMD with the variables `carbontui env` prints added to its "
        "environment; carbontui exits with CMD's exit code (127 when CMD is not found).",
    )
    _add_installation_option(exec_)
    exec_.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS ...]")
    exec_.set_defaults(handler=run_exec)


def _add_installation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--installation",
        metavar="ID",
        help="registry: an installation token instead of the app token",
    )
    add_confirmation_options(parser, "mint")


async def credential_variables(ctx: CommandContext, installation: str | None) -> dict[str, str]:
    """The variables for the services the profile has: each one's token and API URL."""
    profile = ctx.profile
    if profile.carbonext is None and profile.registry is None:
        raise UsageError(f"profile '{profile.name}' has no [carbonext] or [registry] section")
    if installation and profile.registry is None:
        raise UsageError(f"--installation: profile '{profile.name}' has no [registry] section")
    variables: dict[str, str] = {}
    async with ctx.session() as session:
        if profile.carbonext is not None:
            token = await session.require_carbonext().token()
            variables["CARBONEXT_ACCESS_TOKEN"] = token.value
            variables["CARBONEXT_API_URL"] = profile.carbonext.api_url
        if profile.registry is not None:
            variables["CARBONREGISTRY_ACCESS_TOKEN"] = await _registry_token(
                ctx, session, installation
            )
            variables["CARBONREGISTRY_API_URL"] = profile.registry.api_url
            variables["CARBONREGISTRY_API_VERSION"] = profile.registry.api_version
    for name, value in variables.items():
        if not is_clean(value):
            raise UsageError(f"{name} would hold control characters; check the profile")
    return variables


async def _registry_token(
    ctx: CommandContext, session: ProfileSession, installation: str | None
) -> str:
    registry = session.require_registry()
    if not installation:
        return (await registry.app_token()).value
    minted = await installation_tokens.obtain(
        registry, installation, ctx.writes("mint an installation token")
    )
    return minted.token.value


def sh_quote(value: str) -> str:
    """``value`` as one POSIX shell word."""
    return shlex.quote(value)


def fish_quote(value: str) -> str:
    """``value`` as one fish word: single quotes, where only ``\\'`` and ``\\\\`` escape."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    """``value`` as a PowerShell verbatim string: single quotes, each quote doubled."""
    return "'" + _POWERSHELL_QUOTES.sub(lambda m: m.group() * 2, value) + "'"


_ASSIGNMENTS: dict[str, Callable[[str, str], str]] = {
    "sh": lambda name, value: f"export {name}={sh_quote(value)}",
    "fish": lambda name, value: f"set -gx {name} {fish_quote(value)}",
    "powershell": lambda name, value: f"$env:{name} = {powershell_quote(value)}",
}


def render(variables: Mapping[str, str], shell: str) -> str:
    """One assignment line per variable, in ``shell``'s syntax."""
    assign = _ASSIGNMENTS[shell]
    return "".join(assign(name, value) + "\n" for name, value in variables.items())


def default_shell(env: Mapping[str, str]) -> str:
    """fish or powershell when ``$SHELL`` names one, else sh."""
    name = PurePath(env.get("SHELL", "")).name
    if name == "fish":
        return "fish"
    if name in ("pwsh", "powershell"):
        return "powershell"
    return "sh"


async def run_env(ctx: CommandContext) -> int:
    """Print the variables for ``eval``."""
    shell = ctx.args.shell or default_shell(ctx.env)
    variables = await credential_variables(ctx, ctx.args.installation)
    sys.stdout.write(render(variables, shell))
    return 0


async def run_exec(ctx: CommandContext) -> int:
    """Run the command with the variables added; its exit code is ours."""
    argv = list(ctx.args.argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        raise UsageError("exec: no command given (carbontui exec -- CMD [ARGS ...])")
    variables = await credential_variables(ctx, ctx.args.installation)
    return run_child(argv, {**os.environ, **variables}, as_json=bool(ctx.args.json))


def run_child(argv: Sequence[str], env: Mapping[str, str], *, as_json: bool = False) -> int:
    """Run ``argv`` in the foreground and return its exit code as a shell would.

    While it runs, Ctrl-C is left to the child (the terminal sends it to both): carbontui
    waits for the child instead of dying first. A child killed by signal N gives 128 + N.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    with _child_owns_ctrl_c():
        try:
            child = subprocess.Popen(list(argv), env=dict(env))
        except FileNotFoundError:
            return _fail(f"exec: {argv[0]}: command not found", NOT_FOUND, as_json)
        except PermissionError:
            return _fail(f"exec: {argv[0]}: permission denied", NOT_EXECUTABLE, as_json)
        except OSError as exc:
            return _fail(f"exec: {argv[0]}: {exc.strerror or exc}", NOT_EXECUTABLE, as_json)
        code = child.wait()
    return 128 - code if code < 0 else code


@contextlib.contextmanager
def _child_owns_ctrl_c() -> Iterator[None]:
    """SIGINT does nothing here meanwhile (a handler, not SIG_IGN, which the child would
    inherit: a caught signal is reset to its default action at exec)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _ignore_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _ignore_signal(signum: int, frame: object) -> None:
    return None


def _fail(message: str, code: int, as_json: bool) -> int:
    """The CLI's error line (or ``--json`` document) with an exit code of our own."""
    if as_json:
        import json

        sys.stderr.write(json.dumps({"error": message, "exit": code}) + "\n")
    else:
        sys.stderr.write(f"carbontui: error: {neutralize(message)}\n")
    return code
