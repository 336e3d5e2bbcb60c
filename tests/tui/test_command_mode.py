"""``:`` command mode, the help screen, ctrl+c, Textual's own notices, palette and theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, TabbedContent
from tui_testlib import (
    SIZE,
    fill_create_form,
    loaded_keys,
    open_create_form,
    screen_text,
    wait_until,
)

from carbontui.preferences import Preferences
from carbontui.tui.app import CarbonApp
from carbontui.tui.command_mode import Command, complete, parse
from carbontui.tui.screens.command_prompt import CommandPrompt
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.help import HelpScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen

MakeApp = Callable[..., CarbonApp]
PROFILES = ["sandbox-hml", "sandbox-prod"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (":keys", Command("keys")),
        ("identity", Command("identity")),
        (":profile sandbox-prod", Command("profile", "sandbox-prod")),
        (":q", Command("q")),
        (":quit", Command("q")),
        (
            ":foo",
            "unknown command ':foo' — try :keys, :identity, :installations, :profiles, "
            ":profile NAME, :matrix, :compare A B, :history, :help, :q",
        ),
        (":key", "unknown command ':key'; did you mean 'keys'? — try :keys"),
        (":profile", "usage: :profile NAME (profiles: sandbox-hml, sandbox-prod)"),
        (
            ":profile sandbox-prd",
            "unknown profile 'sandbox-prd'; known profiles: sandbox-hml, sandbox-prod; "
            "did you mean 'sandbox-prod'?",
        ),
        (":keys now", ":keys takes no argument"),
    ],
)
def test_parse(line: str, expected: Command | str) -> None:
    got = parse(line, PROFILES)
    if isinstance(expected, str) and isinstance(got, str):
        assert got.startswith(expected)
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("line", "completed"),
    [
        ("ke", "keys"),
        (":inst", ":installations"),
        ("profile sandbox-p", "profile sandbox-prod"),
        (":profile sand", ":profile sandbox-hml"),
        ("keys", None),
        ("", None),
        ("keys x", None),
    ],
)
def test_complete(line: str, completed: str | None) -> None:
    assert complete(line, PROFILES) == completed


async def open_prompt(app: CarbonApp, pilot: object) -> Input:
    await pilot.press("colon")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPrompt))  # type: ignore[arg-type]
    return app.screen.query_one(Input)


async def test_colon_opens_a_prompt_at_the_bottom_and_commands_switch_tabs(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        field = await open_prompt(app, pilot)
        assert field.region.y >= SIZE[1] - 2
        await pilot.press(*"identity", "enter")
        await wait_until(pilot, lambda: app.query_one("#tabs", TabbedContent).active == "identity")
        assert not isinstance(app.screen, CommandPrompt)


async def test_escape_cancels_the_prompt(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await open_prompt(app, pilot)
        await pilot.press(*"install", "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPrompt))
        assert app.query_one("#tabs", TabbedContent).active == "keys"


async def test_an_unknown_command_says_so_literally(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await open_prompt(app, pilot)
        await pilot.press(*"[b]foo", "enter")
        await wait_until(pilot, lambda: bool(app._notifications))
        note = list(app._notifications)[-1]
        assert note.message.startswith("unknown command ':[b]foo' — try :keys, :identity")
        assert not note.markup


async def test_profile_names_complete_with_tab_and_switch(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        field = await open_prompt(app, pilot)
        await pilot.press(*"profile sandbox-p", "tab")
        assert field.value == "profile sandbox-prod"
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.services.session is not None
                and app.services.session.profile.name == "sandbox-prod"
            ),
        )


async def test_colon_q_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await open_prompt(app, pilot)
        await pilot.press("q", "enter")
        await wait_until(pilot, lambda: app._exit_renderables is not None or not app.is_running)


async def test_ctrl_c_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)
    assert not [n for n in app._notifications if "to quit" in n.message]


async def test_ctrl_c_copies_selected_text_in_a_field_instead_of_quitting(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("slash", *"sandbox")
        field = app.focused
        assert isinstance(field, Input)
        field.select_all()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.clipboard == "sandbox"


async def test_ctrl_c_with_an_unsaved_secret_asks_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        fill_create_form(form, "ctrl_c_guard", "Ctrl-c guard")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.is_running)


async def test_help_starts_with_the_active_tab(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("2", "question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.rows[0][0] == "Identity tab"
        assert "Help — Identity & tokens" in screen_text(app)


async def test_help_scrolls_at_once_and_names_the_tab(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert "Help — Keys" in screen_text(app)
        assert body.max_scroll_y > 0
        await pilot.press("down")
        await wait_until(pilot, lambda: body.scroll_y > 0)
        await pilot.press("pagedown")
        before = body.scroll_y
        await pilot.press("pagedown")
        await wait_until(
            pilot, lambda: body.scroll_y > before or body.scroll_y == body.max_scroll_y
        )
        await pilot.press("pageup")
        await wait_until(pilot, lambda: body.scroll_y < body.max_scroll_y)


async def test_help_lists_every_action(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 200)) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "Help — Installations" in text
        for row in (
            "l              Read live",
            "c              Copy secret",
            "v              Reveal",
            "s              Save as profile",
            "ctrl+s         Create",
            "ctrl+q         Quit, also from a text field",
            "ctrl+c         Quit (copy when text is selected)",
            ":profile NAME",
        ):
            assert row in text, row


async def test_textual_notices_render_their_markup_and_ours_stay_literal(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        # What Textual posts after saving a screenshot: "[$text-success]…" markup of its own.
        app._on_delivery_complete(
            events.DeliveryComplete(key="k", path=tmp_path / "shot.svg", name="screenshot")
        )
        app.notify("server said [b]no[/b] [$text-success]x")
        await pilot.pause()
        textual_note, ours = list(app._notifications)[-2:]
        assert textual_note.markup and "[$text-success]" in textual_note.message
        assert not ours.markup
        # Rendered as the toast does: Textual's markup styles, ours shows every bracket.
        assert Content.from_markup(textual_note.message).plain.startswith("Saved screenshot to '")
        assert ours.message == "server said [b]no[/b] [$text-success]x"


async def test_the_palette_has_one_help_entry(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Help") == 1
        assert "Keys" not in titles


async def test_the_theme_is_global_unless_a_profile_pins_its_own(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        app.theme = "nord"  # as the palette's theme picker does
        app.pin_theme(True)  # sandbox-hml keeps nord
        app.switch_profile("sandbox-prod")
        await wait_until(pilot, lambda: "sandbox-prod" in app.sub_title)
        assert app.theme == "nord"  # the global one
        app.theme = "gruvbox"  # changes the global theme, not sandbox-hml's pin
        app.switch_profile("sandbox-hml")
        await wait_until(pilot, lambda: "sandbox-hml" in app.sub_title)
        assert app.theme == "nord"
        app.pin_theme(False)
        assert app.theme == "gruvbox"
    prefs = Preferences()
    assert (prefs.theme, prefs.pinned) == ("gruvbox", {})


def test_old_per_profile_themes_become_the_global_one_when_they_agree(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text('{"themes": {"a": "nord", "b": "nord"}}')
    assert Preferences(path).theme_for("c") == "nord"
    path.write_text('{"themes": {"a": "nord", "b": "dracula"}}')
    assert Preferences(path).theme_for("a") is None
