"""The action table drives the keys: [keymap] overrides, help, palette, README, bindings."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import TabbedContent
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

import carbontui.tui
from carbontui.actions import BY_ID, README_END, README_START, markdown_table
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.help import HelpScreen

MakeApp = Callable[..., CarbonApp]
ROOT = Path(__file__).resolve().parents[2]


def with_keymap(config_path: Path, table: str) -> None:
    with config_path.open("a", encoding="utf-8") as out:
        out.write(f"\n[keymap]\n{table}\n")


def every_binding_class() -> list[type[DOMNode]]:
    """Every class in the dashboard that declares bindings."""
    for module in pkgutil.walk_packages(carbontui.tui.__path__, "carbontui.tui."):
        importlib.import_module(module.name)
    seen: list[type[DOMNode]] = []
    todo: list[type] = [DOMNode]
    while todo:
        for sub in todo.pop().__subclasses__():  # type: type
            todo.append(sub)
            if sub.__module__.startswith("carbontui.") and "BINDINGS" in sub.__dict__:
                seen.append(sub)
    return seen


def test_every_binding_with_an_id_matches_the_action_table() -> None:
    found: set[str] = set()
    for cls in every_binding_class():
        for item in cls.__dict__["BINDINGS"]:
            assert isinstance(item, Binding), cls
            assert item.id is not None, f"{cls.__name__}: {item} has no id= from the table"
            action = BY_ID.get(item.id)
            assert action is not None, f"{cls.__name__}: {item.id} is not in carbontui/actions.py"
            assert (item.key, item.action, item.description) == (
                action.keys,
                action.action,
                action.description,
            ), item.id
            found.add(item.id)
    # The palette's key is Textual's own binding, configured from the table by the app.
    assert set(BY_ID) - found == {"app.palette"}


def test_readme_key_table_is_the_action_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    assert readme[start:end] == markdown_table(), "run python scripts/keys_table.py"
    done = subprocess.run(
        [sys.executable, "scripts/keys_table.py", "--check"], cwd=ROOT, capture_output=True
    )
    assert done.returncode == 0


async def test_a_keymap_moves_a_key(make_app: MakeApp, config_path: Path) -> None:
    with_keymap(config_path, '"tab.identity" = "i"\n"app.help" = "f1"')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("2")  # no longer bound
        await pilot.pause()
        assert app.query_one("#tabs", TabbedContent).active == "keys"
        await pilot.press("i")
        await wait_until(pilot, lambda: app.query_one("#tabs", TabbedContent).active == "identity")
        assert "f1 Help" in screen_text(app)  # the footer follows
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "i              Identity & tokens tab" in text
        assert "f1             Help" in text


async def test_a_bad_keymap_entry_is_shown_and_the_rest_applies(
    make_app: MakeApp, config_path: Path
) -> None:
    with_keymap(config_path, '"tab.idenity" = "i"\n"tab.keys" = "K"')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            "keymap.\"tab.idenity\" is not an action; did you mean 'tab.identity'?" in m
            for m in messages
        )
        await pilot.press("3")
        await wait_until(
            pilot, lambda: app.query_one("#tabs", TabbedContent).active == "installations"
        )
        await pilot.press("K")
        await wait_until(pilot, lambda: app.query_one("#tabs", TabbedContent).active == "keys")


async def test_the_palette_key_can_be_moved(make_app: MakeApp, config_path: Path) -> None:
    with_keymap(config_path, '"app.palette" = "ctrl+k"')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("ctrl+k")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
