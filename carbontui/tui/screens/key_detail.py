"""One API key: its fields and full permission objects."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from carbontui.api.models import Application, ApplicationSummary, Permission
from carbontui.errors import CarbontuiError
from carbontui.tui.app_access import carbon_app
from carbontui.tui.create_key import rotate_key
from carbontui.tui.formatting import field_lines, literal
from carbontui.tui.screens.detail import DetailScreen
from carbontui.tui.screens.styles import dialog_css
from carbontui.tui.services import Services
from carbontui.tui.widgets.fields import field_grid

COLUMNS = ("PERMISSION", "ID", "COMPOSITE", "CLIENT ROLE", "CONTAINER")
#: From this width the permission flags are columns; below it they are under the table.
WIDE_FROM = 100


class KeyDetailScreen(DetailScreen):
    """Loads ``GET /v1/customers/applications/{id}`` and shows the permission table."""

    CSS_PATH = dialog_css("key_detail.tcss")
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (as Screen types it)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy client id", id="key.copy_id"),
        Binding("d", "duplicate", "Duplicate to rotate", id="key.duplicate"),
    ]

    def __init__(self, services: Services, summary: ApplicationSummary) -> None:
        super().__init__(services)
        self.summary = summary
        self.permissions: tuple[Permission, ...] = ()
        self._filled_narrow: bool | None = None
        #: The key as loaded (None until then): what ``d`` duplicates.
        self.application: Application | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(f"API key  {self.summary.client_id}"), classes="dialog-title")
            yield Static(self._fields(None), id="key-fields")
            yield DataTable(id="key-permissions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="key-permission-description", classes="muted")
            yield Label("loading permissions…", id="key-detail-status", classes="muted")
            yield Label(
                "esc back · c copy client id · d duplicate to rotate (the API has no delete)",
                classes="muted",
            )

    def on_mount(self) -> None:
        self._fill_table()
        self.load()

    def _narrow(self) -> bool:
        return self.size.width < WIDE_FROM

    def _fill_table(self) -> None:
        """The permission rows; columns that fit the width (the rest is under the table).

        As columns, the description (always) and the flags (on a narrow terminal) pushed the
        table wider than the dialog: cut off, with a stray scrollbar.
        """
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        narrow = self._narrow()
        self._filled_narrow = narrow
        table.add_columns(*(COLUMNS[:2] if narrow else COLUMNS))
        for p in self.permissions:
            flags = (_yes_no(p.composite), _yes_no(p.client_role), p.container_id or "-")
            cells = (p.name or "-", p.id, *flags)
            table.add_row(*(literal(cell) for cell in (cells[:2] if narrow else cells)))
        if self.permissions:
            table.move_cursor(row=min(row, len(self.permissions) - 1))

    def on_resize(self) -> None:
        if self._filled_narrow is not None and self._narrow() != self._filled_narrow:
            self._fill_table()

    def _fields(self, app: Application | None) -> Text:
        summary = self.summary
        pairs: list[tuple[str, object]] = [
            ("client id", summary.client_id),
            ("display name", summary.display_name),
            ("id", summary.id),
        ]
        if app is not None:
            pairs.append(("permissions", len(app.permissions)))
        return field_lines(pairs)

    @work(exclusive=True)
    async def load(self) -> None:
        """Fetch the key's detail; errors stay on this screen."""
        status = self.query_one("#key-detail-status", Label)
        client = self.services.carbonext
        if client is None:
            status.update("this profile has no Carbonext section")
            return
        try:
            app = await client.get(self.summary.id)
        except CarbontuiError as exc:
            status.update(Text.assemble(("could not load: ", "bold red"), literal(exc)))
            return
        self.query_one("#key-fields", Static).update(self._fields(app))
        self.permissions = app.permissions
        self.application = app
        self._fill_table()
        status.update("" if app.permissions else "this key has no permissions")

    @on(DataTable.RowHighlighted, "#key-permissions")
    def _describe(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.permissions):
            p = self.permissions[event.cursor_row]
            facts: list[tuple[str, object]] = [("description", p.description)]
            if self._narrow():
                flags = f"composite {_yes_no(p.composite)} · client role {_yes_no(p.client_role)}"
                facts += [("flags", flags), ("container", p.container_id)]
            self.query_one("#key-permission-description", Static).update(field_grid(facts))

    def action_duplicate(self) -> None:
        """Rotate: a new key with this one's permissions (from the create form, once more)."""
        original = self.application
        if original is None:
            self.notify("the key's permissions are still loading", severity="warning")
            return
        app = carbon_app(self)
        self.dismiss()
        app.run_worker(rotate_key(app, original), group="create-key", exclusive=True)

    def action_copy_id(self) -> None:
        """Copy the client id (not a secret)."""
        self.app.copy_to_clipboard(self.summary.client_id)
        self.notify("client id copied")


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "no"
