"""Polling honesty: Retry-After between polls, progress while loading, counting under a dialog,
lasting problems that stop retries and say what to do, and reloading the config in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.clock import ManualClock
from carbontui.sandbox import SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.help import HelpScreen
from carbontui.tui.views.keys import KeysView
from carbontui.tui.widgets.problem_panel import ProblemPanel

MakeApp = Callable[..., CarbonApp]
KEYS_ROUTE = "GET /v1/customers/applications"


def requests(sandbox: SandboxServer, route: str) -> int:
    counts: dict[str, int] = httpx.get(f"{sandbox.url}/_sandbox/stats").json()["requests"]
    return counts.get(route, 0)


def panel_text(view: KeysView) -> str:
    panels = view.query(ProblemPanel)
    return str(panels.first().render()) if panels else ""


async def keys_failed(app: CarbonApp, pilot: Pilot[Any]) -> KeysView:
    view = app.query_one(KeysView)
    await wait_until(pilot, lambda: view.failures >= 1 and not view._polling())
    return view


def edit_config(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


async def test_a_429_retry_after_holds_the_next_poll(
    make_app: MakeApp, clock: ManualClock, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        sandbox.state.faults.add([Fault("ratelimit", route=KEYS_ROUTE, retry_after=20)])
        before = requests(sandbox, KEYS_ROUTE)
        view.poll()
        await wait_until(pilot, lambda: view.failures == 1 and not view._polling())
        assert requests(sandbox, KEYS_ROUTE) == before + 1
        assert view.status.progress == "retrying in 20s (attempt 2)"
        for step, left in [(5, 15), (10, 5)]:  # backoff alone would poll at 5 s and 10 s
            clock.advance(step)
            view.tick()
            await pilot.pause()
            assert not view._polling()
            assert view.status.progress == f"retrying in {left}s (attempt 2)"
            assert f"retrying in {left}s (attempt 2)" in screen_text(app)
        assert requests(sandbox, KEYS_ROUTE) == before + 1
        clock.advance(5)
        view.tick()
        await wait_until(pilot, lambda: view.failures == 2 and not view._polling())
        assert requests(sandbox, KEYS_ROUTE) == before + 2


async def test_reload_says_loading_while_the_request_is_in_flight(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        sandbox.state.faults.add([Fault("latency", route=KEYS_ROUTE, ms=800, count=1)])
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "loading…" in screen_text(app))
        assert view._polling()
        await wait_until(pilot, lambda: not view._polling())
        await pilot.pause()
        assert view.status.progress == "" and "loading…" not in screen_text(app)


async def test_updated_ago_keeps_counting_under_a_dialog(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        await wait_until(pilot, lambda: not view._polling())
        await app.push_screen(HelpScreen([]))
        for seconds in (5, 10):
            clock.advance(5)
            view.tick()
            assert view.status.freshness == f"updated {seconds}s ago"
        assert not view._polling()  # a dialog still pauses the polls


async def test_missing_secret_stops_retrying_and_reload_picks_up_the_fix(
    make_app: MakeApp, clock: ManualClock, config_path: Path
) -> None:
    secret_line = next(
        line for line in config_path.read_text().splitlines() if line.startswith("client_secret")
    )
    env_line = 'client_secret = { env = "CARBONTUI_TEST_UNSET_SECRET" }'
    edit_config(config_path, secret_line, env_line)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await keys_failed(app, pilot)
        await wait_until(pilot, lambda: "Keys cannot load" in screen_text(app))
        assert "STOPPED" in screen_text(app)
        assert "CARBONTUI_TEST_UNSET_SECRET is not set" in panel_text(view)
        assert "Set CARBONTUI_TEST_UNSET_SECRET" in panel_text(view)
        assert "ctrl+r" in panel_text(view)
        clock.advance(3600)  # no backoff retries: it cannot get better by itself
        view.tick()
        await pilot.pause()
        assert view.failures == 1 and not view._polling()

        session = app.services.session
        edit_config(config_path, env_line, "client_secret = [")  # a reload that fails
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: any("not reloaded" in n.title for n in app._notifications))
        assert app.services.session is session  # the old settings stay in use

        edit_config(config_path, "client_secret = [", secret_line)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: view.table.total_count == 25 and view.failures == 0)
        assert app.services.session is not session
        assert not view.query(ProblemPanel) and view.status.problem == ""


async def test_missing_permission_explains_and_stops(
    make_app: MakeApp, clock: ManualClock, config_path: Path, sandbox: SandboxServer
) -> None:
    key = sandbox.state.add_application("cbx_b2b_no_read", "No permissions", ())
    text = config_path.read_text()
    hml = text.split("[profiles.sandbox-prod]")[0]
    secret = next(line for line in hml.splitlines() if line.startswith("client_secret"))
    edit_config(config_path, 'client_id = "cbx_b2b_sandbox_hml"', f'client_id = "{key.client_id}"')
    edit_config(config_path, secret, f'client_secret = "{key.client_secret}"')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await keys_failed(app, pilot)
        await wait_until(pilot, lambda: "Keys cannot load" in screen_text(app))
        assert "Missing permission: customer_applications_read" in panel_text(view)
        assert "lacks a permission" in panel_text(view)
        assert view.table.total_count == 0
        before = requests(sandbox, KEYS_ROUTE)
        clock.advance(3600)
        view.tick()
        await pilot.pause()
        assert requests(sandbox, KEYS_ROUTE) == before and view.failures == 1


async def test_refused_credentials_explain_and_stop(
    make_app: MakeApp, clock: ManualClock, config_path: Path
) -> None:
    secret = next(
        line for line in config_path.read_text().splitlines() if line.startswith("client_secret")
    )
    edit_config(config_path, secret, 'client_secret = "not-the-secret"')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await keys_failed(app, pilot)
        await wait_until(pilot, lambda: "Keys cannot load" in screen_text(app))
        assert "invalid_client" in panel_text(view)
        assert "check client_id and client_secret" in panel_text(view)
        clock.advance(3600)
        view.tick()
        await pilot.pause()
        assert view.failures == 1 and not view._polling()


async def test_a_restarted_server_is_named_then_picked_up_by_reload(
    make_app: MakeApp, config_path: Path, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        old_url = sandbox.url
        sandbox.stop()
        view.poll()
        await wait_until(pilot, lambda: view.status.problem != "" and not view._polling())
        address = old_url.removeprefix("http://")
        assert f"cannot connect to {address}: is the server running?" in view.status.problem
        assert view.table.stale and view.table.total_count == 25  # transient: rows kept
        assert view.status.progress.startswith("retrying in 5s (attempt 2)")
        moved = SandboxServer(app=sandbox.app).start()  # the same data on another port
        try:
            edit_config(config_path, old_url, moved.url)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: view.status.problem == "" and not view.table.stale)
            assert app.services.profile.carbonext is not None
            assert app.services.profile.carbonext.api_url == moved.url
        finally:
            moved.stop()


def run_command(app: CarbonApp, title: str) -> None:
    command = next(c for c in app.get_system_commands(app.screen) if c.title == title)
    command.callback()


async def test_palette_reload_config_reopens_a_profile_that_did_not_open(
    make_app: MakeApp, config_path: Path
) -> None:
    text = config_path.read_text()
    key = config_path.parent / "registry-app.pem"
    pem = key.read_bytes()
    key.unlink()  # with the secret below, neither service of sandbox-hml can be built
    secret = next(line for line in text.splitlines() if line.startswith("client_secret"))
    config_path.write_text(text.replace(secret, 'client_secret = { env = "CARBONTUI_NO_SUCH" }'))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "Cannot open profile" in screen_text(app))
        assert not app.query(KeysView)
        config_path.write_text(text)
        key.write_bytes(pem)
        key.chmod(0o600)
        run_command(app, "Reload config")
        await wait_until(pilot, lambda: bool(app.query(KeysView)))
        await loaded_keys(app, pilot)
        assert app.services.session is not None


async def test_palette_reload_config_applies_an_edited_profile(
    make_app: MakeApp, config_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        session = app.services.session
        edit_config(config_path, "poll_interval = 30", "poll_interval = 45")
        run_command(app, "Reload config")
        await wait_until(pilot, lambda: app.services.session is not session)
        assert app.services.profile.poll_interval == 45
        await wait_until(
            pilot, lambda: any(n.title == "Config reloaded" for n in app._notifications)
        )
