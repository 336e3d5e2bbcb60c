"""What the user types is shown literally: markup in it never crashes the app (MarkupError)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, Label
from tui_testlib import SIZE, open_create_form, screen_text, wait_until

from carbontui.tui.app import CarbonApp

MakeApp = Callable[..., CarbonApp]


@pytest.mark.parametrize("client_id", ["[/", "[bold]", "a[/b]c[@click=app.quit]"])
async def test_markup_typed_into_the_create_form_is_literal(
    make_app: MakeApp, client_id: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        typed = form.query_one("#create-client-id", Input)
        typed.focus()
        await pilot.press(*client_id)
        await wait_until(pilot, lambda: typed.value == client_id)
        preview = form.query_one("#create-preview", Label)
        # The live preview shows exactly what was typed (it was built as markup and crashed).
        await wait_until(pilot, lambda: f"cbx_b2b_{client_id}" in str(preview.render()))
        assert app.is_running
        extra = form.query_one("#create-extra-ids", Input)
        extra.focus()
        await pilot.press(*"x[/, [bold]")
        await wait_until(pilot, lambda: extra.value == "x[/, [bold]")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "not a permission id" in screen_text(app))
        assert app.is_running and app.screen is form
        errors = str(form.query_one("#create-errors", Label).render())
        assert "client id: 2-63 letters" in errors
        assert "display name is required" in errors
        assert "not a permission id (UUID expected): x[/, [bold]" in errors
