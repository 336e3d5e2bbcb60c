"""The Identity tokens table: held tokens only, expired ones not live, whole reveal, narrow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.auth.token import Token, TokenKind
from carbontui.clock import ManualClock
from carbontui.sandbox import SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.token_reveal import TokenRevealScreen
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView

MakeApp = Callable[..., CarbonApp]


async def identity(app: CarbonApp, pilot: Pilot[Any]) -> IdentityView:
    """Open the Identity tab and wait for its first load."""
    await loaded_keys(app, pilot)
    await pilot.press("2")
    view = app.query_one(IdentityView)
    await wait_until(pilot, lambda: view.last_success is not None and not view._polling())
    await wait_until(pilot, lambda: view.table.total_count >= 1)
    view.table.focus()
    return view


def held(app: CarbonApp, kind: TokenKind) -> Token | None:
    return next((t for _, t in app.services.cache.items() if t.kind is kind), None)


async def test_opening_identity_mints_no_registry_token(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await identity(app, pilot)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not view._polling())
        assert sandbox.state.registry_tokens == {}
        assert "Registry app token" not in screen_text(app)
        assert "1 live token" in view.status.summary
        await pilot.press("a")  # asked for: now it is minted and shown
        await wait_until(pilot, lambda: "Registry app token" in screen_text(app))
        assert len(sandbox.state.registry_tokens) == 1


async def test_expired_tokens_are_not_counted_live(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await identity(app, pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: view.table.total_count == 3)
        app_token = held(app, TokenKind.REGISTRY_APP)
        assert app_token is not None and app_token.expires_at is not None
        clock.set(app_token.expires_at + 1)

        def counted_right() -> bool:
            now = clock()
            tokens = [t for _, t in app.services.cache.items(app.services.profile.name)]
            expired = sum(1 for t in tokens if t.expires_at is not None and t.expires_at <= now)
            live = len(tokens) - expired
            noun = "token" if live == 1 else "tokens"
            return expired > 0 and f"{live} live {noun}, {expired} expired" in view.status.summary

        await wait_until(pilot, counted_right)
        await wait_until(pilot, lambda: "expired" in screen_text(app).split("EXPIRES IN")[1])


@pytest.mark.parametrize("size", [SIZE, (80, 24), (60, 15)], ids=["120x40", "80x24", "60x15"])
async def test_v_reveals_the_whole_token_on_purpose(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        view = await identity(app, pilot)
        row = view.table.current_row
        assert row is not None
        token = row[1]
        assert token.value[:12] not in screen_text(app)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, TokenRevealScreen))
        await pilot.pause()
        body = app.screen.query_one("#reveal-body", VerticalScroll)
        seen = shown_value(app, body)
        if body.max_scroll_y:  # too long for a small terminal: it scrolls, nothing is cut
            await pilot.press("end")
            await wait_until(pilot, lambda: body.scroll_y == body.max_scroll_y)
            await pilot.pause()
            seen += shown_value(app, body)
        assert token.value[:40] in seen and token.value[-40:] in seen
        await pilot.press("v")
        await wait_until(pilot, lambda: not isinstance(app.screen, TokenRevealScreen))
        assert token.value[:12] not in screen_text(app)


def shown_value(app: CarbonApp, body: VerticalScroll) -> str:
    """The token text drawn inside the reveal box, lines joined."""
    region = body.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "".join(line[region.x : region.right].strip() for line in lines)


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=["80x24", "60x15"])
async def test_narrow_identity_keeps_expiry_and_value(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        view = await identity(app, pilot)
        table = view.table
        await pilot.pause()
        assert table.region.height >= 3  # the header and rows under the identity panel
        lines = screen_text(app).splitlines()
        header = lines[table.region.y]
        assert "EXPIRES IN" in header and "VALUE" in header and "TOKEN" in header
        assert "Carbonext" in lines[table.region.y + 1]
        assert "1h 00m" in lines[table.region.y + 1]
        assert not table.show_horizontal_scrollbar


async def test_installation_tokens_are_for_the_organization(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        installations = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: installations.table.total_count > 0)
        await wait_until(pilot, lambda: not installations._polling())
        first = installations.table.rows[0]
        session = app.services.session
        assert session is not None
        await session.require_registry().installation_token(first.id)
        await pilot.press("2")
        await wait_until(pilot, lambda: first.organization.full_name in screen_text(app))
        assert first.id not in screen_text(app)


async def test_y_copies_the_token_subject_id(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await identity(app, pilot)
        await pilot.press("y")
        assert app.clipboard == "cbx_b2b_sandbox_hml"


async def test_a_failing_registry_spoils_only_the_app_token_request(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    sandbox.state.faults.add([Fault("status", route="registry", status=503)])
    app = make_app(profile="sandbox-prod")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        view = app.query_one(IdentityView)
        await wait_until(pilot, lambda: "tax id" in screen_text(app))
        await wait_until(pilot, lambda: view.last_success is not None)
        assert not view.status.problem  # the tab itself asked the Registry nothing
        view.table.focus()
        await pilot.press("a")
        await wait_until(pilot, lambda: len(app._notifications) > 0)
        messages = [n.message for n in app._notifications]
        assert any("POST /app/accessTokens (503)" in m for m in messages), messages
        assert "Carbonext access token" in screen_text(app)
