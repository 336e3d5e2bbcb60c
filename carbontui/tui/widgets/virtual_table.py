"""A table that renders only the rows on screen, so 100 000 rows cost what 40 do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

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
from carbontui.tui.widgets.table_layout import Layout, Spec, fit

T = TypeVar("T")

Cell = str | Text

#: Rows measured to fit a data-sized column to its values (the first ones: cheap at 100k).
MEASURED_ROWS = 500
ARROWS = {False: " ▲", True: " ▼"}


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: a label, how to get a cell from a row, and how wide it may be.

    ``width``: a fixed width (None = fit the values, at most ``max_width``). ``min_width``:
    narrower than this the column is dropped instead (default: up to 10). ``priority``: 0 is
    essential; higher numbers are dropped first on narrow terminals (2+ as soon as they
    crowd the others). ``short``/``short_label``: a compact form used when the column must
    shrink (e.g. without a prefix every value repeats). ``sort_key``: what ``s`` sorts by
    (default: the cell's text, case-insensitive).

    ``live`` marks a column whose cells change while the rows stay the same (a countdown, a
    token looked up in a cache): ``refresh_cells`` re-reads only those (all columns when none
    is marked). Any other change needs ``refresh()`` or ``set_rows``.
    """

    label: str
    get: Callable[[T], Cell]
    width: int | None = None
    live: bool = False
    min_width: int | None = None
    max_width: int = 60
    priority: int = 0
    short: Callable[[T], Cell] | None = None
    short_label: str | None = None
    sort_key: Callable[[T], Any] | None = None


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """Rows are plain objects; cells are computed only for visible rows, on every repaint.

    Cells are literal text (never markup) with escape sequences and controls neutralised.

    Filtering matches a lower-cased haystack built once per ``set_rows``; sorting is one
    key-function sort per change of rows or sort order, and the filter keeps that order.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id="table.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="table.last"),
        Binding("enter", "select", "Open", show=False, id="table.open"),
        Binding("s", "cycle_sort", "Sort", id="table.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="table.reverse_sort"),
        Binding("y", "copy_id", "Copy id", id="table.copy_id"),
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

    class Sorted(Message):
        """The sort order changed (the cursor stayed on its row)."""

        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> VirtualTable:
            """The table."""
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        key: Callable[[T], str],
        search_text: Callable[[T], str],
        id_of: Callable[[T], str] | None = None,
        noun: str = "rows",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self._key = key
        self._id_of = id_of or key
        self._search_text = search_text
        #: What rows are called in the empty state ("no keys match 'x'").
        self.noun = noun
        self._rows: list[T] = []
        self._haystack: list[str] = []
        self._order: list[int] = []
        self._view: list[int] = []
        self._filter = ""
        #: The sort: a column index and whether it is reversed; None = the order rows came in.
        self._sort: tuple[int, bool] | None = None
        #: Sort keys per column, computed once per ``set_rows`` (not for live columns).
        self._sort_keys: dict[int, list[Any]] = {}
        self._natural: list[tuple[int, int | None]] = []
        self._style_cache: dict[tuple[str, bool], Style] = {}
        #: Per screen line: the cells, flags, strip and per-cell segments last drawn there.
        self._lines: dict[
            int,
            tuple[tuple[Cell, ...], tuple[object, ...], Strip, tuple[list[Segment], ...]],
        ] = {}
        self._layout_for: tuple[object, Layout] = (None, Layout((), ()))
        self._measure()

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
    def rows(self) -> Sequence[T]:
        """Every row held, in the order they were set (do not modify)."""
        return self._rows

    @property
    def filter_text(self) -> str:
        """The current filter."""
        return self._filter

    @property
    def sort_state(self) -> tuple[str, bool] | None:
        """The sorted column's label and whether it is reversed (None: unsorted)."""
        if self._sort is None:
            return None
        return self.columns[self._sort[0]].label, self._sort[1]

    @property
    def position_text(self) -> str:
        """``row 19,993 of 20,000`` (of the rows shown), or '' when there are none."""
        if not self._view:
            return ""
        return f"row {self.cursor + 1:,} of {len(self._view):,}"

    @property
    def empty_text(self) -> str:
        """What the body says when a filter matches nothing ('' otherwise)."""
        if self._view or not self._filter or not self._rows:
            return ""
        return f"no {self.noun} match '{neutralize(self._filter)}'"

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row, keeping the sort and the cursor on the same row key."""
        current = self.current_row
        self._rows = list(rows)
        self._haystack = [self._search_text(row).lower() for row in self._rows]
        self._sort_keys.clear()
        self._measure()
        self._sort_rows()
        self._apply_filter(keep=self._key(current) if current is not None else None)

    def set_filter(self, text: str) -> None:
        """Show only rows whose search text contains ``text`` (case-insensitive)."""
        self._filter = text
        self._apply_filter(keep=self._held_index())

    def sort_by(self, column: int | None, reverse: bool = False) -> None:
        """Sort by a column (None: the order the rows came in); the cursor keeps its row."""
        held = self._held_index()
        self._sort = None if column is None else (column, reverse)
        self._sort_rows()
        self._apply_filter(keep=held)
        self.post_message(self.Sorted(self))

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

    def _sort_rows(self) -> None:
        if self._sort is None:
            self._order = list(range(len(self._rows)))
            return
        index, reverse = self._sort
        column = self.columns[index]
        keys = self._sort_keys.get(index)
        if keys is None:
            get = column.sort_key or (lambda row: _sort_text(column.get(row)))
            keys = list(map(get, self._rows))
            if not column.live:  # a live column's keys change with no new rows
                self._sort_keys[index] = keys
        # Python's sort is stable, also reversed: equal keys keep the order the server sent.
        self._order = sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)

    def _held_index(self) -> int | None:
        """Where the cursor's row is in ``_rows`` (same rows: no key lookup needed)."""
        return self._view[self.cursor] if 0 <= self.cursor < len(self._view) else None

    def _apply_filter(self, keep: str | int | None) -> None:
        """Rebuild the view; the cursor follows ``keep`` (a row key, or an index in ``_rows``)."""
        needle = self._filter.lower()
        if needle:
            hay = self._haystack
            self._view = [i for i in self._order if needle in hay[i]]
        else:
            self._view = list(self._order)
        self._resize_virtual()
        if isinstance(keep, int):
            found = _find(self._view, keep)
            kept = found is not None
            if found is not None:
                self.cursor = found
        else:
            kept = keep is not None and self.select_key(keep)
        if not kept:
            self.cursor = min(self.cursor, max(0, len(self._view) - 1))
        self.refresh()

    # -- layout -------------------------------------------------------------------------------

    def _measure(self) -> None:
        """Natural widths (and compact ones) from the labels and the first rows' values."""
        sample = self._rows[:MEASURED_ROWS]
        natural: list[tuple[int, int | None]] = []
        for column in self.columns:
            label = cell_len(column.label)
            if column.width is not None:
                natural.append((max(column.width, label), None))
                continue
            widest = max((_cell_len(column.get(row)) for row in sample), default=0)
            short = None
            if column.short is not None:
                short_label = cell_len(column.short_label or column.label)
                shortest = max((_cell_len(column.short(row)) for row in sample), default=0)
                short = min(column.max_width, max(shortest, short_label))
            natural.append((min(column.max_width, max(widest, label)), short))
        if natural != self._natural:
            self._natural = natural
            self._lines.clear()

    def _layout(self) -> Layout:
        """The columns shown and their widths for the space the table has now."""
        available = self._available_width()
        key = (available, tuple(self._natural))
        if self._layout_for[0] != key:
            specs = [
                Spec(
                    natural=natural,
                    minimum=c.min_width if c.min_width is not None else min(natural, 10),
                    priority=c.priority,
                    short=short,
                )
                for c, (natural, short) in zip(self.columns, self._natural, strict=True)
            ]
            self._layout_for = (key, fit(specs, available))
            self._lines.clear()
        return self._layout_for[1]

    def _available_width(self) -> int:
        """The width rows get: the widget's, less the vertical scrollbar when there is one."""
        width = self.size.width
        if len(self._view) + 1 > self.size.height:
            width -= self.styles.scrollbar_size_vertical
        return max(1, width)

    def _body_height(self) -> int:
        """Rows visible under the header: the real viewport, less any horizontal scrollbar."""
        height = self.size.height - 1
        if self._layout().total > self._available_width():
            height -= self.styles.scrollbar_size_horizontal
        return max(1, height)

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self._layout().total, len(self._view) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._resize_virtual()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _getters(self) -> list[tuple[int, Callable[[T], Cell]]]:
        """The shown columns and the getter each uses (compact or full)."""
        layout = self._layout()
        return [
            (i, (c.short if layout.compact[i] and c.short else c.get))
            for i, c in enumerate(self.columns)
            if layout.widths[i]
        ]

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
        if row is None:
            return None
        return index, tuple(get(row) for _, get in self._getters())

    def _header(self) -> Text:
        layout = self._layout()
        labels: list[Cell] = []
        for i, column in enumerate(self.columns):
            if not (width := layout.widths[i]):
                continue
            label = column.short_label if layout.compact[i] and column.short_label else None
            label = label or column.label
            if self._sort is not None and self._sort[0] == i:
                # The arrow always shows: the label gives way to it.
                text = Text(label)
                text.truncate(max(1, width - 2), overflow="ellipsis")
                label = text.plain + ARROWS[self._sort[1]]
            labels.append(label)
        return self._line(labels)

    def render_line(self, y: int) -> Strip:
        scroll_x = int(self.scroll_x)
        width = self.size.width
        base = self._style("base")
        if y == 0:
            style = self._style("virtual-table--header")
            text = self._header()
            text.stylize(style)
            return self._strip(text, scroll_x, width, base + style)
        cells = self._row_cells(y)
        if cells is None:
            self._lines.pop(y, None)
            if y == 2 and (empty := self.empty_text):
                return self._strip(Text(f"  {empty}", style="italic"), 0, width, base)
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
        widths = [w for w in self._layout().widths if w]
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
        getters = self._getters()
        widths = [w for w in self._layout().widths if w]
        starts = [sum(widths[:i]) + 2 * i for i in range(len(widths))]
        live = [p for p, (i, _) in enumerate(getters) if self.columns[i].live] or list(
            range(len(getters))
        )
        scroll_x = int(self.scroll_x)
        top = int(self.scroll_y) - 1
        for y in range(1, self.size.height):
            row = self.row_at(top + y)
            cached = self._lines.get(y)
            if row is None or cached is None:
                if row is not None or cached is not None:
                    self.refresh(Region(0, y, self.size.width, 1))
                continue
            drawn = cached[0]
            changed = [p for p in live if getters[p][1](row) != drawn[p]]
            if changed:
                left = starts[changed[0]] - scroll_x
                right = starts[changed[-1]] + widths[changed[-1]] + 2 - scroll_x
                self.refresh(Region(max(0, left), y, max(1, right - max(0, left)), 1))

    def _line(self, cells: Sequence[Cell]) -> Text:
        line = Text(no_wrap=True, end="")
        widths = [w for w in self._layout().widths if w]
        for cell, width in zip(cells, widths, strict=True):
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
        visible = self._body_height()
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self._view:
            self.cursor = max(0, min(len(self._view) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self._body_height() - 1))

    def action_jump(self, position: int) -> None:
        if self._view:
            self.cursor = position % len(self._view)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    def action_cycle_sort(self) -> None:
        """Sort by the next shown column; after the last, back to the order rows came in."""
        shown = self._layout().shown
        if not shown:
            return
        if self._sort is None:
            self.sort_by(shown[0])
            return
        later = [i for i in shown if i > self._sort[0]]
        self.sort_by(later[0] if later else None)

    def action_reverse_sort(self) -> None:
        """Reverse the sort (sorts by the first column when unsorted)."""
        shown = self._layout().shown
        if self._sort is not None:
            self.sort_by(self._sort[0], not self._sort[1])
        elif shown:
            self.sort_by(shown[0], True)

    def action_copy_id(self) -> None:
        """Copy the id of the row under the cursor."""
        row = self.current_row
        if row is not None:
            value = self._id_of(row)
            self.app.copy_to_clipboard(value)
            self.app.notify(f"copied {neutralize(value)}", title="Copy id", markup=False)

    def column_at(self, x: int) -> int | None:
        """The column drawn at screen column ``x`` of the table, if any."""
        x += int(self.scroll_x)
        start = 0
        for i, width in enumerate(self._layout().widths):
            if width:
                if start <= x < start + width + 2:
                    return i
                start += width + 2
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self.column_at(event.x)
            if column is not None:
                sort = self._sort
                self.sort_by(column, reverse=sort is not None and sort == (column, False))
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._view):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index


_PLAIN = Style()


def _find(items: list[int], value: int) -> int | None:
    """Position of ``value`` in ``items`` (a C-speed scan), or None."""
    try:
        return items.index(value)
    except ValueError:
        return None


def _cell_len(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else cell)


def _sort_text(cell: Cell) -> str:
    return (cell.plain if isinstance(cell, Text) else cell).casefold()


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
