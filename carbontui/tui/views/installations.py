"""Installations: where the CarbonRegistry app is installed, with per-installation tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from carbontui.api.models import InstallationRow
from carbontui.api.registry import RegistryClient
from carbontui.auth.token import Token
from carbontui.errors import CarbontuiError
from carbontui.tui.app_access import carbon_app
from carbontui.tui.formatting import duration, token_status
from carbontui.tui.services import Services
from carbontui.tui.views.table_view import TableView
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable
from carbontui.usecases.installation_tokens import RevokeOutcome

R = TypeVar("R")

REVOKE_MESSAGES = {
    RevokeOutcome.REVOKED: "token revoked",
    RevokeOutcome.ALREADY_INVALID: "the token was already invalid (expired or revoked)",
    RevokeOutcome.UNCONFIRMED: "the server did not confirm the revoke",
}


def installations_table(
    token_of: Callable[[str], Token | None],
    clock: Callable[[], float],
) -> VirtualTable[InstallationRow]:
    """The Installations tab's table of list rows (also what the memory benchmark fills);
    ``token_of(id)`` is the token held for an installation (the TOKEN column), ``clock`` the
    time its countdown counts from."""

    def token_order(item: InstallationRow) -> float:
        """Sort key of the TOKEN column: soonest expiry first, no token last."""
        token = token_of(item.id)
        if token is None or token.expires_at is None:
            return float("inf")
        return token.expires_at

    return VirtualTable(
        [
            Column("ORGANIZATION", lambda i: i.organization.full_name or "-", min_width=12),
            Column("COUNTRY", lambda i: i.organization.country_code or "-", width=7, priority=1),
            Column("TYPE", lambda i: i.organization.type or "-", min_width=8),
            # Every row of one app repeats its name: the first column to go.
            Column("APP NAME", lambda i: i.app_name_id or "-", min_width=12, priority=3),
            Column("INSTALLATION ID", lambda i: i.id, width=36, min_width=36, priority=1),
            Column(
                "TOKEN",
                lambda i: token_status(token_of(i.id), clock()),
                width=12,
                min_width=12,
                live=True,
                sort_key=token_order,
            ),
        ],
        key=lambda i: i.id,
        search_text=lambda i: " ".join(
            filter(
                None,
                [
                    i.organization.full_name,
                    i.organization.country_code,
                    i.organization.type,
                    i.app_name_id,
                    i.id,
                ],
            )
        ),
        noun="installations",
        id="installations-table",
    )


class InstallationsView(TableView):
    """The Installations tab."""

    title = "Installations"
    noun = "installations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "mint", "Mint token", id="installations.mint"),
        Binding("x", "revoke", "Revoke token", id="installations.revoke"),
        Binding("c", "copy_token", "Copy token", id="installations.copy"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield self.filter_box()
        yield installations_table(self._token, lambda: self.services.clock())
        yield StatusLine()

    def _token(self, installation_id: str) -> Token | None:
        """The installation token held in this process, if any (no network)."""
        registry = self.services.registry
        return registry.cached_installation_token(installation_id) if registry else None

    def organization_name(self, installation_id: str) -> str | None:
        """The organization of a listed installation (None when not listed or not loaded)."""
        return self._names.get(installation_id)

    async def load(self) -> None:
        registry = self.client_for("registry", "CarbonRegistry")
        if registry is None:
            return

        await self.fill(
            registry.list_rows(on_progress=self.report_progress), f" of app {registry.app_id}"
        )
        self._names = {
            item.id: item.organization.full_name
            for item in self.table.rows
            if item.organization.full_name
        }

    def on_tick(self, now: float) -> None:
        self.table.refresh_cells()

    @on(VirtualTable.RowSelected, "#installations-table")
    def _open(self, event: VirtualTable.RowSelected) -> None:
        from carbontui.tui.screens.installation_detail import InstallationDetailScreen

        assert isinstance(event.row, InstallationRow)
        self.app.push_screen(InstallationDetailScreen(self.services, event.row))

    def action_mint(self) -> None:
        """Mint a fresh token for the selected installation."""
        if (item := self.table.current_row) is not None:
            self.mint(item)

    def action_revoke(self) -> None:
        """Revoke the selected installation's token (asks first)."""
        if (item := self.table.current_row) is not None:
            self.revoke(item)

    @work(group="token-actions")
    async def mint(self, item: InstallationRow) -> None:
        """Ask for confirmation where needed, then mint (``usecases.installation_tokens``)."""
        name = item.organization.full_name
        writes = carbon_app(self).writes
        minted = await self._token_write(
            "Mint failed",
            lambda registry: writes.mint(
                registry, item.id, question=f"Mint an installation token for {name}?"
            ),
        )
        if minted is not None:
            left = duration((minted.token.expires_at or 0) - self.services.clock())
            self.app.notify(f"token for {name} minted; expires in {left}")

    @work(group="token-actions")
    async def revoke(self, item: InstallationRow) -> None:
        """Confirm, then revoke the held token once (never retried, never a fresh one)."""
        writes = carbon_app(self).writes
        question = f"Revoke the token of {item.organization.full_name}?"
        result = await self._token_write(
            "Revoke failed", lambda registry: writes.revoke(registry, item.id, question=question)
        )
        if result is not None:
            self.app.notify(REVOKE_MESSAGES[result.outcome])

    async def _token_write(
        self, failed: str, write: Callable[[RegistryClient], Awaitable[R | None]]
    ) -> R | None:
        """Run a gated token write; a failure is a toast titled ``failed``; redraw on success."""
        registry = self.services.registry
        assert registry is not None
        try:
            result = await write(registry)
        except CarbontuiError as exc:
            self.app.notify(str(exc), title=failed, severity="error")
            return None
        if result is not None:
            self.table.refresh()
        return result

    def action_copy_token(self) -> None:
        """Copy the selected installation's token."""
        item = self.table.current_row
        registry = self.services.registry
        if item is None or registry is None:
            return
        token = registry.cached_installation_token(item.id)
        if token is None:
            self.app.notify("no token yet: press t to mint one", severity="warning")
            return
        self.app.copy_to_clipboard(token.value)
        self.app.notify("installation token copied")
