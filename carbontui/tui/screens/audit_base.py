"""What the audit screens share: a table built by a worker, with a status line under it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.screen import Screen

from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import VirtualTable


class AuditScreen(Screen[None]):
    """A full screen whose ``load`` worker reads every key it needs, with progress."""

    #: The id of the screen's VirtualTable.
    TABLE_ID: ClassVar[str] = ""

    @property
    def table(self) -> VirtualTable[Any]:
        """The screen's table."""
        return self.query_one(f"#{self.TABLE_ID}", VirtualTable)

    @property
    def status(self) -> StatusLine:
        """The line under the table."""
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.status.progress = "reading permissions…"
        self.load()

    def load(self) -> object:
        """Start reading (a ``@work`` method in each screen, returning its worker)."""
        raise NotImplementedError
