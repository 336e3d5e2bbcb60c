"""The dashboard left alone: countdown precision, what a tick repaints, hidden views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tui_testlib import SIZE, wait_until

from carbontui.auth.token import TokenKind
from carbontui.clock import ManualClock
from carbontui.tui.app import CarbonApp
from carbontui.tui.formatting import clock_time, countdown, expiry_detail, remaining
from carbontui.tui.screens.help import HelpScreen
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.keys import KeysView

MakeApp = Callable[..., CarbonApp]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (59.9, "59s"),
        (60, "1m 00s"),
        (599.9, "9m 59s"),
        (600, "10m"),
        (2839, "47m"),
        (3599.9, "59m"),
        (3600, "1h 00m"),
        (3661, "1h 01m"),
        (90000, "25h 00m"),
    ],
)
def test_remaining_shows_seconds_only_in_the_last_ten_minutes(seconds: float, shown: str) -> None:
    assert remaining(seconds) == shown


@pytest.mark.parametrize(
    ("left", "style"),
    [(3000, "green"), (300, "green"), (299, "yellow"), (60, "yellow"), (59, "red")],
)
def test_countdown_colours_keep_their_thresholds(left: float, style: str) -> None:
    assert countdown(1000 + left, 1000).style == style
    assert countdown(1000, 1000).plain == "expired"
    assert countdown(None, 1000).plain == "no expiry"


def test_expiry_detail_has_the_exact_time() -> None:
    assert expiry_detail(10_000 + 2832, 10_000) == f"expires {clock_time(12_832)} (in 47m 12s)"
    assert expiry_detail(10_000, 10_075) == f"expired {clock_time(10_000)} (1m 15s ago)"
    assert expiry_detail(None, 0) == "no expiry"


async def identity_tab(app: CarbonApp, pilot: Any) -> IdentityView:
    keys = app.query_one(KeysView)
    await wait_until(pilot, lambda: keys.table.total_count > 0)
    await pilot.press("2")
    view = app.query_one(IdentityView)
    await wait_until(pilot, lambda: bool(view.last_success))
    await pilot.press("a")  # the app token is fetched when asked for, not to fill the tab
    await wait_until(pilot, lambda: view.table.total_count >= 3)
    await wait_until(pilot, lambda: not view._polling())
    return view


def row_line(view: IdentityView, kind: TokenKind) -> int:
    """The screen line (1 = first row under the header) of the token of this kind."""
    table = view.table
    return next(i for i in range(table.row_count) if table.row_at(i)[1].kind is kind) + 1  # type: ignore[index]


async def test_a_tick_repaints_only_countdowns_whose_text_changed(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await identity_tab(app, pilot)
        table = view.table
        access = row_line(view, TokenKind.CARBONEXT)
        jwt = row_line(view, TokenKind.REGISTRY_APP_JWT)
        clock.advance(1)  # the hour-long tokens go from "1h 00m" to "59m"
        view.tick()
        await pilot.pause()

        painted: list[int] = []
        original = table.render_line

        def spy(y: int) -> Any:
            painted.append(y)
            return original(y)

        table.render_line = spy  # type: ignore[method-assign]
        clock.advance(1)
        view.tick()
        await pilot.pause()
        # Only the app JWT (under 10 minutes: seconds shown) changed; "59m" did not.
        assert painted == [jwt]
        assert str(table._lines[access][0][3]) == "59m"

        painted.clear()
        clock.advance(59)  # 3539 s left: "59m" becomes "58m"
        view.tick()
        await wait_until(pilot, lambda: not view._polling())
        await pilot.pause()
        assert access in painted and jwt in painted
        assert str(table._lines[access][0][3]) == "58m"


async def test_enter_on_a_token_tells_its_exact_expiry(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await identity_tab(app, pilot)
        table = view.table
        table.cursor = row_line(view, TokenKind.REGISTRY_APP_JWT) - 1
        row = table.current_row
        assert row is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app._notifications) > 0)
        messages = [n.message for n in app._notifications]
        assert any(expiry_detail(row[1].expires_at, clock()) in m for m in messages)
        assert any("in 9m 00s" in m for m in messages)


async def test_hidden_or_covered_views_do_not_tick(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: keys.table.total_count > 0 and keys.last_success)
        await pilot.press("2")  # the Identity tab is composed on its first visit
        await wait_until(pilot, lambda: bool(app.query(IdentityView)))
        identity = app.query_one(IdentityView)
        await pilot.press("1")
        await wait_until(pilot, lambda: app.query_one("#tabs").active == "keys")
        ticked: list[str] = []
        identity.on_tick = lambda now: ticked.append("identity")  # type: ignore[method-assign]
        keys.on_tick = lambda now: ticked.append("keys")  # type: ignore[method-assign]

        clock.advance(5)
        identity.tick()  # its tab is not selected
        keys.tick()
        assert ticked == ["keys"]
        assert keys.status.freshness == "updated 5s ago"

        await app.push_screen(HelpScreen([]))
        ticked.clear()
        clock.advance(5)
        keys.tick()  # a modal covers it: no poll, no countdown redraw, but the age counts on
        assert ticked == []
        assert keys.status.freshness == "updated 10s ago"


async def test_an_unchanged_identity_is_not_redrawn_on_every_poll(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await identity_tab(app, pilot)
        panel = view.query_one("#identity-panel")
        updates: list[object] = []
        panel.update = updates.append  # type: ignore[attr-defined]
        await view.poll().wait()
        assert view.failures == 0
        assert updates == []
