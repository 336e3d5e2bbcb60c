"""The dashboard under faults (pilot): it keeps running, keeps the last good rows marked
stale, notifies once per distinct problem, recovers by itself, and keeps services apart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faults_testlib import KINDS, NoSleep, Sandbox
from test_ambiguous_create import with_timeout
from textual.css.query import NoMatches
from textual.pilot import Pilot

from carbontui.clock import Clock, ManualClock, system_clock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.transport import RetryPolicy
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.views.table_view import TableView

SIZE = (120, 40)
TABS = {
    "keys": (KeysView, "GET /v1/customers/applications", "1"),
    "installations": (InstallationsView, "GET /app/installations", "3"),
}
FAILING = ["503", "429", "hang", "drop", "html", "shape", "401"]


@pytest.fixture
def make_app(box: Sandbox, tmp_path: Path) -> Callable[..., CarbonApp]:
    config = load_config(with_timeout(Path(box.config.path), 0.3))

    def build(*, frozen: bool = False) -> CarbonApp:
        # frozen: a clock that only moves when told, so a view's own backoff retry never fires
        # between a test's steps (under load it did, and a success in between counted twice).
        clock: Clock = ManualClock(time.time()) if frozen else system_clock
        history = ActionHistory(tmp_path / "history.jsonl", clock=clock)
        # Retry without really sleeping.
        retry = RetryPolicy(sleep=NoSleep())
        app = CarbonApp(config, profile="sandbox-hml", history=history, retry=retry, clock=clock)
        record_notifications(app)
        return app

    return build


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 45) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not holds(condition):
        assert loop.time() < deadline, "condition not reached while the app was running"
        await pilot.pause(0.05)


def holds(condition: Callable[[], bool]) -> bool:
    """``condition()``; False while what it looks at is not composed yet (a tab's view is in
    the DOM a moment before its children)."""
    try:
        return condition()
    except NoMatches:
        return False


def record_notifications(app: CarbonApp) -> None:
    """Keep every toast the app shows: under load one can expire before it is looked at."""
    sent: list[tuple[str, str]] = []
    show = app.notify

    def recording(message: str, *, title: str = "", **options: Any) -> None:
        sent.append((title, message))
        show(message, title=title, **options)

    app.notify = recording  # type: ignore[method-assign]
    app.sent_notifications = sent  # type: ignore[attr-defined]


def problems(app: CarbonApp, view: TableView) -> list[str]:
    sent: list[tuple[str, str]] = app.sent_notifications  # type: ignore[attr-defined]
    return [message for title, message in sent if title == f"{view.title}: update failed"]


async def loaded(app: CarbonApp, pilot: Pilot[Any], tab: str) -> TableView:
    view_class, _, key = TABS[tab]
    await pilot.press(key)
    await wait_until(pilot, lambda: app.query_one(view_class).table.total_count > 0)
    view = app.query_one(view_class)
    await wait_until(pilot, lambda: view.last_success is not None)
    return view


async def poll_and_wait(pilot: Pilot[Any], view: TableView) -> None:
    """Run one poll to its end (success or failure)."""
    before = (view.failures, view.last_success)
    view.poll()
    await wait_until(pilot, lambda: (view.failures, view.last_success) != before)


@pytest.mark.parametrize("tab", list(TABS))
@pytest.mark.parametrize("kind", FAILING)
async def test_tab_survives_fault_and_recovers(
    box: Sandbox, make_app: Callable[[], CarbonApp], tab: str, kind: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded(app, pilot, tab)
        rows = view.table.total_count
        box.add_fault(route=TABS[tab][1], **KINDS[kind])
        await poll_and_wait(pilot, view)
        assert app.is_running
        assert view.status.problem and view.table.stale
        assert view.table.total_count == rows
        assert len(problems(app, view)) == 1
        await poll_and_wait(pilot, view)  # the same problem again: no second notification
        assert view.failures == 2 and len(problems(app, view)) == 1
        box.clear_faults()
        await poll_and_wait(pilot, view)
        assert not view.table.stale and view.status.problem == ""
        assert view.table.total_count == rows
        assert any(n.title == "Recovered" for n in app._notifications)


async def test_each_distinct_problem_notifies_once(
    box: Sandbox, make_app: Callable[..., CarbonApp]
) -> None:
    app = make_app(frozen=True)
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded(app, pilot, "keys")
        for kind in ["503", "503", "html", "html", "503"]:
            box.clear_faults()
            box.add_fault(route=TABS["keys"][1], **KINDS[kind])
            await poll_and_wait(pilot, view)
        assert len(problems(app, view)) == 3  # 503, html, then 503 again after a change
        assert view.table.stale


@pytest.mark.parametrize(
    ("family", "failing", "healthy"),
    [("registry", "installations", "keys"), ("carbonext", "keys", "installations")],
)
async def test_failing_service_does_not_disturb_the_other(
    box: Sandbox, make_app: Callable[[], CarbonApp], family: str, failing: str, healthy: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        views = {tab: await loaded(app, pilot, tab) for tab in TABS}
        box.add_fault(route=family, **KINDS["503"])
        for tab in TABS:
            await pilot.press(TABS[tab][2])
            await poll_and_wait(pilot, views[tab])
        assert views[failing].table.stale and views[failing].status.problem
        assert not views[healthy].table.stale and views[healthy].status.problem == ""
        assert problems(app, views[healthy]) == []


@pytest.mark.parametrize("tab", list(TABS))
@pytest.mark.parametrize("kind", ["latency", "clock"])
async def test_recoverable_faults_leave_no_trace(
    box: Sandbox, make_app: Callable[[], CarbonApp], tab: str, kind: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded(app, pilot, tab)
        box.add_fault(route="registry" if kind == "clock" else TABS[tab][1], **KINDS[kind])
        await poll_and_wait(pilot, view)
        if kind == "clock" and tab == "keys":
            assert view.failures == 0  # a skewed Registry is not the Keys tab's business
        assert not view.table.stale and problems(app, view) == []
