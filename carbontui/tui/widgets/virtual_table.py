"""A table that renders only the rows on screen, so 100 000 rows cost what 40 do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from carbontui.sanitize import neutralize
from carbontui.tui.formatting import inert

T = TypeVar("T")

Cell = str | Text


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: a label, how to get a cell from a row, and a width (None = share the rest).

    ``live`` marks a column whose cells change while the rows stay the same (a countdown, a
    token looked up in a cache): ``refresh_cells`` re-reads only those (all columns when none
    is marked). Any other change needs ``refresh()`` or ``set_rows``.
    """

    label: str
    get: Callable[[T], Cell]
    width: int | None = None
    live: bool = False


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """Rows are plain objects; cells are computed only for visible rows, on every repaint.

    Cells are literal text (never markup) with escape sequences and controls neutralised.

    Filtering matches a lower-cased haystack built once per ``set_rows``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--stale",
    }

    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    VirtualTable:blur > .virtual-table--cursor { background: $block-cursor-blurred-background; }
    VirtualTable > .virtual-table--stale { color: $text-muted; }
    """

    cursor = reactive(0, always_update=True)
    stale = reactive(False)

    class _RowMessage(Message):
        """A message about one row of a table."""

        def __init__(self, table: VirtualTable, row: object) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            """The table (lets ``@on(..., selector)`` match)."""
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved onto a row."""

    class RowSelected(_RowMessage):
        """Enter (or a click) on a row."""

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        key: Callable[[T], str],
        search_text: Callable[[T], str],
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        #: The columns ``refresh_cells`` re-reads: the live ones, or all when none is marked.
        self._live = [i for i, c in enumerate(self.columns) if c.live] or list(
            range(len(self.columns))
        )
        self._key = key
        self._search_text = search_text
        self._rows: list[T] = []
        self._haystack: list[str] = []
        self._view: list[int] = []
        self._filter = ""
        self._style_cache: dict[tuple[str, bool], Style] = {}
        #: Per screen line: the cells, flags, strip and per-cell segments last drawn there.
        self._lines: dict[
            int,
            tuple[tuple[Cell, ...], tuple[object, ...], Strip, tuple[list[Segment], ...]],
        ] = {}
        self._widths_for: tuple[int, list[int]] = (-1, [])

    # -- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows shown after filtering."""
        return len(self._view)

    @property
    def total_count(self) -> int:
        """Rows held, filtered or not."""
        return len(self._rows)

    @property
    def filter_text(self) -> str:
        """The current filter."""
        return self._filter

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row, keeping the cursor on the same row key where possible."""
        current = self.current_row
        self._rows = list(rows)
        self._haystack = [self._search_text(row).lower() for row in self._rows]
        self._apply_filter(keep=self._key(current) if current is not None else None)

    def set_filter(self, text: str) -> None:
        """Show only rows whose search text contains ``text`` (case-insensitive)."""
        self._filter = text
        current = self.current_row
        self._apply_filter(keep=self._key(current) if current is not None else None)

    def row_at(self, index: int) -> T | None:
        """The row at a position in the filtered view."""
        if 0 <= index < len(self._view):
            return self._rows[self._view[index]]
        return None

    @property
    def current_row(self) -> T | None:
        """The row under the cursor."""
        return self.row_at(self.cursor)

    def select_key(self, key: str) -> bool:
        """Move the cursor to the row with this key, if it is shown."""
        for position, index in enumerate(self._view):
            if self._key(self._rows[index]) == key:
                self.cursor = position
                return True
        return False

    def _apply_filter(self, keep: str | None) -> None:
        needle = self._filter.lower()
        if needle:
            hay = self._haystack
            self._view = [i for i in range(len(hay)) if needle in hay[i]]
        else:
            self._view = list(range(len(self._rows)))
        self.virtual_size = Size(self._content_width(), len(self._view) + 1)
        if keep is None or not self.select_key(keep):
            self.cursor = min(self.cursor, max(0, len(self._view) - 1))
        self.refresh()

    # -- layout -------------------------------------------------------------------------------

    def _content_width(self) -> int:
        return sum(self._widths()) + 2 * len(self.columns)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self._content_width(), len(self._view) + 1)

    # -- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._style_cache.clear()
        self._lines.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        # ``rich_style`` walks every ancestor; once per style change is enough, not per line.
        key = (name, self.has_focus)
        style = self._style_cache.get(key)
        if style is None:
            style = self.rich_style if name == "base" else self.get_component_rich_style(name)
            self._style_cache[key] = style
        return style

    def _row_cells(self, y: int) -> tuple[int, tuple[Cell, ...]] | None:
        index = int(self.scroll_y) + y - 1
        row = self.row_at(index)
        return None if row is None else (index, tuple(c.get(row) for c in self.columns))

    def render_line(self, y: int) -> Strip:
        scroll_x = int(self.scroll_x)
        width = self.size.width
        base = self._style("base")
        if y == 0:
            style = self._style("virtual-table--header")
            text = self._line([Text(c.label) for c in self.columns])
            text.stylize(style)
            return self._strip(text, scroll_x, width, base + style)
        cells = self._row_cells(y)
        if cells is None:
            self._lines.pop(y, None)
            return Strip.blank(width, base)
        index, values = cells
        key = (index == self.cursor, self.has_focus, self.stale, scroll_x, width, base)
        cached = self._lines.get(y)
        if cached is not None and cached[1] == key:
            if cached[0] == values:
                return cached[2]
        else:
            cached = None
        style = base
        styles: list[Style] = []
        if self.stale:
            styles.append(self._style("virtual-table--stale"))
        if index == self.cursor:
            cursor_style = self._style("virtual-table--cursor")
            styles.append(cursor_style)
            style = base + cursor_style
        # Same flags as last time: re-render only the cells whose value changed (a countdown).
        widths = self._widths(width)
        parts = tuple(
            cached[3][i]
            if cached is not None and cached[0][i] == value
            else self._cell(value, cell_width, styles)
            for i, (value, cell_width) in enumerate(zip(values, widths, strict=True))
        )
        strip = Strip(_joined(parts), sum(widths) + 2 * len(widths))
        if scroll_x or strip.cell_length != width:
            strip = strip.crop_extend(scroll_x, scroll_x + width, style)
        self._lines[y] = (values, key, strip, parts)
        return strip

    def refresh_cells(self) -> None:
        """Repaint only the cells whose content changed since they were drawn (e.g. countdowns).

        Cheaper than ``refresh()`` for a once-a-second tick: only live columns are re-read,
        unchanged lines are not rebuilt and only the changed columns are sent to the compositor.
        """
        widths = self._widths()
        starts = [sum(widths[:i]) + 2 * i for i in range(len(widths))]
        scroll_x = int(self.scroll_x)
        top = int(self.scroll_y) - 1
        columns = self.columns
        for y in range(1, self.size.height):
            row = self.row_at(top + y)
            cached = self._lines.get(y)
            if row is None or cached is None:
                if row is not None or cached is not None:
                    self.refresh(Region(0, y, self.size.width, 1))
                continue
            drawn = cached[0]
            changed = [i for i in self._live if columns[i].get(row) != drawn[i]]
            if changed:
                left = starts[changed[0]] - scroll_x
                right = starts[changed[-1]] + widths[changed[-1]] + 2 - scroll_x
                self.refresh(Region(max(0, left), y, max(1, right - max(0, left)), 1))

    def _widths(self, width: int | None = None) -> list[int]:
        """Column widths for a table ``width`` cells wide (default: the current width)."""
        if width is None:
            width = self.size.width
        if self._widths_for[0] != width:
            fixed = sum(c.width or 0 for c in self.columns) + 2 * len(self.columns)
            flexible = [c for c in self.columns if c.width is None]
            spare = max(0, width - fixed)
            share = max(12, spare // len(flexible)) if flexible else 0
            self._widths_for = (
                width,
                [c.width if c.width is not None else share for c in self.columns],
            )
        return self._widths_for[1]

    def _line(self, cells: Sequence[Cell]) -> Text:
        line = Text(no_wrap=True, end="")
        for cell, width in zip(cells, self._widths(), strict=True):
            text = _literal(cell)
            text.truncate(width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append_text(text)
            line.append(" ")
        return line

    def _cell(self, cell: Cell, width: int, styles: Sequence[Style]) -> list[Segment]:
        """One cell as drawn in a row: a space, the value cut or padded to ``width``, a space."""
        text = Text(" ", no_wrap=True, end="")
        value = _literal(cell)
        value.truncate(width, overflow="ellipsis", pad=True)
        text.append_text(value)
        text.append(" ")
        for style in styles:
            text.stylize(style)
        return list(text.render(self.app.console))

    def _strip(self, text: Text, scroll_x: int, width: int, style: Style) -> Strip:
        strip = Strip(text.render(self.app.console), cell_len(text.plain))
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    # -- cursor -------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        row = self.current_row
        if row is not None:
            self.post_message(self.RowHighlighted(self, row))

    def watch_stale(self) -> None:
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self._view:
            self.cursor = max(0, min(len(self._view) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_jump(self, position: int) -> None:
        if self._view:
            self.cursor = position % len(self._view)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._view):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index


_PLAIN = Style()


def _literal(cell: Cell) -> Text:
    """A cell as a Text of its own: literal and inert (cells quote what servers sent)."""
    if isinstance(cell, Text):
        return inert(cell).copy()
    return Text(neutralize(cell))


def _joined(parts: Sequence[list[Segment]]) -> list[Segment]:
    """Cells' segments as one line, merged the way rendering the whole line at once would."""
    segments = [segment for part in parts for segment in part]
    if any(segment.style is not None for segment in segments):
        segments = [s if s.style is not None else Segment(s.text, _PLAIN) for s in segments]
    return list(Segment.simplify(segments))
