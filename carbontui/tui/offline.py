"""Test and picture support, not part of the running dashboard.

A dashboard wired to an in-process sandbox at a fixed URL and a frozen clock, for the tests
(``tests/tui``, ``tests/security``), the snapshot tests and ``scripts/screenshots.py``. Nothing
that ``carbontui`` runs imports it: ``--demo`` has its own in-process sandbox
(``launch.demo_environment``), with the real clock and fresh data. This variant freezes time and
seeds, so pictures never change between runs. It stays in the package only because
``scripts/screenshots.py`` imports it from there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, create_app, write_config
from carbontui.tui.app import CarbonApp

#: 2027-01-15 08:00 UTC: the instant every picture is taken at.
PICTURE_TIME = 1_800_000_000.0
FIXED_URL = "http://sandbox.test"


def offline_dashboard(
    config_dir: Path,
    *,
    profile: str = "sandbox-hml",
    history_path: Path | None = None,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
) -> tuple[CarbonApp, ManualClock]:
    """The app and its frozen clock; HTTP goes straight to a seeded in-process sandbox."""
    clock = ManualClock(PICTURE_TIME)
    sandbox_app = create_app(SandboxOptions(seed=0, now=clock, repeatable_tokens=True))
    path = write_config(config_dir, FIXED_URL, sandbox_app)
    transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=sandbox_app)
    if wrap is not None:
        transport = wrap(transport)
    app = CarbonApp(
        load_config(path),
        profile=profile,
        clock=clock,
        history=ActionHistory(history_path or config_dir / "history.jsonl", clock=clock),
        transport=transport,
    )
    return app, clock
