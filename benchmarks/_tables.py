"""Headless apps holding one big table, with a way to wait until it has been painted."""

from __future__ import annotations

import asyncio
import time
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable

from carbontui.api.models import ApplicationSummary
from carbontui.tui.widgets.virtual_table import Column, VirtualTable

SIZE = (120, 40)
T = TypeVar("T")


class PaintedVirtualTable(VirtualTable[T]):
    """A VirtualTable that notes when it last drew a line."""

    painted = 0.0

    def render_line(self, y: int) -> Strip:
        self.painted = time.perf_counter()
        return super().render_line(y)


class PaintedDataTable(DataTable[str]):
    """Textual's DataTable, noting when it last drew a line (the baseline)."""

    painted = 0.0

    def render_line(self, y: int) -> Strip:
        self.painted = time.perf_counter()
        return super().render_line(y)


def keys_table() -> PaintedVirtualTable[ApplicationSummary]:
    """The Keys tab's columns, as the dashboard defines them."""
    return PaintedVirtualTable(
        [
            Column("CLIENT ID", lambda k: k.client_id, width=44),
            Column("DISPLAY NAME", lambda k: k.display_name or ""),
            Column("ID", lambda k: k.id, width=36),
        ],
        key=lambda k: k.id,
        search_text=lambda k: f"{k.client_id} {k.display_name or ''} {k.id}",
    )


class TableApp(App[None]):
    """One table filling the screen (or several, sharing it)."""

    def __init__(self, table: VirtualTable[Any] | PaintedDataTable, *more: VirtualTable[Any]):
        super().__init__()
        self.table = table
        self.more = more

    def compose(self) -> ComposeResult:
        yield self.table
        yield from self.more


async def until_painted(pilot: Pilot[Any], table: Any, since: float, limit: float = 120) -> float:
    """Let the app run until ``table`` draws after ``since``; returns the seconds taken."""
    deadline = since + limit
    while table.painted < since:
        if time.perf_counter() > deadline:
            raise RuntimeError("the table was not repainted")
        await pilot.pause(0)
        await asyncio.sleep(0)
    return table.painted - since
