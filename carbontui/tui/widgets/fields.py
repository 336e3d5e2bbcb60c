"""Label/value panels whose long values wrap in their own column, never under the labels."""

from __future__ import annotations

from rich.table import Table

from carbontui.tui.formatting import literal


def field_grid(pairs: list[tuple[str, object]]) -> Table:
    """Bold labels in a column of their own; a value that does not fit wraps beside them."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        shown = "-" if value is None or value == "" else value
        grid.add_row(literal(label, style="bold"), literal(shown))
    return grid
