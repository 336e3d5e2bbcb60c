"""Keys: every Carbonext API key, filterable, with detail and create."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from carbontui.api.models import ApplicationSummary
from carbontui.tui.actions import binding
from carbontui.tui.app_access import carbon_app
from carbontui.tui.views.table_view import TableView
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable

#: Every Carbonext client id starts with this (DESIGN.md): narrow tables leave it out.
CLIENT_ID_PREFIX = "cbx_b2b_"


class KeysView(TableView):
    """The Keys tab."""

    title = "Keys"
    noun = "keys"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "New key", id="keys.create"),
        binding("keys.matrix"),
    ]

    def compose(self) -> ComposeResult:
        yield self.filter_box()
        yield keys_table()
        yield StatusLine()

    async def load(self) -> None:
        client = self.client_for("carbonext", "Carbonext")
        if client is None:
            return

        await self.fill(client.list_all(on_progress=self.report_progress))

    @on(VirtualTable.RowSelected, "#keys-table")
    def _open(self, event: VirtualTable.RowSelected) -> None:
        from carbontui.tui.screens.key_detail import KeyDetailScreen

        assert isinstance(event.row, ApplicationSummary)
        self.app.push_screen(KeyDetailScreen(self.services, event.row))

    def action_matrix(self) -> None:
        """Every key against every permission."""
        carbon_app(self).action_matrix()

    def action_create(self) -> None:
        """Open the create form (blocked on read-only profiles)."""
        carbon_app(self).action_create_key()


def keys_table() -> VirtualTable[ApplicationSummary]:
    """The Keys tab's table of list rows (also what the memory benchmark fills)."""
    return VirtualTable(
        [
            Column(
                "CLIENT ID",
                lambda k: k.client_id,
                min_width=16,
                short=lambda k: k.client_id.removeprefix(CLIENT_ID_PREFIX),
                short_label=f"CLIENT ID ({CLIENT_ID_PREFIX}…)",
            ),
            Column("DISPLAY NAME", lambda k: k.display_name or "", min_width=12),
            Column("ID", lambda k: k.id, width=36, min_width=36, priority=2),
        ],
        key=lambda k: k.id,
        search_text=lambda k: f"{k.client_id} {k.display_name or ''} {k.id}",
        noun="keys",
        id="keys-table",
    )
