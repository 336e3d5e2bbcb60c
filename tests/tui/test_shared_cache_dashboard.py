"""The dashboard and the shared token cache: tokens other carbontui processes hold are live.

"Another process" is a second session with its own TokenCache and SharedTokenStore: it shares
nothing with the dashboard but the cache directory, as a separate process would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui_testlib import SIZE, loaded_installations, screen_text, wait_until

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.auth.shared_store import SharedTokenStore
from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.sandbox import SandboxServer
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.confirm import ConfirmScreen

MakeApp = Callable[..., CarbonApp]


def other_process(config_path: Path, clock: ManualClock) -> ProfileSession:
    profile = load_config(config_path).profile("sandbox-hml")
    cache = TokenCache(clock=clock, store=SharedTokenStore())
    return ProfileSession(profile, cache=cache, clock=clock)


def installation_ids(sandbox: SandboxServer) -> list[str]:
    (app,) = sandbox.state.registry_apps.values()
    return [inst.id for inst in app.installations.page(0, 3)]


def row_of(app: CarbonApp, installation_id: str) -> str:
    """The installations table's line for one installation."""
    text = screen_text(app)
    return text.split(installation_id, 1)[1].splitlines()[0] if installation_id in text else ""


def is_live(row: str) -> bool:
    return "● 1h 00m" in row or "● 59m" in row


async def test_a_token_minted_by_another_process_is_live_and_revocable(
    make_app: MakeApp, config_path: Path, clock: ManualClock, sandbox: SandboxServer
) -> None:
    first, _, _ = installation_ids(sandbox)
    async with other_process(config_path, clock) as session:
        minted = await session.require_registry().installation_token(first)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_installations(app, pilot)
        assert view.table.current_row is not None and view.table.current_row.id == first
        await wait_until(pilot, lambda: is_live(row_of(app, first)))
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_until(pilot, lambda: "no token" in row_of(app, first))
    assert sandbox.state.registry_tokens[minted.value].is_active is False
    # Dropped for every process (the Carbonext and app tokens stay shared).
    assert first not in [s.key.installation for s in SharedTokenStore().scan()]
    assert [(e.action, e.outcome) for e in app.history.entries()] == [
        ("revoke-installation-token", "ok")
    ]


async def test_the_dashboard_notices_tokens_other_processes_mint_and_drop(
    make_app: MakeApp, config_path: Path, clock: ManualClock, sandbox: SandboxServer
) -> None:
    _, second, third = installation_ids(sandbox)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_installations(app, pilot)
        await wait_until(pilot, lambda: "no token" in row_of(app, second))
        async with other_process(config_path, clock) as session:
            await session.require_registry().installation_token(second)
            await session.require_registry().installation_token(third)
        # No key pressed: the periodic sync brings them in.
        await wait_until(
            pilot, lambda: is_live(row_of(app, second)) and is_live(row_of(app, third))
        )
        await pilot.press("2")
        await wait_until(pilot, lambda: "Registry installation" in screen_text(app))
        await pilot.press("3")
        assert SharedTokenStore().clear("sandbox-hml") >= 2  # `carbontui cache clear`
        await wait_until(pilot, lambda: "no token" in row_of(app, second))
        assert "no token" in row_of(app, third)
    assert app.history.entries() == []  # reads only: nothing was minted by the dashboard


async def test_the_demo_and_memory_profiles_write_no_cache_file(
    make_app: MakeApp, config_path: Path, sandbox: SandboxServer
) -> None:
    first, _, _ = installation_ids(sandbox)
    app = make_app(shared_cache=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded_installations(app, pilot)
        await pilot.press("t")
        await wait_until(pilot, lambda: is_live(row_of(app, first)))
    assert list(SharedTokenStore().scan()) == []
    assert app.services.token_store is None
    assert CarbonApp(load_config(config_path), demo=True).services.token_store is None
