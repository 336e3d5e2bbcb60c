"""A polling view whose main widget is a filterable VirtualTable."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input

from carbontui.tui.services import Services
from carbontui.tui.views.polling import PollingView
from carbontui.tui.widgets.virtual_table import VirtualTable


class TableView(PollingView):
    """Adds ``/`` to filter the table (``esc`` clears) and a summary with the cursor's row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="table.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
    ]

    #: What a row is called in the summary, plural.
    noun: ClassVar[str] = "rows"

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self._table: VirtualTable | None = None
        self._suffix = ""

    def filter_box(self) -> Input:
        """The filter input (hidden until ``/``)."""
        return Input(placeholder="filter…", classes="filter")

    @property
    def table(self) -> VirtualTable:
        """The main table (looked up once, not on every tick)."""
        if self._table is None:
            self._table = self.query_one(VirtualTable)
        return self._table

    def summarise(self, suffix: str | None = None) -> None:
        """``25 keys · row 3 of 25``; filtered ``2 of 25 keys match 'x' · row 1 of 2``.

        ``suffix`` (e.g. `` of app 67890``) follows the noun; None keeps the last one.
        """
        if suffix is not None:
            self._suffix = suffix
        table = self.table
        total = f"{table.total_count:,}"
        if table.filter_text:
            count = f"{table.row_count:,} of {total} {self.noun}{self._suffix}"
            count += f" match '{table.filter_text}'"
        else:
            count = f"{total} {self.noun}{self._suffix}"
        position = table.position_text
        self.status.summary = f"{count} · {position}" if position else count

    async def fill(self, rows: Awaitable[Sequence[Any]], suffix: str | None = None) -> None:
        """Await a full listing (progress shown meanwhile), then show it and its summary."""
        try:
            loaded = await rows
        finally:
            self.status.progress = ""
        self.table.set_rows(loaded)
        self.summarise(suffix)

    def report_progress(self, loaded: int, total: int) -> None:
        """Show ``loading n/N (p%)`` while a multi-page load runs."""
        if total > 0 and loaded < total:
            self.status.progress = f"loading {loaded:,}/{total:,} ({loaded * 100 // total}%)"

    def mark_stale(self, stale: bool) -> None:
        self.table.stale = stale

    def action_filter(self) -> None:
        """Show and focus the filter box."""
        box = self.query_one("Input.filter", Input)
        box.add_class("-visible")
        box.focus()

    def action_clear_filter(self) -> None:
        """Empty and hide the filter box."""
        box = self.query_one("Input.filter", Input)
        box.value = ""
        box.remove_class("-visible")
        self.table.focus()

    @on(VirtualTable.RowHighlighted)
    def _moved(self, event: VirtualTable.RowHighlighted) -> None:
        if event.table is self.table:
            self.summarise()

    @on(Input.Changed, "Input.filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.table.set_filter(event.value)
        self.summarise()

    @on(Input.Submitted, "Input.filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()
