"""Starting the dashboard: from a config, or on a private sandbox with ``--demo``."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from carbontui.config import (
    Config,
    ConfigError,
    ConfigNotFound,
    load_config,
    resolve_config_path,
    resolve_profile_name,
)

FIRST_RUN = """\
carbontui: no configuration found at {path}

  Try the dashboard on a built-in sandbox (no config, no network):
      carbontui --demo

  Or write a starter config to fill in with your keys:
      carbontui config init
      $EDITOR {path}
"""


def run_dashboard(args: argparse.Namespace) -> int:
    """Open the dashboard; returns an exit code. Config problems are one clear message."""
    if args.demo:
        return _run_demo(args)
    path = resolve_config_path(getattr(args, "config", None))
    try:
        config = load_config(path)
    except ConfigNotFound:
        sys.stderr.write(FIRST_RUN.format(path=path))
        return 2
    except ConfigError as exc:
        sys.stderr.write(f"carbontui: error: {exc}\n")
        return 2
    profile = resolve_profile_name(getattr(args, "profile", None))
    with contextlib.suppress(ConfigError):  # an unknown profile is reported by the app
        ca_bundle = config.profile(profile).ca_bundle
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


@contextlib.contextmanager
def demo_environment() -> Iterator[Path]:
    """A sandbox on a free loopback port and a throw-away config for it; yields the config path.

    The real server runs on a background thread, so the app uses its production HTTP path.
    """
    from carbontui.sandbox import SandboxOptions, SandboxServer, write_config

    with (
        tempfile.TemporaryDirectory(prefix="carbontui-demo-") as tmp,
        SandboxServer(SandboxOptions()) as server,
    ):
        yield write_config(Path(tmp), server.url, server.app)


def _run_demo(args: argparse.Namespace) -> int:
    from carbontui.sandbox.keys import prefetch_rsa_keys

    # The sandbox's RSA keys and the CA store are made/loaded on another core (OpenSSL drops
    # the GIL) while this thread imports the dashboard and the sandbox.
    prefetch_rsa_keys()
    warm_tls_context(None)  # the demo config sets no ca_bundle
    import carbontui.tui.app  # noqa: F401

    with demo_environment() as path:
        profile = getattr(args, "profile", None) or "sandbox-hml"
        return _run_app(args, load_config(path), profile)


def _run_app(args: argparse.Namespace, config: Config, profile: str | None) -> int:
    from carbontui import logging_setup
    from carbontui.tui.app import CarbonApp

    if getattr(args, "log_file", None):
        try:
            logging_setup.configure(Path(args.log_file), pinned=True)
        except ConfigError as exc:
            sys.stderr.write(f"carbontui: error: {exc}\n")
            return 2
    app = CarbonApp(
        config,
        profile=profile,
        read_only=bool(getattr(args, "read_only", False)),
        demo=bool(args.demo),
    )
    try:
        app.run()
    except ConfigError as exc:
        sys.stderr.write(f"carbontui: error: {exc}\n")
        return 2
    return app.return_code or 0
