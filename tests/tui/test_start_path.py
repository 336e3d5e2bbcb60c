"""What a start builds: the first tab only, one footer rebuild per burst of binding changes."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from textual.widget import Widget
from textual.widgets import TabbedContent
from tui_testlib import SIZE, loaded_keys, wait_until

from carbontui.cli import main
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.views.profiles import ProfilesView
from carbontui.tui.widgets.footer import KeyFooter

MakeApp = Callable[..., CarbonApp]
VIEWS: dict[str, type[Widget]] = {
    "2": IdentityView,
    "3": InstallationsView,
    "4": ProfilesView,
}


async def test_hidden_tabs_are_composed_on_their_first_visit_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = await loaded_keys(app, pilot)
        assert not any(app.query(view) for view in VIEWS.values())
        seen: dict[str, Widget] = {}
        for key, view in VIEWS.items():
            await pilot.press(key)
            await wait_until(pilot, lambda view=view: bool(app.query(view)))  # type: ignore[misc]
            seen[key] = app.query_one(view)
        await pilot.press("1")
        await wait_until(pilot, lambda: app.focused is keys.table)
        for key, view in VIEWS.items():
            await pilot.press(key)
            await wait_until(pilot, lambda key=key: app.active_view() is seen[key])  # type: ignore[misc]
            assert len(app.query(view)) == 1  # the same view, never a second one
        assert app.query_one(KeysView) is keys


async def test_a_burst_of_binding_changes_rebuilds_the_footer_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        rebuilt: list[None] = []
        original = footer.recompose

        async def counting() -> None:
            rebuilt.append(None)
            await original()

        footer.recompose = counting  # type: ignore[method-assign]
        for _ in range(5):
            app.screen.refresh_bindings()
        await wait_until(pilot, lambda: bool(rebuilt))
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilt) == 1
        # Later changes are not lost: the next burst rebuilds it again.
        app.screen.refresh_bindings()
        await wait_until(pilot, lambda: len(rebuilt) == 2)
        assert "Help" in " ".join(str(key.description) for key in footer.query("FooterKey"))  # type: ignore[attr-defined]


async def test_a_tab_switch_right_at_the_start_stays(make_app: MakeApp) -> None:
    # The first tab's table is focused after the first refresh; were that focus decided when
    # it was scheduled, it would land on the Keys table after the switch and switch back.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: app.focused is app.query_one("#profiles-table"))
        for _ in range(5):
            await pilot.pause(0.05)
        assert app.query_one("#tabs", TabbedContent).active == "profiles"


def test_only_a_dashboard_start_pauses_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    during: list[bool] = []
    monkeypatch.setattr(CarbonApp, "run", lambda app: during.append(gc.isenabled()))
    assert main(["--demo"]) == 0
    assert during == [False] and gc.isenabled()  # paused for the start, never left off
    paused: list[None] = []
    monkeypatch.setattr(gc, "disable", lambda: paused.append(None))
    assert main(["completion", "bash"]) == 0
    assert paused == []


async def test_the_app_resumes_a_paused_collector(make_app: MakeApp) -> None:
    app = make_app()
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded_keys(app, pilot)
            await wait_until(pilot, gc.isenabled)
    finally:
        gc.enable()
        gc.unfreeze()
