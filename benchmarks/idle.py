"""Idle: the dashboard showing 50 live countdowns, left alone.

A sandbox with 60 installations runs in its own process; the dashboard (headless, 120x40, real
clock) mints 50 installation tokens, shows the Identity & tokens tab and is left for
``--seconds``. Prints CPU time as % of one core against a bare Textual app idling as long in
the same run, and the requests the sandbox saw against what the configured polling allows.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import _common
from _sandbox_proc import Sandbox, sandbox_process
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Label

from carbontui.config import load_config
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.identity import IdentityView

SIZE = (120, 40)
TOKENS = 50
PROFILE = "sandbox-prod"  # has a userinfo endpoint, so its Identity poll makes a request


class Bare(App[None]):
    """The baseline: one label."""

    def compose(self) -> ComposeResult:
        yield Label("hello")


async def cpu_percent(pilot: Pilot[Any], seconds: float) -> float:
    """CPU time this process used while the app idled ``seconds``, as % of one core."""
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.sleep(seconds)
    del pilot  # the app keeps running on this loop while we sleep
    return 100 * (time.process_time() - cpu) / (time.perf_counter() - wall)


async def wait_for(condition: Any, limit: float = 60) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError("the dashboard did not get there in time")
        await asyncio.sleep(0.05)


async def dashboard(sandbox: Sandbox, seconds: float) -> tuple[float, int, int, int]:
    """CPU %, countdown rows, requests seen and requests the polling allows."""
    app = CarbonApp(load_config(sandbox.config), profile=PROFILE)
    async with app.run_test(size=SIZE) as pilot:
        session = app.services.session
        assert session is not None and session.registry is not None
        installations = await session.registry.list_all()
        await asyncio.gather(
            *(session.registry.installation_token(i.id) for i in installations[:TOKENS])
        )
        await pilot.press("2")
        view = app.query_one(IdentityView)
        await wait_for(lambda: view.table.total_count >= TOKENS and view.last_success)
        await pilot.pause(1.0)
        # One poll's worth of requests, to know what the configured polling allows.
        sandbox.reset_stats()
        view.poll()
        await wait_for(lambda: not view._polling())
        per_poll = sum(sandbox.stats().values())
        await pilot.pause(0.5)
        sandbox.reset_stats()
        cpu = await cpu_percent(pilot, seconds)
        made = sum(sandbox.stats().values())
        rows = view.table.total_count
    allowed = math.ceil(seconds / view.poll_interval) * per_poll
    return cpu, rows, made, allowed


async def run(seconds: float) -> None:
    async with Bare().run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        bare = await cpu_percent(pilot, seconds)
    with sandbox_process("--installations", str(TOKENS + 10)) as sandbox:
        cpu, rows, made, allowed = await dashboard(sandbox, seconds)
    _common.figure(
        f"idle CPU, {rows} countdown rows for {seconds:g} s",
        cpu,
        "% of one core",
        baseline=bare,
        target="< 1 %",
    )
    _common.figure(
        f"idle requests in {seconds:g} s",
        made,
        "requests",
        baseline=allowed,
        target="<= what the configured polling allows (baseline)",
    )


def main() -> None:
    p = _common.parser(__doc__ or "")
    p.add_argument("--seconds", type=float, help="how long to idle (60, or 2 with --quick)")
    args = p.parse_args()
    seconds = args.seconds if args.seconds is not None else 2.0 if args.quick else 60.0
    asyncio.run(run(seconds))
    print(f"machine: {_common.machine()}")


if __name__ == "__main__":
    main()
