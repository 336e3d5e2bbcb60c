"""Starting the dashboard: from a config, or on a private sandbox with ``--demo``."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
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
    return _run_app(args, config, resolve_profile_name(getattr(args, "profile", None)))


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

    # The sandbox's RSA keys are made on another core (OpenSSL drops the GIL) while this
    # thread imports the dashboard and the sandbox, instead of one after the other.
    prefetch_rsa_keys()
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
