"""What the audit screens share: a table built by a worker, with a status line under it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from carbontui.tui.formatting import literal
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import VirtualTable


class AuditScreen(Screen[None]):
    """A full screen whose ``load`` worker reads every key it needs, with progress."""

    #: The ids of the screen's VirtualTable and of its error box (a Static).
    TABLE_ID: ClassVar[str] = ""
    ERROR_ID: ClassVar[str] = ""
    #: What the error box says before the message.
    ERROR_HEADING: ClassVar[str] = "error  "

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

    def _fail(self, message: str) -> None:
        """Show ``message`` (literal text) in the error box; the status line says STOPPED."""
        error = self.query_one(f"#{self.ERROR_ID}", Static)
        error.update(Text.assemble((self.ERROR_HEADING, "bold red"), literal(message)))
        error.add_class("-visible")
        self.status.problem_label = "STOPPED"
        self.status.problem = message

    def load(self) -> object:
        """Start reading (a ``@work`` method in each screen, returning its worker)."""
        raise NotImplementedError
