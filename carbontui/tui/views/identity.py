"""Identity & tokens: who this profile is, and every live token with a countdown."""

from __future__ import annotations

import asyncio
from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from carbontui.auth.token import Token, TokenKey, TokenKind
from carbontui.errors import CarbontuiError
from carbontui.tui.formatting import countdown, expiry_detail, literal
from carbontui.tui.identity import fetch_identity
from carbontui.tui.services import Services
from carbontui.tui.views.polling import PollingView
from carbontui.tui.widgets.context_header import ContextHeader
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable

TokenRow = tuple[TokenKey, Token]


class IdentityView(PollingView):
    """The Identity & tokens tab."""

    title = "Identity"
    DEFAULT_CSS = """
    IdentityView #identity-panel {
        border: round $primary 50%;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_token", "Refresh token"),
        Binding("c", "copy_token", "Copy token"),
        Binding("v", "reveal", "Reveal"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self.revealed: set[TokenKey] = set()
        self._cache_version = -1
        self._table: VirtualTable[TokenRow] | None = None
        self._panel_text: object = None

    def compose(self) -> ComposeResult:
        yield Static("loading identity…", id="identity-panel", classes="panel")
        yield VirtualTable(
            [
                Column("TOKEN", lambda r: r[1].kind.label, width=27),
                Column("FOR", _subject, width=24),
                Column("SCOPE / PERMISSIONS", _scope),
                Column(
                    "EXPIRES IN",
                    lambda r: countdown(r[1].expires_at, self.services.clock()),
                    width=11,
                    live=True,
                ),
                Column(
                    "REFRESH",
                    lambda r: "refresh token" if r[1].can_refresh else "new grant",
                    width=13,
                ),
                Column("VALUE", self._value, width=20),
            ],
            key=lambda r: "/".join(r[0]),
            search_text=lambda r: r[1].kind.label,
            id="tokens-table",
        )
        yield StatusLine()

    @property
    def table(self) -> VirtualTable[TokenRow]:
        """The tokens table."""
        if self._table is None:
            self._table = self.query_one("#tokens-table", VirtualTable)
        return self._table

    def _value(self, row: TokenRow) -> str:
        key, token = row
        return token.value if key in self.revealed else token.masked()

    async def load(self) -> None:
        """Both services side by side: one failing never hides what the other answered."""
        session = self.services.session
        assert session is not None
        carbonext = self._carbonext_part() if session.carbonext is not None else None
        registry = session.registry.app_token() if session.registry is not None else None
        parts = [part for part in (carbonext, registry) if part is not None]
        outcomes = await asyncio.gather(*parts, return_exceptions=True)
        if carbonext is None:
            error = session.errors.get("carbonext")
            self._show_panel(
                Text.assemble("Carbonext unavailable: ", literal(error))
                if error
                else Text("this profile has no Carbonext section")
            )
        self._sync_rows()
        problems = [
            f"{name}: {outcome}"
            for name, outcome in zip(self._names(carbonext, registry), outcomes, strict=True)
            if isinstance(outcome, BaseException)
        ]
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, CarbontuiError):
                raise outcome  # a bug, not a service problem: let it surface
        if "registry" in session.errors:
            problems.append(f"CarbonRegistry: {session.errors['registry']}")
        if problems:
            raise CarbontuiError("; ".join(problems))

    @staticmethod
    def _names(*parts: object) -> list[str]:
        names = ("Carbonext", "CarbonRegistry")
        return [name for name, part in zip(names, parts, strict=True) if part is not None]

    async def _carbonext_part(self) -> None:
        session = self.services.session
        assert session is not None and session.carbonext is not None
        identity = await fetch_identity(session.carbonext)
        self._show_panel(identity.details)
        self.app.query_one(ContextHeader).identity = identity.headline

    def _show_panel(self, content: Text) -> None:
        # ``Static.update`` re-lays out the screen (the panel's height is auto): not every poll.
        if content != self._panel_text:
            self._panel_text = content
            self.query_one("#identity-panel", Static).update(content)

    def on_tick(self, now: float) -> None:
        if self.services.cache.version != self._cache_version:
            self._sync_rows()
        else:
            self.table.refresh_cells()

    def _sync_rows(self) -> None:
        self._cache_version = self.services.cache.version
        rows = sorted(self.services.cache.items(self.services.profile.name), key=_order)
        self.table.set_rows(rows)
        self.status.summary = f"{len(rows)} live tokens"

    def mark_stale(self, stale: bool) -> None:
        self.table.stale = stale

    @on(VirtualTable.RowSelected, "#tokens-table")
    def _details(self, event: VirtualTable.RowSelected) -> None:
        """Enter on a token: its exact expiry (the table shows minutes until the last 10)."""
        key, token = cast(tuple[TokenKey, Token], event.row)
        self.notify(
            f"{_subject((key, token))}\n{expiry_detail(token.expires_at, self.services.clock())}",
            title=token.kind.label,
            timeout=10,
            markup=False,
        )

    def _selected(self) -> TokenRow | None:
        return self.table.current_row

    def action_refresh_token(self) -> None:
        """Renew the selected token now (refresh token when there is one)."""
        row = self._selected()
        if row is not None:
            self._renew(row[0])

    @work(group="renew")
    async def _renew(self, key: TokenKey) -> None:
        session = self.services.session
        assert session is not None
        try:
            if key.service == "carbonext" and session.carbonext is not None:
                await session.carbonext.token(force=True)
            elif session.registry is not None:
                auth = session.registry.auth
                if key.installation == "jwt":
                    await self.services.cache.get(key, auth.signer.sign_async, force=True)
                elif key.installation == "app":
                    await auth.app_token(force=True)
                else:
                    await auth.installation_token(key.installation, force=True)
        except CarbontuiError as exc:
            self.app.notify(str(exc), title="Refresh failed", severity="error")
            return
        self.notify("token renewed")
        self._sync_rows()

    def action_copy_token(self) -> None:
        """Copy the selected token to the clipboard."""
        row = self._selected()
        if row is not None:
            self.app.copy_to_clipboard(row[1].value)
            self.notify(f"{row[1].kind.label} copied")

    def action_reveal(self) -> None:
        """Show or hide the selected token's value."""
        row = self._selected()
        if row is not None:
            self.revealed ^= {row[0]}
            self.table.refresh()


def _order(row: TokenRow) -> tuple[int, str]:
    rank = list(TokenKind).index(row[1].kind)
    return rank, row[0].installation


def _subject(row: TokenRow) -> str:
    key, token = row
    if token.kind is TokenKind.REGISTRY_INSTALLATION:
        return f"installation {key.installation}"
    if token.kind in (TokenKind.REGISTRY_APP, TokenKind.REGISTRY_APP_JWT):
        return f"app {key.credential}"
    return key.credential


def _scope(row: TokenRow) -> Text | str:
    token = row[1]
    if token.permissions:
        return ", ".join(f"{k}:{v}" for k, v in sorted(token.permissions.items()))
    return " ".join(token.roles or token.scope) or "-"
