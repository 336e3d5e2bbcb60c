"""Rotate a key by duplicating it from its detail screen (the platform has no delete)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.widgets import Input, SelectionList
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.clock import ManualClock
from carbontui.sandbox import SandboxServer
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.key_create import CreateKeyScreen
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen

MakeApp = Callable[..., CarbonApp]


async def test_duplicate_to_rotate_prefills_the_form_and_says_how_to_retire(
    make_app: MakeApp, sandbox: SandboxServer, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        summary = view.table.current_row
        assert summary is not None
        original = next(a for a in sandbox.state.applications if a.id == summary.id)
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, KeyDetailScreen)
        await wait_until(pilot, lambda: detail.application is not None)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))
        form = app.screen
        assert isinstance(form, CreateKeyScreen)
        picker = form.query_one("#create-permissions", SelectionList)
        await wait_until(pilot, lambda: picker.option_count > 0)
        day = datetime.fromtimestamp(clock(), UTC).date().isoformat()
        bare = original.client_id.removeprefix("cbx_b2b_")
        assert form.query_one("#create-client-id", Input).value == f"{bare}-2"
        name = form.query_one("#create-display-name", Input).value
        assert name == f"{original.display_name} (rotated {day})"
        assert sorted(picker.selected) == sorted(original.permission_ids)
        assert f"Rotate {original.client_id}" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        result = app.screen
        assert isinstance(result, SecretOnceScreen)
        created = sandbox.state.applications_by_client_id[f"cbx_b2b_{bare}-2"]
        assert sorted(created.permission_ids) == sorted(original.permission_ids)
        assert created.display_name == name
        text = screen_text(app)
        assert f"Retire {original.client_id}" in text
        assert "cannot delete" in text and "ask Carbonext" in text


async def test_a_taken_suffix_is_skipped(make_app: MakeApp, sandbox: SandboxServer) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        summary = view.table.current_row
        assert summary is not None
        bare = summary.client_id.removeprefix("cbx_b2b_")
        sandbox.state.add_application(f"cbx_b2b_{bare}-2", "taken", ())
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, KeyDetailScreen)
        await wait_until(pilot, lambda: detail.application is not None)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))
        assert app.screen.query_one("#create-client-id", Input).value == f"{bare}-3"
