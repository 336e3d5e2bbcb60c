"""The permission matrix and profile comparison screens, against loopback sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.compare_profiles import CompareProfilesScreen, summary
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.screens.permission_matrix import PermissionMatrixScreen
from carbontui.usecases.audit import MatrixRow

MakeApp = Callable[..., CarbonApp]


async def open_matrix(app: CarbonApp, pilot: Pilot[Any]) -> PermissionMatrixScreen:
    """From a loaded dashboard: push the matrix and wait until it is built."""
    await loaded_keys(app, pilot)
    screen = PermissionMatrixScreen(app.services)
    app.push_screen(screen)
    await wait_until(pilot, lambda: screen.matrix is not None and app.focused is screen.table)
    return screen


def holders_of(sandbox: SandboxServer, permission: str) -> set[str]:
    return {
        a.client_id
        for a in sandbox.state.applications
        if permission in sandbox.state.permission_names(a)
    }


def shown(screen: PermissionMatrixScreen) -> list[MatrixRow]:
    table = screen.table
    return [row for i in range(table.row_count) if (row := table.row_at(i)) is not None]


async def test_matrix_lists_every_key_with_its_permissions(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        rows = {row.key.client_id: row.granted for row in shown(screen)}
        assert len(rows) == len(sandbox.state.applications) == 25
        for application in sandbox.state.applications:
            assert rows[application.client_id] == set(sandbox.state.permission_names(application))
        text = screen_text(app)
        assert "ord/W" in text and "25 keys · 10 permissions" in text
        # A write permission is marked "W" (not only by colour); a read one "●".
        names = [c.label for c in screen.table.columns]
        admin = next(r for r in shown(screen) if len(r.granted) == 10)
        write = screen.table.columns[names.index("ord/W")].get(admin)
        read = screen.table.columns[names.index("ord/R")].get(admin)
        assert (str(write), str(read)) == ("W", "●")


async def test_filter_narrows_and_esc_clears_it_before_leaving(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        await pilot.press("slash", *"data lake")
        await wait_until(pilot, lambda: screen.table.filter_text == "data lake")
        names = {row.key.display_name for row in shown(screen)}
        assert names and all("Data lake" in (name or "") for name in names)
        assert screen.table.row_count < screen.table.total_count
        assert f"{screen.table.row_count} of 25 keys match 'data lake'" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.table.row_count == 25)
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)


async def test_sort_by_count_puts_the_admin_keys_first(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.table.sort_state == ("PERMS", True))
        admins = {sandbox.state.admin_application(env).client_id for env in ("hml", "prod")}
        counts = [len(row.granted) for row in shown(screen)]
        assert {row.key.client_id for row in shown(screen)[:2]} == admins
        assert counts == sorted(counts, reverse=True) and counts[0] == 10


async def test_selecting_a_permission_reports_and_lists_its_holders(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        assert screen.matrix is not None
        steps = screen.matrix.columns.index("orders_write") + 1
        for _ in range(steps):
            await pilot.press("p")
        await wait_until(pilot, lambda: screen.selected == "orders_write")
        expected = holders_of(sandbox, "orders_write")
        assert f"orders_write: {len(expected)} keys  (writes/administers)" in screen_text(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: screen.table.total_count == len(expected))
        assert {row.key.client_id for row in shown(screen)} == expected
        await pilot.press("P")
        await wait_until(pilot, lambda: screen.selected == "orders_read")
        assert {row.key.client_id for row in shown(screen)} == holders_of(sandbox, "orders_read")
        await pilot.press("o")
        await wait_until(pilot, lambda: screen.table.total_count == 25)


async def test_enter_opens_the_key_detail(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        row = screen.table.current_row
        assert row is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyDetailScreen))
        detail = app.screen
        assert isinstance(detail, KeyDetailScreen) and detail.summary == row.key
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)


async def test_a_bad_answer_is_shown_on_the_screen(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        sandbox.state.faults.add(
            [Fault("shape", route="GET /v1/customers/applications/{id}", body=["\x1b[31mx"])]
        )
        screen = PermissionMatrixScreen(app.services)
        app.push_screen(screen)
        await wait_until(pilot, lambda: "could not read the permissions" in screen_text(app))
        assert screen.matrix is None and app.screen is screen
        assert "\x1b" not in screen_text(app)


def permission_ids(server: SandboxServer, *names: str) -> tuple[str, ...]:
    by_name = {p.name: p.id for p in server.state.catalog}
    return tuple(by_name[name] for name in names)


def carbonext_profile(name: str, server: SandboxServer) -> str:
    """A config block: profile ``name`` on ``server``, signed in with its hml admin key."""
    admin = server.state.admin_application("hml")
    return (
        f'\n[profiles.{name}]\nenvironment = "{name}"\n[profiles.{name}.carbonext]\n'
        f'api_url = "{server.url}"\n'
        f'token_url = "{server.url}/auth/realms/co2free/protocol/openid-connect/token"\n'
        f'client_id = "{admin.client_id}"\nclient_secret = "{admin.client_secret}"\n'
        'scope = "roles"\n'
    )


async def test_compare_lists_the_key_that_differs(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    with SandboxServer(SandboxOptions(seed=1, now=clock)) as prod:
        sandbox.state.add_application(
            "cbx_b2b_billing", "Billing", permission_ids(sandbox, "orders_read")
        )
        prod.state.add_application(
            "cbx_b2b_billing", "Billing", permission_ids(prod, "orders_read", "orders_write")
        )
        sandbox.state.add_application("cbx_b2b_legacy", "Legacy", ())
        config = tmp_path / "two.toml"
        config.write_text(carbonext_profile("hml", sandbox) + carbonext_profile("prod", prod))
        config.chmod(0o600)
        app = CarbonApp(
            load_config(config),
            profile="hml",
            clock=clock,
            history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
        )
        async with app.run_test(size=SIZE) as pilot:
            await loaded_keys(app, pilot)
            screen = CompareProfilesScreen(app.services, "hml", "prod")
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.result is not None)
            assert screen.result is not None
            table = screen.table
            lines = {
                row.key: row for i in range(table.row_count) if (row := table.row_at(i)) is not None
            }
            billing = lines["cbx_b2b_billing"]
            assert (billing.mark, billing.only_left, billing.only_right) == (
                "~",
                (),
                ("orders_write",),
            )
            assert lines["cbx_b2b_legacy"].mark == "<"
            admin = sandbox.state.admin_application("hml").client_id
            assert admin not in lines  # the same permissions on both sides: not listed
            text = screen_text(app)
            assert summary(screen.result) in text and text.count("hml ↔ prod") >= 1
            assert "orders_write (W)" in text
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is not screen)


async def test_compare_with_an_unknown_profile_says_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        screen = CompareProfilesScreen(app.services, "sandbox-hml", "nope")
        app.push_screen(screen)
        await wait_until(pilot, lambda: "could not compare" in screen_text(app))
        assert "nope" in screen_text(app) and screen.result is None


async def test_progress_while_reading_and_server_text_stays_inert(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    sandbox.state.add_application("cbx_b2b_hostile", "[bold red]x[/] \x1b[2J\x1b]52;c;eA==\x07", ())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        sandbox.state.latency_ms = 150
        screen = PermissionMatrixScreen(app.services)
        app.push_screen(screen)
        await wait_until(pilot, lambda: "reading permissions: " in screen_text(app))
        assert " / 26 keys" in screen_text(app)
        await wait_until(pilot, lambda: screen.matrix is not None)
        sandbox.state.latency_ms = 0
        await pilot.press("slash", *"hostile")
        await wait_until(pilot, lambda: screen.table.row_count == 1)
        text = screen_text(app)
        assert "[bold red]x[/]" in text and "\x1b" not in text and "\x07" not in text


async def test_a_narrow_terminal_scrolls_to_the_selected_permission(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_matrix(app, pilot)
        assert screen.matrix is not None and "use/W" not in screen_text(app)
        last = screen.matrix.columns[-1]
        await pilot.press("P")  # from none selected: the last permission
        await wait_until(pilot, lambda: screen.selected == last)
        await wait_until(pilot, lambda: "use/W" in screen_text(app))
