"""One installation: its organization and the app's permission map there."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Static

from carbontui.api.models import Installation, InstallationRow, Organization
from carbontui.auth.token import Token
from carbontui.errors import CarbontuiError
from carbontui.tui.app_access import carbon_app
from carbontui.tui.audit_format import mark
from carbontui.tui.formatting import literal
from carbontui.tui.screens.detail import DetailScreen
from carbontui.tui.screens.styles import dialog_css
from carbontui.tui.services import Services
from carbontui.tui.widgets.fields import field_grid
from carbontui.usecases.describe import organization_facts

ACCESS_LEVELS = ("VIEW", "REQUEST", "WRITE")
ORG_INFO = "organization_info"


def organization_fields(org: Organization) -> Table:
    """The organization as ``label value`` rows (long values wrap in the value column)."""
    return field_grid(organization_facts(org))


class InstallationDetailScreen(DetailScreen):
    """Reads the whole installation when it opens (the list holds slim rows), then shows its
    organization (refreshed with the installation's token when it may read it) and the app's
    permission map there."""

    CSS_PATH = dialog_css("installation_detail.tcss")
    #: Below 100 columns the permission grid goes under the organization, not beside it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (as Screen types it)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "read_live", "Read live", id="installation.read_live")
    ]

    def __init__(self, services: Services, row: InstallationRow) -> None:
        super().__init__(services)
        self.row = row
        #: The whole installation once read (None until then, or when reading it failed).
        self.installation: Installation | None = None
        self._loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(classes="dialog wide"):
            yield Label(literal(f"Installation  {row.id}"), classes="dialog-title")
            with Horizontal(classes="detail-columns"):
                # What the list row has, until the whole installation arrives.
                facts: list[tuple[str, object]] = [
                    ("name", row.organization.full_name),
                    ("type", row.organization.type),
                    ("country", row.organization.country_code),
                ]
                yield Static(field_grid(facts), id="org-fields", classes="panel")
                yield DataTable(id="permission-grid", cursor_type="row", zebra_stripes=True)
            yield Label(literal(f"app {row.app_name_id or '-'}"), id="app-line", classes="muted")
            yield Label("loading the installation…", id="org-status", classes="muted")
            yield Label("esc back · l read the organization live", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#permission-grid", DataTable).add_columns("RESOURCE", *ACCESS_LEVELS)
        self.load_installation()

    @work(exclusive=True, group="installation")
    async def load_installation(self) -> None:
        """Read the whole installation, then fill the screen; a failure stays on it."""
        try:
            self.installation = await self._read_installation()
        finally:
            self._loaded.set()  # read live waits for this, whatever the outcome
        if self.installation is not None:
            self._show(self.installation)

    async def _read_installation(self) -> Installation | None:
        """``GET /app/installations/{id}``; None (and the reason on screen) when it fails."""
        status = self.query_one("#org-status", Label)
        registry = self.services.registry
        if registry is None:
            status.update("this profile has no CarbonRegistry section")
            return None
        try:
            return await registry.installation(self.row.id)
        except CarbontuiError as exc:
            status.update(
                Text.assemble(("could not load the installation: ", "bold red"), literal(exc))
            )
            return None

    def _show(self, item: Installation) -> None:
        """Fill the screen from the whole installation."""
        self.query_one("#org-fields", Static).update(organization_fields(item.organization))
        self.query_one("#app-line", Label).update(
            literal(f"app {item.app_name_id or '-'} ({item.app_id or '-'})")
        )
        grid = self.query_one("#permission-grid", DataTable)
        # The permission matrix's marks: W (and red) where the app may write, ● elsewhere.
        for resource, level in sorted(item.permissions.items()):
            cells: list[Text] = [
                mark(column.lower(), level.upper() == column) for column in ACCESS_LEVELS
            ]
            if level.upper() not in ACCESS_LEVELS:
                cells[-1] = literal(f"{level}?")
            grid.add_row(literal(resource.removeprefix("organization_")), *cells)
        status = self.query_one("#org-status", Label)
        if not item.permissions.get(ORG_INFO):
            status.update(
                "the app may not read organization_info here; showing the installation's copy"
            )
        elif self._live_token() is not None:
            self.load_organization()  # a token is at hand: reading costs nothing new
        else:
            status.update(
                "showing the installation's copy; l mints an installation token and reads it live"
            )

    def _live_token(self) -> Token | None:
        registry = self.services.registry
        if registry is None:
            return None
        token = registry.cached_installation_token(self.row.id)
        if token is None:
            return None
        left = token.seconds_left(self.services.clock())
        return token if left is None or left > 0 else None

    @work(exclusive=True, group="read-live")
    async def action_read_live(self) -> None:
        """Read the organization live; minting a token for it is a write like any other.

        Pressed while the installation is still being read, it waits for it first.
        """
        await self._loaded.wait()
        item = self.installation
        if item is None:
            self.notify("the installation could not be read", severity="warning")
            return
        if not item.permissions.get(ORG_INFO):
            self.notify("this installation may not read organization_info", severity="warning")
            return
        if self._live_token() is not None:
            await self._read_organization(item)
            return
        name = item.organization.full_name or item.id
        registry = self.services.registry
        if registry is None:
            return
        app = carbon_app(self)
        try:
            minted = await app.writes.mint(
                registry,
                item.id,
                question=f"Mint an installation token for {name} to read it live?",
                purpose="to read the organization live",
            )
        except CarbontuiError as exc:
            self.query_one("#org-status", Label).update(
                Text.assemble(("could not load the organization: ", "bold red"), literal(exc))
            )
            return
        if minted is not None:
            await self._read_organization(item)

    @work(exclusive=True)
    async def load_organization(self) -> None:
        """``GET /app/organizations/{id}`` with this installation's (cached) token."""
        if self.installation is not None:
            await self._read_organization(self.installation)

    async def _read_organization(self, item: Installation) -> str | None:
        """Read and show the organization; returns the error message, if any."""
        status = self.query_one("#org-status", Label)
        registry = self.services.registry
        if registry is None:
            return "this profile has no CarbonRegistry section"
        status.update("loading organization…")
        try:
            org = await registry.organization(item.id, item.organization.id)
        except CarbontuiError as exc:
            status.update(
                Text.assemble(("could not load the organization: ", "bold red"), literal(exc))
            )
            return str(exc)
        self.query_one("#org-fields", Static).update(organization_fields(org))
        status.update("organization read live with the installation token")
        return None
