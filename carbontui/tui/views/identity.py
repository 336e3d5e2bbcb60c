"""Identity & tokens: who this profile is, and every token it holds, with a countdown.

Only shows what is held: a Registry app token is minted when the user asks (``a``, ``r``).
"""

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
from carbontui.tui.pictures import lifetime_bar
from carbontui.tui.problems import classify
from carbontui.tui.services import Services
from carbontui.tui.views.polling import PollingView
from carbontui.tui.widgets.context_header import ContextHeader
from carbontui.tui.widgets.health_line import HealthLine
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable

TokenRow = tuple[TokenKey, Token]


class IdentityView(PollingView):
    """The Identity & tokens tab."""

    title = "Identity"
    DEFAULT_CSS = """
    IdentityView #identity-panel {
        border: round $primary 50%;
        max-height: 40%;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_token", "Refresh token", id="identity.refresh"),
        Binding("c", "copy_token", "Copy token", id="identity.copy"),
        Binding("v", "reveal", "Reveal", id="identity.reveal"),
        Binding("a", "app_token", "Get app token", id="identity.app_token"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self._cache_version = -1
        self._table: VirtualTable[TokenRow] | None = None
        self._panel_text: object = None

    def compose(self) -> ComposeResult:
        yield Static("loading identity…", id="identity-panel", classes="panel")
        yield HealthLine(id="health-line")
        yield VirtualTable(
            [
                Column("TOKEN", lambda r: r[1].kind.label, min_width=12),
                Column("FOR", self._subject, min_width=10, max_width=40, priority=1),
                Column("SCOPE / PERMISSIONS", _scope, min_width=24, priority=2),
                Column(
                    "EXPIRES IN",
                    lambda r: countdown(r[1].expires_at, self.services.clock()),
                    width=10,
                    min_width=10,
                    live=True,
                    sort_key=_expiry,
                ),
                Column(
                    "LIFETIME LEFT",
                    lambda r: lifetime_bar(r[1].issued_at, r[1].expires_at, self.services.clock()),
                    width=13,
                    min_width=13,
                    live=True,
                    priority=2,
                    sort_key=_expiry,
                ),
                Column(
                    "REFRESH",
                    lambda r: "refresh token" if r[1].can_refresh else "new grant",
                    width=13,
                    min_width=13,
                    priority=3,
                ),
                Column("VALUE", self._value, width=12, min_width=12),
            ],
            key=lambda r: "/".join(r[0]),
            search_text=lambda r: r[1].kind.label,
            id_of=_token_id,
            noun="tokens",
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
        return row[1].masked()

    def _subject(self, row: TokenRow) -> str:
        """Who a token is for: the organization's name for an installation when it is known."""
        key, token = row
        if token.kind is TokenKind.REGISTRY_INSTALLATION:
            name = self._organization(key.installation)
            return name or f"installation {key.installation[:8]}…"
        return _subject(row)

    def _organization(self, installation_id: str) -> str | None:
        from carbontui.tui.views.installations import InstallationsView

        view = next(iter(self.screen.query(InstallationsView)), None)
        return view.organization_name(installation_id) if view is not None else None

    async def load(self) -> None:
        """Both services side by side: one failing never hides what the other answered."""
        session = self.services.session
        assert session is not None
        carbonext = self._carbonext_part() if session.carbonext is not None else None
        # The Registry side shows the tokens held: minting one is the user's call (a / r).
        outcomes = await asyncio.gather(*filter(None, [carbonext]), return_exceptions=True)
        if carbonext is None:
            error = session.errors.get("carbonext")
            self._show_panel(
                Text.assemble("Carbonext unavailable: ", literal(error))
                if error
                else Text("this profile has no Carbonext section")
            )
        self._sync_rows()
        problems = [
            f"Carbonext: {outcome}" for outcome in outcomes if isinstance(outcome, BaseException)
        ]
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, CarbontuiError):
                raise outcome  # a bug, not a service problem: let it surface
        if "registry" in session.errors:
            problems.append(f"CarbonRegistry: {session.errors['registry']}")
        if problems:
            # Judged by its cause (a lasting one first): polling stops on a refused secret,
            # honours Retry-After, and keeps retrying what may pass.
            errors = [o for o in outcomes if isinstance(o, BaseException)]
            cause = next((e for e in errors if classify(e).lasting), errors[0] if errors else None)
            raise CarbontuiError("; ".join(problems)) from cause

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

    def on_mount(self) -> None:
        # PollingView's own on_mount runs too (Textual calls each class's handler).
        session = self.services.session
        self.query_one(HealthLine).follow(session.health if session is not None else None)

    def on_tick(self, now: float) -> None:
        if self.services.cache.version != self._cache_version:
            self._sync_rows()
        else:
            self.table.refresh_cells()
            self._summarise()

    def _sync_rows(self) -> None:
        self._cache_version = self.services.cache.version
        rows = sorted(self.services.cache.items(self.services.profile.name), key=_order)
        self.table.set_rows(rows)
        self._summarise()

    def _summarise(self) -> None:
        """``row 1 of 3 tokens · 2 live, 1 expired``: expired tokens are not live."""
        table = self.table
        now = self.services.clock()
        rows = table.rows
        expired = sum(1 for _, t in rows if t.expires_at is not None and t.expires_at <= now)
        live = f"{len(rows) - expired} live token{'' if len(rows) - expired == 1 else 's'}"
        counts = f"{live}, {expired} expired" if expired else live
        position = table.position_text
        self.status.summary = f"{position} · {counts}" if position else counts

    @on(VirtualTable.RowHighlighted, "#tokens-table")
    def _moved(self) -> None:
        self._summarise()

    @on(VirtualTable.RowSelected, "#tokens-table")
    def _details(self, event: VirtualTable.RowSelected) -> None:
        """Enter on a token: its exact expiry (the table shows minutes until the last 10)."""
        key, token = cast(tuple[TokenKey, Token], event.row)
        expiry = expiry_detail(token.expires_at, self.services.clock())
        self.notify(
            f"{self._subject((key, token))}\n{expiry}",
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
        """Show the selected token's whole value (wrapped, on top) until ``v`` hides it."""
        from carbontui.tui.screens.token_reveal import TokenRevealScreen

        row = self._selected()
        if row is not None:
            title = Text.assemble(row[1].kind.label, " for ", literal(self._subject(row)))
            self.app.push_screen(TokenRevealScreen(title, row[1].value))

    def action_app_token(self) -> None:
        """Get a Registry app token now (the tab never mints one by itself)."""
        session = self.services.session
        if session is None or session.registry is None:
            self.app.notify("this profile has no CarbonRegistry section", severity="warning")
            return
        self._get_app_token()

    @work(group="renew")
    async def _get_app_token(self) -> None:
        session = self.services.session
        assert session is not None and session.registry is not None
        try:
            await session.registry.app_token()
        except CarbontuiError as exc:
            self.app.notify(str(exc), title="CarbonRegistry app token", severity="error")
            return
        self._sync_rows()


def _order(row: TokenRow) -> tuple[int, str]:
    rank = list(TokenKind).index(row[1].kind)
    return rank, row[0].installation


def _expiry(row: TokenRow) -> float:
    expires_at = row[1].expires_at
    return float("inf") if expires_at is None else expires_at


def _token_id(row: TokenRow) -> str:
    """What ``y`` copies: the installation id, the app id or the Carbonext client id."""
    key, token = row
    return key.installation if token.kind is TokenKind.REGISTRY_INSTALLATION else key.credential


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
