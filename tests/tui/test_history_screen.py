"""The action history: local times, outcomes that stand out, a filter."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.clock import ManualClock
from carbontui.tui.app import CarbonApp
from carbontui.tui.formatting import clock_time
from carbontui.tui.screens.history import HistoryScreen

MakeApp = Callable[..., CarbonApp]


async def test_history_reads_in_local_time_and_filters(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    app.history.record("sandbox-hml", "mint-installation-token", ["inst-1"], "ok")
    clock.advance(60)
    app.history.record("sandbox-prod", "create-key", ["cbx_b2b_billing"], "error: 400 bad")
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        newest = table.get_row_at(0)
        assert str(newest[0]) == clock_time(clock())  # local time, with its zone
        assert str(newest[2]) == "create-key" and "red" in str(newest[4].style)
        assert "green" in str(table.get_row_at(1)[4].style)
        assert "2 actions" in screen_text(app)
        await pilot.press("slash", *"billing")
        await wait_until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[3]) == "cbx_b2b_billing"
        assert "1 of 2 actions" in screen_text(app)
        await pilot.press(*"zzz")
        await wait_until(pilot, lambda: "nothing matches 'billingzzz'" in screen_text(app))
