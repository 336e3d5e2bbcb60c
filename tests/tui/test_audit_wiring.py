"""The audit screens reached from the dashboard: ``:matrix``, ``:compare A B``, ``m`` on Keys."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input
from tui_testlib import SIZE, loaded_installations, loaded_keys, screen_text, wait_until

from carbontui.clock import ManualClock
from carbontui.sandbox import SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.command_prompt import CommandPrompt
from carbontui.tui.screens.compare_profiles import CompareProfilesScreen
from carbontui.tui.screens.permission_matrix import PermissionMatrixScreen
from carbontui.tui.views.identity import IdentityView

MakeApp = Callable[..., CarbonApp]


async def command(app: CarbonApp, pilot: object, line: str) -> None:
    await pilot.press("colon")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPrompt))  # type: ignore[arg-type]
    app.screen.query_one(Input).value = line
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_colon_matrix_and_m_open_the_permission_matrix(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await command(app, pilot, "matrix")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionMatrixScreen))
        await wait_until(
            pilot, lambda: "cbx_b2b_app_test" in screen_text(app) or "app_test" in screen_text(app)
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PermissionMatrixScreen))
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, PermissionMatrixScreen))


async def test_colon_compare_opens_the_comparison(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await command(app, pilot, "compare sandbox-hml sandbox-prod")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareProfilesScreen))
        # Both profiles talk to the same sandbox: the same keys, nothing differs.
        await wait_until(pilot, lambda: "no differences" in screen_text(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CompareProfilesScreen))
        await command(app, pilot, "compare sandbox-hml")
        await wait_until(
            pilot, lambda: any("usage: :compare A B" in n.message for n in app._notifications)
        )


async def test_identity_shows_each_tokens_lifetime_as_a_bar(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("2")
        view = app.query_one(IdentityView)

        def row() -> str:
            text = screen_text(app)
            return next((li for li in text.splitlines() if "Carbonext access token" in li), "")

        await wait_until(pilot, lambda: "LIFETIME LEFT" in screen_text(app) and bool(row()))
        assert "██████████" in row()
        token = app.services.cache.peek(app.services.session.carbonext.token_key)  # type: ignore[union-attr]
        assert token is not None and token.expires_at is not None
        clock.advance((token.expires_at - clock()) / 2)
        view.tick()
        await wait_until(pilot, lambda: "█████░░░░░" in row())


async def test_installation_permission_map_uses_the_matrix_marks(make_app: MakeApp) -> None:
    from textual.widgets import DataTable

    from carbontui.tui.screens.installation_detail import InstallationDetailScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_installations(app, pilot)
        item = view.table.current_row
        assert item is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstallationDetailScreen))
        screen = app.screen
        assert isinstance(screen, InstallationDetailScreen)
        await wait_until(pilot, lambda: screen.installation is not None)
        assert screen.installation is not None and screen.installation.id == item.id
        permissions = screen.installation.permissions
        grid = screen.query_one("#permission-grid", DataTable)
        await wait_until(pilot, lambda: grid.row_count == len(permissions))
        cells = [str(grid.get_row_at(i)[3]) for i in range(grid.row_count)]
        writes = sum(1 for level in permissions.values() if level.upper() == "WRITE")
        assert cells.count("W") == writes and writes > 0


async def test_identity_shows_request_health_per_service(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    from carbontui.tui.widgets.health_line import HealthLine

    sandbox.state.faults.add([Fault("status", route="GET /v1/customers/applications", count=1)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)  # the 503 was retried
        await pilot.press("2")
        line = app.query_one(HealthLine)
        await wait_until(pilot, lambda: "Carbonext" in str(line.render()))
        text = str(line.render())
        assert "1 error in " in text and " ms · " in text
        assert any(ch in text for ch in "▁▂▃▄▅▆▇█")
        assert app.services.session is not None
        assert app.services.session.health.services["carbonext"].errors == 1
