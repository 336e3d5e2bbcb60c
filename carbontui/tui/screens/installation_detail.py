"""One installation: its organization and the app's permission map there."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from carbontui.api.models import Installation, Organization
from carbontui.errors import CarbontuiError
from carbontui.tui.formatting import field_lines
from carbontui.tui.services import Services

ACCESS_LEVELS = ("VIEW", "REQUEST", "WRITE")
ORG_INFO = "organization_info"


def organization_fields(org: Organization) -> Text:
    """The organization as aligned ``label value`` lines."""
    industry = org.organization_industries
    rows: list[tuple[str, object]] = [
        ("name", org.full_name),
        ("id", org.id),
        ("type", org.type),
        ("country", org.country_code),
        ("city", org.city),
        ("address", org.physical_address),
        ("zip", org.zip),
        ("registration", org.registration_number),
        ("industry", f"{industry.name} ({industry.code})" if industry else None),
        ("website", org.website),
        ("public", None if org.is_public is None else "yes" if org.is_public else "no"),
    ]
    return field_lines(rows)


class InstallationDetailScreen(ModalScreen[None]):
    """Organization details (refreshed with the installation's token when it may read them)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Back")]

    def __init__(self, services: Services, installation: Installation) -> None:
        super().__init__(classes="detail")
        self.services = services
        self.installation = installation

    def compose(self) -> ComposeResult:
        item = self.installation
        with Vertical(classes="dialog wide"):
            yield Label(Text(f"Installation  {item.id}"), classes="dialog-title")
            with Horizontal(classes="detail-columns"):
                yield Static(
                    organization_fields(item.organization), id="org-fields", classes="panel"
                )
                yield DataTable(id="permission-grid", cursor_type="row", zebra_stripes=True)
            yield Label(
                Text(f"app {item.app_name_id or '-'} ({item.app_id or '-'})"), classes="muted"
            )
            yield Label("", id="org-status", classes="muted")
            yield Label("esc back", classes="muted")

    def on_mount(self) -> None:
        grid = self.query_one("#permission-grid", DataTable)
        grid.add_columns("RESOURCE", *ACCESS_LEVELS)
        for resource, level in sorted(self.installation.permissions.items()):
            marks = ["●" if level.upper() == column else "·" for column in ACCESS_LEVELS]
            if level.upper() not in ACCESS_LEVELS:
                marks[-1] = f"{level}?"
            grid.add_row(Text(resource.removeprefix("organization_")), *map(Text, marks))
        if self.installation.permissions.get(ORG_INFO):
            self.load_organization()
        else:
            self.query_one("#org-status", Label).update(
                "the app may not read organization_info here; showing the installation's copy"
            )

    @work(exclusive=True)
    async def load_organization(self) -> None:
        """``GET /app/organizations/{id}`` with this installation's token."""
        status = self.query_one("#org-status", Label)
        registry = self.services.session.registry if self.services.session else None
        if registry is None:
            return
        status.update("loading organization…")
        try:
            org = await registry.organization(
                self.installation.id, self.installation.organization.id
            )
        except CarbontuiError as exc:
            status.update(f"[b red]could not load the organization:[/] {escape(str(exc))}")
            return
        self.query_one("#org-fields", Static).update(organization_fields(org))
        status.update("organization read live with the installation token")
