"""The local action history (newest first)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from carbontui.history import ActionHistory
from carbontui.tui.formatting import literal
from carbontui.tui.screens.styles import dialog_css

SHOWN = 500


class HistoryScreen(ModalScreen[None]):
    """What this machine did: time, profile, action, objects, outcome. Never secrets."""

    CSS_PATH = dialog_css()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Back", id="history.back")
    ]

    def __init__(self, history: ActionHistory) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Action history", classes="dialog-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Label(literal(self.history.path), classes="muted")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("TIME", "PROFILE", "ACTION", "OBJECTS", "OUTCOME")
        entries = self.history.entries(SHOWN)
        for entry in reversed(entries):
            cells = (
                entry.time,
                entry.profile,
                entry.action,
                ", ".join(entry.objects),
                entry.outcome,
            )
            table.add_row(*(literal(cell) for cell in cells))  # outcomes quote servers
        if not entries:
            table.add_row("-", "-", "nothing recorded yet", "-", "-")
