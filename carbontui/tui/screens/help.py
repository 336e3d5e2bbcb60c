"""``?``: every action and its keys, from the action table (``carbontui.actions``).

The active tab's keys come first; the body scrolls with the arrows and page keys at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from carbontui.actions import EVERY_TAB, FILTERABLE
from carbontui.tui.actions import binding
from carbontui.tui.command_mode import COMMANDS

Rows = list[tuple[str, list[tuple[str, str]]]]

THEMES = (
    "Themes: ctrl+p → “Change theme” sets the theme of every profile. “Pin theme to this "
    "profile” gives the profile in use its own (a theme chosen there then changes only it); "
    "“Unpin theme” makes it follow the global one again."
)


def ordered(first: str, rows: Rows) -> Rows:
    """The ``first`` place's group, then what works in every tab, the other tabs, the rest."""

    def rank(group: tuple[str, list[tuple[str, str]]]) -> int:
        place = group[0]
        if place == first:
            return 0
        if place in (EVERY_TAB, FILTERABLE):
            return 1
        return 2 if place.endswith(" tab") else 3

    return sorted(rows, key=rank)


def command_rows() -> list[tuple[str, str]]:
    """The ``:`` commands as help rows."""
    return [(f":{name}" + (" NAME" if arg else ""), text) for name, (text, arg) in COMMANDS.items()]


class HelpScreen(ModalScreen[None]):
    """Titled after the active tab; groups of (keys, description)."""

    CSS_PATH = Path(__file__).with_name("help.tcss")
    AUTO_FOCUS = "#help-body"

    BINDINGS: ClassVar[list[BindingType]] = [binding("help.close")]

    def __init__(self, rows: Rows, *, tab: str = "", first: str = "") -> None:
        super().__init__()
        self.tab = tab
        self.rows = ordered(first, rows)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help-body"):
            title = f"Help — {self.tab}" if self.tab else "Help"
            yield Label(Text(title), classes="dialog-title", id="help-title")
            with Grid(id="help-grid"):
                for title, rows in [*self.rows, ("Command mode (:)", command_rows())]:
                    if rows:
                        yield Static(_group(title, rows), classes="help-group")
            yield Label(
                Text("ctrl+p opens the command palette: every action, searchable. " + THEMES),
                classes="muted",
            )


def _group(title: str, rows: list[tuple[str, str]]) -> Text:
    text = Text(title, style="bold")
    for keys, description in rows:
        text.append(f"\n  {keys:<14}", style="bold")
        text.append(f" {description}")
    return text
