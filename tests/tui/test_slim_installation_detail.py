"""The Installations tab holds slim list rows; its detail screen reads the whole installation
(``GET /app/installations/{id}``) when it opens, over real HTTP to the loopback sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label
from tui_testlib import SIZE, loaded_installations, screen_text, wait_until

from carbontui.api.models import InstallationRow
from carbontui.sandbox import SandboxServer
from carbontui.sandbox.errors import api_error_body
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.installation_detail import InstallationDetailScreen
from carbontui.tui.views.installations import InstallationsView

MakeApp = Callable[..., CarbonApp]
GET_INSTALLATION = "GET /app/installations/{installation_id}"
#: Long enough that the screen is seen before the answer; nothing is timed against it.
SLOW = Fault("latency", route=GET_INSTALLATION, ms=3000, count=1)


async def open_detail(app: CarbonApp, pilot: Pilot[Any]) -> tuple[InstallationDetailScreen, str]:
    """Press enter on the first installation (the tab loaded); the screen and the row's id."""
    row = app.query_one(InstallationsView).table.current_row
    assert isinstance(row, InstallationRow)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, InstallationDetailScreen))
    screen = app.screen
    assert isinstance(screen, InstallationDetailScreen)
    return screen, row.id


async def test_the_detail_reads_the_whole_installation_when_it_opens(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_installations(app, pilot)
        assert all(type(row) is InstallationRow for row in view.table.rows)
        sandbox.state.stats.reset()
        sandbox.state.faults.add([SLOW])
        screen, installation_id = await open_detail(app, pilot)
        # Loading: the row's own facts and a status saying so; nothing whole yet.
        status = screen.query_one("#org-status", Label)
        assert "loading the installation" in str(status.content)
        assert screen.installation is None
        # Read live, pressed while loading, waits for the installation (its permission map).
        await pilot.press("l")
        await wait_until(pilot, lambda: "organization read live" in screen_text(app))
        whole = sandbox.state.registry_apps["67890"].installations.get(installation_id)
        assert whole is not None and screen.installation is not None
        assert screen.installation.id == installation_id
        text = screen_text(app)
        # What only the whole record has: city, registration number, the app id, the grid.
        org = whole.organization
        assert org.city in text and org.registration_number in text
        assert f"({whole.app_id})" in text
        assert "RESOURCE" in text and "REQUEST" in text
        assert sandbox.state.stats.requests.get(GET_INSTALLATION) == 1
    assert [e.action for e in app.history.entries()] == ["mint-installation-token"]


async def test_a_detail_that_cannot_be_read_says_so_and_the_app_goes_on(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await loaded_installations(app, pilot)
        gone = api_error_body(404, "Installation not found")
        sandbox.state.faults.add([Fault("shape", route=GET_INSTALLATION, status=404, body=gone)])
        screen, _ = await open_detail(app, pilot)
        await wait_until(pilot, lambda: "could not load the installation" in screen_text(app))
        status = str(screen.query_one("#org-status", Label).content)
        assert "GET /app/installations/{id} (404)" in status and "not found" in status
        assert screen.installation is None
        await pilot.press("l")  # nothing to read live: a warning, no mint
        await wait_until(
            pilot, lambda: any("could not be read" in n.message for n in app._notifications)
        )
        sandbox.state.faults.clear()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)
        assert app.is_running and view.table.total_count > 0
    assert app.history.entries() == []


async def test_a_wrong_typed_detail_is_a_clear_error(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_installations(app, pilot)
        body = {"id": "x", "organization": {"id": "o", "countryCode": 76}}
        sandbox.state.faults.add([Fault("shape", route=GET_INSTALLATION, body=body)])
        await open_detail(app, pilot)
        await wait_until(pilot, lambda: "could not load the installation" in screen_text(app))
        assert "organization.countryCode" in screen_text(app)
        assert app.is_running
