"""Dialogs at a small terminal: text wraps, typed confirmations explain themselves."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, SelectionList
from tui_testlib import (
    SIZE,
    fill_create_form,
    loaded_keys,
    open_create_form,
    screen_text,
    wait_until,
)

from carbontui.api.models import CreatedApplication
from carbontui.sandbox import SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.installation_detail import InstallationDetailScreen
from carbontui.tui.screens.key_create import CreateKeyScreen
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.usecases.describe import organization_facts

MakeApp = Callable[..., CarbonApp]
SMALL = (80, 24)


def widget_text(app: CarbonApp, widget: Widget) -> str:
    """What ``widget`` shows on screen, its lines joined by single spaces."""
    region = widget.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return re.sub(r"\s+", " ", " ".join(line[region.x : region.right] for line in lines)).strip()


async def test_confirm_question_wraps_at_80x24(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await loaded_keys(app, pilot)
        question = "Have you stored the client secret? It cannot be shown again."
        app.push_screen(ConfirmScreen(question, confirm_label="Yes, close"))
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        label = app.screen.query_one(".dialog-question")
        assert widget_text(app, label) == question


async def test_lost_create_answer_says_what_to_do_at_80x24(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        form = await open_create_form(app, pilot)
        sandbox.state.faults.add(
            [Fault("drop", route="POST /v1/customers/applications", after=True, count=1)]
        )
        fill_create_form(form, "lost_answer", "Lost answer")
        await pilot.press("ctrl+s")
        errors = form.query_one("#create-errors")
        await wait_until(pilot, lambda: "WAS created" in widget_text(app, errors))
        await pilot.pause()
        assert widget_text(app, errors).endswith("create another key with a different client id.")


async def test_prod_confirmation_explains_a_wrong_name(make_app: MakeApp) -> None:
    app = make_app(profile="sandbox-prod")
    async with app.run_test(size=SMALL) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        await pilot.press(*"sandbox-pr", "enter")
        mismatch = confirm.query_one("#confirm-mismatch")
        await wait_until(pilot, lambda: "exactly to confirm" in widget_text(app, mismatch))
        assert app.screen is confirm
        assert "type 'sandbox-prod' exactly to confirm" in widget_text(app, mismatch)
        await pilot.press("o", "d", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))


async def test_first_space_in_the_picker_selects_and_boxes_read_without_colour(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        form = await open_create_form(app, pilot)
        picker = form.query_one("#create-permissions", SelectionList)
        await pilot.press(*"first_space", "tab", *"First space", "tab")
        await wait_until(pilot, lambda: app.focused is picker)
        await pilot.press("space")
        assert len(picker.selected) == 1
        text = widget_text(app, picker)
        assert text.count("[x]") == 1 and "[ ]" in text and "▐X▌" not in text
        before = len(sandbox.state.applications)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        assert len(sandbox.state.applications) == before + 1


async def test_create_form_hints_and_focus_stand_out(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        form = await open_create_form(app, pilot)
        for input_id in ("#create-client-id", "#create-display-name", "#create-extra-ids"):
            assert form.query_one(input_id, Input).placeholder.startswith("e.g. ")
        client_id = form.query_one("#create-client-id", Input)
        name = form.query_one("#create-display-name", Input)
        assert app.focused is client_id
        await pilot.pause()
        assert client_id.styles.background != name.styles.background
        assert client_id.styles.text_style.bold and not name.styles.text_style.bold


async def test_key_detail_table_fits_without_stray_glyphs(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        first = view.table.current_row
        assert first is not None
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, KeyDetailScreen)
        await wait_until(pilot, lambda: "default-roles-co2free" in screen_text(app))
        await pilot.pause()
        dialog = screen.query_one(".dialog")
        text = widget_text(app, dialog)
        assert not set("▌▐▎▊") & set(text)
        table = screen.query_one("#key-permissions", DataTable)
        assert table.virtual_size.width <= table.content_region.width
        # The highlighted permission's description is shown under the table.
        await pilot.press("down")
        expected = next(a for a in sandbox.state.applications if a.id == first.id)
        described = screen.permissions[table.cursor_row].description or "-"
        assert expected.permission_ids
        await wait_until(
            pilot,
            lambda: (
                f"description {described}"
                in widget_text(app, screen.query_one("#key-permission-description"))
            ),
        )


@pytest.mark.parametrize("size", [SIZE, SMALL])
async def test_installation_detail_values_wrap_beside_their_labels(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, InstallationDetailScreen)
        status = screen.query_one("#org-status", Label)
        await wait_until(pilot, lambda: "l mints an installation token" in str(status.content))
        await pilot.pause()
        facts = organization_facts(screen.installation.organization)
        labels = {label for label, _ in facts}
        fields = screen.query_one("#org-fields").content_region
        lines = screen_text(app).splitlines()[fields.y : fields.bottom]
        width = max(map(len, labels))
        shown = [line[fields.x : fields.right] for line in lines]
        assert [line[:width].strip() for line in shown if line[:width].strip()] == [
            label for label, _ in facts
        ]
        # The grid is whole: every access level is visible.
        assert all(level in screen_text(app) for level in ("VIEW", "REQUEST", "WRITE"))


@pytest.mark.parametrize("replaces", [None, "cbx_b2b_old_key"])
async def test_secret_dialog_keeps_its_warning_and_controls_at_80x24(
    make_app: MakeApp, replaces: str | None
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await loaded_keys(app, pilot)
        created = CreatedApplication("id-1", "cbx_b2b_small_screen", "not-a-real-secret")
        app.push_screen(SecretOnceScreen(app.services, created, replaces=replaces))
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        await pilot.pause()
        screen = app.screen
        banner = widget_text(app, screen.query_one(".warning-banner"))
        assert banner.endswith("Copy it or save it as a profile now.")
        for button in ("#secret-copy", "#secret-reveal", "#secret-close", "#secret-save"):
            region = screen.query_one(button).region
            assert region.height > 0 and region in screen.query_one(".dialog").region
        if replaces:
            box = screen.query_one("#secret-retire-box")
            assert box.region.height > 0 and "Retire cbx_b2b_old_key" in widget_text(app, box)


async def test_key_detail_at_80x24_fits_the_ids_and_keeps_the_hints(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, KeyDetailScreen)
        await wait_until(pilot, lambda: screen.application is not None)
        await pilot.pause()
        table = screen.query_one("#key-permissions", DataTable)
        assert table.virtual_size.width <= table.content_region.width
        text = widget_text(app, screen.query_one(".dialog"))
        assert screen.permissions[0].id in text
        assert "container" in text and "d duplicate to rotate" in text
