"""Helpers for dashboard tests: a frozen clock, app factories, waiting on the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, create_app, write_config
from carbontui.tui.app import CarbonApp

#: 2027-01-15 12:00:00 UTC: every snapshot and countdown is computed from this instant.
FROZEN_AT = 1_800_000_000.0
SIZE = (120, 40)


def in_process_app(tmp_path: Path, profile: str = "sandbox-hml", **kwargs: Any) -> CarbonApp:
    """A dashboard on an in-process sandbox behind a fixed URL, for pixel-stable snapshots."""
    clock = ManualClock(FROZEN_AT)
    sandbox_app = create_app(SandboxOptions(seed=0, now=clock))
    path = write_config(tmp_path / "cfg", "http://sandbox.test", sandbox_app)
    return CarbonApp(
        load_config(path),
        profile=profile,
        clock=clock,
        history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
        transport=httpx.ASGITransport(app=sandbox_app),
        **kwargs,
    )


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], *, limit: float = 15.0) -> None:
    """Let the app run until ``condition`` holds (fails the test after ``limit`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(
                "condition not reached while the app was running; the screen shows:\n"
                + screen_text(pilot.app)  # type: ignore[arg-type]
            )
        await pilot.pause(0.05)


def screen_text(app: CarbonApp) -> str:
    """Everything currently drawn, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
