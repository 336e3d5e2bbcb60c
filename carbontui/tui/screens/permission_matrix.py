"""The permission matrix of the active profile: keys as rows, permissions as columns."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, Label, Static

from carbontui.errors import CarbontuiError
from carbontui.sanitize import neutralize
from carbontui.tui.actions import binding
from carbontui.tui.audit_format import (
    LEGEND,
    area_abbreviations,
    area_legend,
    column_label,
    mark,
)
from carbontui.tui.formatting import literal
from carbontui.tui.screens.audit_base import AuditScreen
from carbontui.tui.services import Services
from carbontui.tui.views.keys import CLIENT_ID_PREFIX
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable
from carbontui.usecases.audit import MatrixRow, PermissionMatrix, build_matrix, is_broad

#: KEY, NAME and PERMS come before the permission columns.
FIXED_COLUMNS = 3
#: Index of the PERMS column (``c`` sorts by it, most permissions first).
COUNT_COLUMN = 2
HINT = "/ filter · s sort · c by count · p/P permission · o its holders · enter detail · esc back"


def _search_text(row: MatrixRow) -> str:
    """What ``/`` matches: the key's client id, display name and id."""
    return f"{row.key.client_id} {row.key.display_name or ''} {row.key.id}"


class PermissionMatrixScreen(AuditScreen):
    """Reads every key's permissions (with progress), then shows them as a grid.

    Keys without an id in the action table (``p``, ``P``, ``o``, ``c``) are handled as key
    methods, so the keymap test keeps holding until the table gains entries for them.
    """

    TABLE_ID = "matrix-table"
    ERROR_ID = "matrix-error"
    ERROR_HEADING = "error  "

    CSS_PATH = Path(__file__).with_name("permission_matrix.tcss")
    AUTO_FOCUS = "#matrix-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        binding("detail.back"),
        binding("table.filter"),
        binding("matrix.next_permission"),
        binding("matrix.previous_permission"),
        binding("matrix.holders_only"),
        binding("matrix.sort_by_count"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.matrix: PermissionMatrix | None = None
        #: The permission the column cursor is on (None: none chosen yet).
        self.selected: str | None = None
        #: Whether only the selected permission's holders are listed.
        self.holders_only = False
        self._abbreviations: dict[str, str] = {}

    @property
    def profile_name(self) -> str:
        """The profile whose keys are shown."""
        session = self.services.session
        return session.profile.name if session is not None else "-"

    def compose(self) -> ComposeResult:
        yield Label(
            literal(f"Permission matrix  {self.profile_name}"), id="matrix-title", classes="title"
        )
        yield Static("", id="matrix-error")
        yield Input(placeholder="filter…", classes="filter")
        yield self._table()
        yield Label("", id="matrix-selection")
        yield Label(LEGEND, id="matrix-legend", classes="muted")
        yield Label("", id="matrix-areas", classes="muted")
        yield StatusLine()
        yield Label(HINT, id="matrix-hint", classes="muted")

    def _table(self) -> VirtualTable[MatrixRow]:
        """The matrix before it is read: the key columns only (``show`` adds the rest)."""
        return VirtualTable(
            self._columns(()),
            key=lambda row: row.key.id,
            search_text=_search_text,
            id_of=lambda row: row.key.client_id,
            noun="keys",
            id="matrix-table",
        )

    def _columns(self, permissions: tuple[str, ...]) -> list[Column[MatrixRow]]:
        """Key, name, count, then one narrow column per permission (grouped by area)."""
        columns: list[Column[MatrixRow]] = [
            Column(
                "KEY",
                lambda row: row.key.client_id,
                min_width=16,
                max_width=40,
                short=lambda row: row.key.client_id.removeprefix(CLIENT_ID_PREFIX),
                short_label=f"KEY ({CLIENT_ID_PREFIX}…)",
            ),
            Column("NAME", lambda row: row.key.display_name or "", min_width=12, max_width=32),
            Column(
                "PERMS",
                lambda row: f"{len(row.granted)}" + (f" {row.broad}W" if row.broad else ""),
                width=7,
                min_width=7,
                sort_key=lambda row: (len(row.granted), row.broad),
            ),
        ]
        return columns + [self._permission_column(p) for p in permissions]

    def _permission_column(self, permission: str) -> Column[MatrixRow]:
        label = column_label(permission, self._abbreviations)
        return Column(
            label,
            lambda row: self._mark(permission, row),
            width=len(label),
            min_width=len(label),
            sort_key=lambda row: permission not in row.granted,
        )

    def _mark(self, permission: str, row: MatrixRow) -> Text:
        """A cell; the selected permission's column is drawn in reverse video."""
        cell = mark(permission, permission in row.granted)
        if permission == self.selected:
            # A span (not the base style): the table redraws a cell whose spans changed.
            return Text.assemble((cell.plain, f"{cell.style} reverse"))
        return cell

    # -- loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="permission-matrix")
    async def load(self) -> None:
        """Build the matrix; an error is shown on this screen."""
        client = self.services.carbonext
        if client is None:
            self._fail(f"profile '{self.profile_name}' has no Carbonext section")
            return
        try:
            matrix = await build_matrix(client, on_progress=self._progress)
        except CarbontuiError as exc:
            self._fail(f"could not read the permissions: {exc}")
            return
        finally:
            self.status.progress = ""
        self.show(matrix)

    def _progress(self, done: int, total: int) -> None:
        self.status.progress = f"reading permissions: {done:,} / {total:,} keys"

    def show(self, matrix: PermissionMatrix) -> None:
        """Lay the matrix out: a column per permission, a row per key."""
        self._abbreviations = area_abbreviations(matrix.areas())
        table = self.table
        # The same table gains its permission columns: set_rows measures them afresh.
        table.columns = self._columns(matrix.columns)
        table.set_rows(matrix.rows)
        self.matrix = matrix
        table.focus()
        self.query_one("#matrix-areas", Label).update(
            literal(f"areas: {area_legend(self._abbreviations)}")
        )
        self._summarise()

    # -- the column cursor ----------------------------------------------------------------------

    def action_next_permission(self) -> None:
        """Next permission (its holders are counted under the table)."""
        self.select_permission(1)

    def action_previous_permission(self) -> None:
        """Previous permission."""
        self.select_permission(-1)

    def action_holders_only(self) -> None:
        """List only the selected permission's holders (again: every key)."""
        self.toggle_holders_only()

    def action_sort_by_count(self) -> None:
        """Sort by number of permissions, most first."""
        self.sort_by_count()

    def select_permission(self, step: int) -> None:
        """Move the column cursor ``step`` permissions along (wrapping)."""
        if self.matrix is None or not self.matrix.columns:
            return
        columns = self.matrix.columns
        if self.selected in columns:
            index = (columns.index(self.selected) + step) % len(columns)
        else:
            index = 0 if step > 0 else len(columns) - 1
        self.select(columns[index])

    def select(self, permission: str) -> None:
        """Put the column cursor on ``permission`` and say who holds it."""
        self.selected = permission
        self._apply_rows()
        if self.matrix is not None:
            self._scroll_to_column(FIXED_COLUMNS + self.matrix.columns.index(permission))

    def _scroll_to_column(self, index: int) -> None:
        """Scroll sideways, if needed, until column ``index`` is in view (narrow terminals)."""
        table = self.table
        left = -int(table.scroll_x)
        spots = [
            x for x in range(left, left + table.virtual_size.width) if table.column_at(x) == index
        ]
        if not spots:
            return
        start, end = spots[0] - left, spots[-1] - left
        width = table.scrollable_content_region.width  # less the vertical scrollbar
        if start < table.scroll_x:
            table.scroll_to(x=start, animate=False)
        elif end >= table.scroll_x + width:
            table.scroll_to(x=end - width + 1, animate=False)

    def toggle_holders_only(self) -> None:
        """Show only the selected permission's holders, or every key again."""
        if self.selected is None:
            self.select_permission(1)
        self.holders_only = not self.holders_only
        self._apply_rows()

    def sort_by_count(self) -> None:
        """Most permissions first (then most broad ones)."""
        self.table.sort_by(COUNT_COLUMN, reverse=True)

    def _apply_rows(self) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        holders = matrix.holders(self.selected) if self.selected else list(matrix.rows)
        self.table.set_rows(holders if self.holders_only else matrix.rows)
        label = self.query_one("#matrix-selection", Label)
        if self.selected is None:
            label.update("")
        else:
            noun = "key" if len(holders) == 1 else "keys"
            flag = "  (writes/administers)" if is_broad(self.selected) else ""
            shown = "  · only these listed (o: all)" if self.holders_only else ""
            label.update(
                Text.assemble(
                    (neutralize(self.selected), "bold red" if flag else "bold"),
                    f": {len(holders):,} {noun}{flag}{shown}",
                )
            )
        self._summarise()

    # -- filter, rows, leaving ------------------------------------------------------------------

    def _summarise(self) -> None:
        table, matrix = self.table, self.matrix
        if matrix is None:
            return
        count = f"{table.total_count:,} keys"
        if table.total_count != len(matrix.rows):
            count = f"{table.total_count:,} of {len(matrix.rows):,} keys"
        if table.filter_text:
            count = f"{table.row_count:,} of {count} match '{table.filter_text}'"
        parts = [count, f"{len(matrix.columns)} permissions"]
        if matrix.vanished:
            parts.append(f"{len(matrix.vanished)} deleted while read")
        if table.position_text:
            parts.append(table.position_text)
        self.status.summary = " · ".join(parts)

    def action_filter(self) -> None:
        """Show and focus the filter box."""
        box = self.query_one("Input.filter", Input)
        box.add_class("-visible")
        box.focus()

    async def action_dismiss(self, result: None = None) -> None:
        """Esc: clear an open filter first, then leave."""
        box = self.query_one("Input.filter", Input)
        if box.has_class("-visible"):
            box.value = ""
            box.remove_class("-visible")
            self.table.focus()
            return
        await super().action_dismiss(result)

    @on(Input.Changed, "Input.filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.table.set_filter(event.value)
        self._summarise()

    @on(Input.Submitted, "Input.filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(VirtualTable.RowHighlighted, "#matrix-table")
    @on(VirtualTable.Sorted, "#matrix-table")
    def _moved(self) -> None:
        self._summarise()

    @on(VirtualTable.RowSelected, "#matrix-table")
    def _open(self, event: VirtualTable.RowSelected) -> None:
        from carbontui.tui.screens.key_detail import KeyDetailScreen

        assert isinstance(event.row, MatrixRow)
        self.app.push_screen(KeyDetailScreen(self.services, event.row.key))
