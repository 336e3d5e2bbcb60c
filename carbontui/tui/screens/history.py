"""The local action history (newest first): local times, outcomes that stand out, a filter."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from carbontui.history import ActionHistory, HistoryEntry
from carbontui.tui.actions import binding
from carbontui.tui.formatting import clock_time, literal
from carbontui.tui.screens.styles import dialog_css

SHOWN = 500


def local_time(stamp: str) -> str:
    """An entry's UTC ISO time as local time with its zone (the stamp itself if unreadable)."""
    try:
        return clock_time(datetime.fromisoformat(stamp).timestamp())
    except ValueError:
        return stamp


def outcome_cell(outcome: str) -> Text:
    """Green for ok, red for an error, yellow for anything else (a cancel, an unknown end)."""
    style = "green" if outcome.startswith("ok") else "red" if "error" in outcome else "yellow"
    return literal(outcome, style=style)  # outcomes quote servers


def matches(entry: HistoryEntry, needle: str) -> bool:
    """Whether the filter text occurs in the entry's profile, action, objects or outcome."""
    haystack = " ".join((entry.profile, entry.action, *entry.objects, entry.outcome))
    return needle.lower() in haystack.lower()


class HistoryScreen(ModalScreen[None]):
    """What this machine did: time, profile, action, objects, outcome. Never secrets."""

    CSS_PATH = dialog_css()

    BINDINGS: ClassVar[list[BindingType]] = [binding("history.back"), binding("history.filter")]

    def __init__(self, history: ActionHistory) -> None:
        super().__init__()
        self.history = history
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Action history", classes="dialog-title")
            yield Input(
                placeholder="/ filter by profile, action, id or outcome",
                id="history-filter",
                compact=True,
            )
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="history-count", classes="muted")
            yield Label(literal(self.history.path), classes="muted")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("TIME (local)", "PROFILE", "ACTION", "OBJECTS", "OUTCOME")
        self.entries = list(reversed(self.history.entries(SHOWN)))
        self.show("")
        table.focus()

    def show(self, needle: str) -> None:
        """Fill the table with the entries the filter text matches."""
        table = self.query_one(DataTable)
        table.clear()
        shown = [entry for entry in self.entries if matches(entry, needle)]
        for entry in shown:
            table.add_row(
                local_time(entry.time),
                *(
                    literal(cell)
                    for cell in (entry.profile, entry.action, ", ".join(entry.objects))
                ),
                outcome_cell(entry.outcome),
            )
        if not self.entries:
            table.add_row("-", "-", "nothing recorded yet", "-", "-")
        elif not shown:
            table.add_row("-", "-", literal(f"nothing matches '{needle}'"), "-", "-")
        count = (
            f"{len(shown)} of {len(self.entries)} actions" if needle else f"{len(shown)} actions"
        )
        self.query_one("#history-count", Label).update(count)

    def action_filter(self) -> None:
        """Type to narrow the list."""
        self.query_one("#history-filter", Input).focus()

    @on(Input.Changed, "#history-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()
        self.show(event.value)
