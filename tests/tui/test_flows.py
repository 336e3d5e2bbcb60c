"""Pilot tests: every dashboard flow, against a real loopback sandbox."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_testlib import SIZE, loaded_keys, open_create_form, screen_text, wait_until

from carbontui.auth.token import TokenKind
from carbontui.clock import ManualClock
from carbontui.sandbox import SandboxServer
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.help import HelpScreen
from carbontui.tui.screens.installation_detail import InstallationDetailScreen
from carbontui.tui.screens.key_create import CreateKeyScreen
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.widgets.context_header import ContextHeader

MakeApp = Callable[..., CarbonApp]


async def test_keys_load_and_filter(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        assert view.table.total_count == 25
        await pilot.press("slash", *"sandbox")
        assert view.table.row_count == 2
        assert "2 of 25 keys" in screen_text(app)
        await pilot.press("escape")
        assert view.table.row_count == 25
        assert view.table.filter_text == ""


async def test_key_detail_shows_permission_objects(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        assert view.table.current_row is not None
        first = view.table.current_row
        await pilot.press("enter")
        assert isinstance(app.screen, KeyDetailScreen)
        await wait_until(pilot, lambda: "default-roles-co2free" in screen_text(app))
        expected = next(a for a in sandbox.state.applications if a.id == first.id)
        text = screen_text(app)
        assert len(expected.permission_ids) > 0
        for permission_id in expected.permission_ids:
            assert permission_id in text
        assert "CONTAINER" in text and first.client_id in text
        await pilot.press("escape")
        assert not isinstance(app.screen, KeyDetailScreen)


async def test_create_key_shows_secret_once_and_saves_profile(
    make_app: MakeApp, sandbox: SandboxServer, config_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        await pilot.press(*"billing_sync")
        assert "cbx_b2b_billing_sync" in screen_text(app)
        # Submitting incomplete input explains every problem and sends nothing.
        await pilot.press("ctrl+s")
        assert "display name is required" in screen_text(app)
        before = len(sandbox.state.applications)
        form.query_one("#create-display-name").value = "Billing sync"
        form.query_one("#create-permissions").select_all()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        secret_screen = app.screen
        assert isinstance(secret_screen, SecretOnceScreen)
        created = secret_screen.created
        assert created.client_id == "cbx_b2b_billing_sync"
        assert len(sandbox.state.applications) == before + 1
        # Masked until revealed on purpose.
        assert created.client_secret not in screen_text(app)
        assert "will NOT be shown again" in screen_text(app)
        await pilot.press("v")
        assert created.client_secret in screen_text(app)
        await pilot.press("v")
        secret_screen.query_one("#secret-profile-name").value = "billing"
        await pilot.press("s")
        credentials = config_path.parent / "credentials.toml"
        assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
        assert created.client_secret in credentials.read_text()
        assert "billing" in app.services.config.profiles
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SecretOnceScreen))
        # The saved key is a working profile straight away.
        app.switch_profile("billing")
        await wait_until(pilot, lambda: app.query_one(ContextHeader).profile == "billing")
        await wait_until(
            pilot, lambda: "cbx_b2b_billing_sync" in app.query_one(ContextHeader).identity
        )
    entries = app.history.entries()
    assert [e.action for e in entries] == ["create-key", "save-key-profile"]
    assert all(created.client_secret not in str(e) for e in entries)


async def test_closing_unsaved_secret_asks_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        form.query_one("#create-client-id").value = "ask_first"
        form.query_one("#create-display-name").value = "Ask first"
        form.query_one("#create-permissions").select_all()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # "no": back to the secret
        assert isinstance(app.screen, SecretOnceScreen)
        await pilot.press("escape")
        await pilot.click("#confirm-yes")
        await wait_until(
            pilot, lambda: not isinstance(app.screen, (SecretOnceScreen, ConfirmScreen))
        )


async def test_mint_shows_countdown_then_revoke(
    make_app: MakeApp, clock: ManualClock, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        item = view.table.current_row
        assert item is not None
        key = app.services.session.registry.auth.key(item.id)
        await pilot.press("t")
        await wait_until(pilot, lambda: app.services.cache.peek(key) is not None)
        await wait_until(
            pilot, lambda: "● 1h 00m" in screen_text(app) or "● 59m" in screen_text(app)
        )
        clock.advance(3600 - 200)
        view.tick()
        await pilot.pause()
        assert "● 3m 20s" in screen_text(app)
        token = app.services.cache.peek(key)
        assert token is not None and token.kind is TokenKind.REGISTRY_INSTALLATION
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_until(pilot, lambda: app.services.cache.peek(key) is None)
        assert "no token" in screen_text(app).split(item.id)[1].splitlines()[0]
    actions = [(e.action, e.outcome) for e in app.history.entries()]
    assert actions == [("mint-installation-token", "ok"), ("revoke-installation-token", "ok")]


async def test_installation_detail_permission_map(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        await pilot.press("enter")
        assert isinstance(app.screen, InstallationDetailScreen)
        # Opening mints nothing: the installation's own copy of the organization shows.
        await wait_until(pilot, lambda: "l mints an installation token" in screen_text(app))
        text = screen_text(app)
        assert "RESOURCE" in text and "VIEW" in text and "REQUEST" in text and "WRITE" in text
        assert "●" in text
        assert app.history.entries() == []
        await pilot.press("l")
        await wait_until(pilot, lambda: "organization read live" in screen_text(app))
    assert [(e.action, e.outcome) for e in app.history.entries()] == [
        ("mint-installation-token", "ok (to read the organization live)")
    ]


async def test_installation_detail_read_only_mints_nothing(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        minted = len(sandbox.state.registry_tokens)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "l mints an installation token" in screen_text(app))
        await pilot.press("l")
        await pilot.pause()
        assert "organization read live" not in screen_text(app)
        assert len(sandbox.state.registry_tokens) == minted


async def test_identity_tab_lists_live_tokens_and_reveals_on_purpose(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: "Carbonext access token" in screen_text(app))
        assert "Registry app token" not in screen_text(app)  # none is minted just to show it
        await pilot.press("a")
        await wait_until(pilot, lambda: "Registry app token" in screen_text(app))
        text = screen_text(app)
        assert "Carbonext access token" in text and "sandbox_hml" in text
        token = app.services.cache.peek(app.services.session.carbonext.token_key)
        assert token is not None
        assert token.value[:40] not in text
        await pilot.press("v")
        await wait_until(pilot, lambda: token.value[:10] in screen_text(app))
        await pilot.press("v")  # hide the whole token again
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: app.services.cache.peek(app.services.session.carbonext.token_key) is not token,
        )


async def test_profile_switch_cancels_old_workers_and_reloads(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        old_view = await loaded_keys(app, pilot)
        old_session = app.services.session
        await pilot.press("4")
        await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.services.session is not old_session)
        header = app.query_one(ContextHeader)
        assert header.profile == "sandbox-prod"
        assert header.has_class("-prod")
        assert not old_view.is_attached
        assert all(w.node is not old_view for w in app.workers)
        # The Profiles tab stays in front; the new Keys tab is composed (and polls) only once
        # it is shown.
        assert app.query_one("#tabs").active == "profiles"
        assert not app.query(KeysView)
        await pilot.press("1")
        new_view = await loaded_keys(app, pilot)
        assert new_view is not old_view
        await wait_until(
            pilot, lambda: "Mata Atlântica" in header.identity or "Ltda" in header.identity
        )


async def test_error_keeps_rows_marked_stale_and_recovers(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_keys(app, pilot)
        port = sandbox.port
        sandbox.stop()
        view.poll()
        await wait_until(pilot, lambda: view.status.problem != "")
        assert view.table.total_count == 25
        assert view.table.stale
        assert "STALE" in screen_text(app)
        problems = [n for n in app._notifications if "update failed" in (n.title or "")]
        assert len(problems) == 1
        view.poll()  # the same problem again: no second notification
        await wait_until(pilot, lambda: view.failures >= 2)
        assert len([n for n in app._notifications if "update failed" in (n.title or "")]) == 1
        restarted = SandboxServer(app=sandbox.app, port=port).start()
        try:
            view.poll()
            await wait_until(pilot, lambda: view.status.problem == "")
            assert not view.table.stale
        finally:
            restarted.stop()


async def test_read_only_profile_blocks_create(make_app: MakeApp) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        assert app.query_one(ContextHeader).read_only
        await pilot.press("n")
        await wait_until(pilot, lambda: any("read-only" in n.message for n in app._notifications))
        assert not isinstance(app.screen, CreateKeyScreen)


async def test_prod_profile_requires_typing_its_name(make_app: MakeApp) -> None:
    app = make_app(profile="sandbox-prod")
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.query_one("#confirm-yes").disabled
        await pilot.press(*"sandbox-pro")
        assert confirm.query_one("#confirm-yes").disabled
        await pilot.press("d", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))


async def test_help_lists_bindings(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for expected in ("New key", "Mint token", "Revoke token", "Refresh token", "Filter"):
            assert expected in text


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
async def test_number_keys_switch_tabs(make_app: MakeApp, key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press(key)
        tabs = app.query_one("#tabs")
        assert tabs.active == ["keys", "identity", "installations", "profiles"][int(key) - 1]


async def test_theme_is_remembered_for_every_profile(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        app.theme = "nord"
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await loaded_keys(again, pilot)
        assert again.theme == "nord"
    other = make_app(profile="sandbox-prod")
    async with other.run_test(size=SIZE) as pilot:
        await loaded_keys(other, pilot)
        assert other.theme == "nord"
