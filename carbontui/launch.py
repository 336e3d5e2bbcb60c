"""Starting the dashboard: from a config, or on a private sandbox with ``--demo``."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from carbontui.config import (
    Config,
    ConfigError,
    ConfigNotFound,
    load_config,
    resolve_config_path,
    resolve_profile_name,
)
from carbontui.sanitize import neutralize

if TYPE_CHECKING:
    import httpx

    from carbontui.history import ActionHistory

FIRST_RUN = """\
carbontui: no configuration found at {path}

  Try the dashboard on a built-in sandbox (no config, no network):
      carbontui --demo

  Or write a starter config to fill in with your keys:
      carbontui config init
      $EDITOR {path}
"""


def run_dashboard(args: argparse.Namespace) -> int:
    """Open the dashboard; returns an exit code. Config problems are one clear message.

    Anything unexpected before (or after) the app runs is one redacted line too, never a
    traceback with locals; a crash inside the app is reported by the app itself.
    """
    from carbontui import logging_setup

    try:
        if getattr(args, "log_file", None):
            # Opened first, so anything failing from here on has its traceback there.
            logging_setup.configure(Path(args.log_file), pinned=True)
        return _run_dashboard(args)
    except ConfigError as exc:
        return _error(exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from carbontui.cli import report_unexpected

        return report_unexpected(exc)
    finally:
        logging_setup.shutdown()


def _error(message: object) -> int:
    from carbontui.cli import _error as error_line

    error_line(str(message))
    return 2


def _run_dashboard(args: argparse.Namespace) -> int:
    if args.demo:
        return _run_demo(args)
    path = resolve_config_path(getattr(args, "config", None))
    try:
        config = load_config(path)
    except ConfigNotFound:
        sys.stderr.write(FIRST_RUN.format(path=neutralize(str(path))))
        return 2
    except ConfigError as exc:
        return _error(exc)
    profile = resolve_profile_name(getattr(args, "profile", None))
    with contextlib.suppress(ConfigError):  # an unknown profile is reported by the app
        selected = config.profile(profile)
        if selected.needs_ca_store:
            ca_bundle = selected.ca_bundle
            warm_tls_context(str(ca_bundle) if ca_bundle else None)
    return _run_app(args, config, profile)


def warm_tls_context(ca_bundle: str | None) -> threading.Thread:
    """Build the shared TLS context for ``ca_bundle`` on a background thread.

    Loading a CA store takes 25-50 ms but releases the GIL, so it overlaps with importing and
    composing the dashboard; the profile's session then finds it cached. A failure is left
    for the session to report.
    """
    from carbontui.api.session import tls_context  # imported here, not on the thread

    def build() -> None:
        with contextlib.suppress(Exception):
            tls_context(ca_bundle)

    thread = threading.Thread(target=build, name="tls-warm-up", daemon=True)
    thread.start()
    return thread


#: The demo's action history, inside its throw-away directory (never the user's own history).
DEMO_HISTORY = "history.jsonl"
#: Signals that end a demo from outside (terminal closed, ``kill``): its directory goes too.
CLEANUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


#: The demo sandbox's base URL: never resolved, the demo's requests go to an in-process app.
DEMO_URL = "http://sandbox.demo.test"


@dataclass(frozen=True)
class Demo:
    """A demo environment: its throw-away config and the transport to its sandbox."""

    config: Path
    transport: httpx.AsyncBaseTransport


@contextlib.contextmanager
def demo_environment() -> Iterator[Demo]:
    """An in-process sandbox and a throw-away config for it.

    No server, socket or thread: the dashboard's HTTP clients send to the sandbox app through
    ``httpx.ASGITransport`` (the rest of the client stack, caps and deadlines included, is the
    one every profile uses). The directory (config, app key, history) is removed on exit, and
    on SIGHUP or SIGTERM too.
    """
    import httpx

    from carbontui.config.keys import remember_private_key
    from carbontui.sandbox import create_app, write_config
    from carbontui.sandbox.config_out import KEY_FILE
    from carbontui.sandbox.demo import demo_options

    sandbox = create_app(demo_options())
    with (
        tempfile.TemporaryDirectory(prefix="carbontui-demo-") as tmp,
        remove_on_signals(Path(tmp)),
    ):
        path = write_config(Path(tmp), DEMO_URL, sandbox)
        # Hand the client the key object the sandbox holds, so it never parses the PEM.
        key = sandbox.state.sandbox.app_private_key
        remember_private_key((path.parent / KEY_FILE).read_bytes(), key)
        yield Demo(path, httpx.ASGITransport(app=sandbox))


#: Called after a cleanup signal removed the demo directory (the running app's exit).
_on_cleanup_signal: list[Callable[[int], None]] = []


@contextlib.contextmanager
def remove_on_signals(directory: Path) -> Iterator[None]:
    """While active, SIGHUP and SIGTERM first delete ``directory`` (its saved secrets).

    Then the process ends: through the hooks in ``_on_cleanup_signal`` (a running dashboard
    exits cleanly, restoring the terminal), or else by the signal's previous handler. The
    previous handlers are put back on exit.
    """
    previous = {int(signum): signal.getsignal(signum) for signum in CLEANUP_SIGNALS}

    def handler(signum: int, frame: FrameType | None) -> None:
        shutil.rmtree(directory, ignore_errors=True)
        if _on_cleanup_signal:
            for hook in list(_on_cleanup_signal):
                hook(signum)
            return
        _resignal(signum, previous[signum], frame)

    try:
        for signum in CLEANUP_SIGNALS:
            signal.signal(signum, handler)
    except ValueError:  # not the main thread: signals cannot be caught here
        previous.clear()
    try:
        yield
    finally:
        for number, old in previous.items():
            if old is not None:  # None: set outside Python, cannot be put back
                signal.signal(number, old)


def _resignal(signum: int, old: object, frame: FrameType | None) -> None:
    """Act as the handler ``old`` would have for ``signum``."""
    if callable(old):
        old(signum, frame)
    elif old != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _run_demo(args: argparse.Namespace) -> int:
    from carbontui.history import ActionHistory

    with demo_environment() as demo:
        profile = getattr(args, "profile", None) or "sandbox-hml"
        history = ActionHistory(demo.config.parent / DEMO_HISTORY)
        config = load_config(demo.config)
        return _run_app(args, config, profile, history=history, transport=demo.transport)


def _run_app(
    args: argparse.Namespace,
    config: Config,
    profile: str | None,
    *,
    history: ActionHistory | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    from carbontui.tui.app import CarbonApp

    app = CarbonApp(
        config,
        profile=profile,
        read_only=bool(getattr(args, "read_only", False)),
        demo=bool(args.demo),
        history=history,
        transport=transport,
    )

    def exit_on_signal(signum: int) -> None:
        # Runs in a signal handler, on the thread of the app's event loop: hand it the exit.
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app is not running (yet, or any more)
            raise SystemExit(128 + signum) from None
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    _on_cleanup_signal.append(exit_on_signal)
    try:
        app.run()
    except ConfigError as exc:
        return _error(exc)
    finally:
        _on_cleanup_signal.remove(exit_on_signal)
    return app.return_code or 0
