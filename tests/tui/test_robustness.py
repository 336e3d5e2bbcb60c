"""The dashboard against hostile text, lost answers and a careless quit (real loopback sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui_testlib import SIZE, fill_create_form, open_create_form, screen_text, wait_until

from carbontui.sandbox import SandboxServer
from carbontui.sandbox.faults import Fault
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.history import HistoryScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.keys import KeysView

MakeApp = Callable[..., CarbonApp]

#: Text that is broken Textual/Rich markup, or markup that would run an action if interpreted.
HOSTILE = "Evil [/] [bold]Corp[/b] [@click=app.quit]x[/]"


async def test_markup_in_server_text_is_shown_literally(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    body = {
        "clientId": "cbx_b2b_sandbox_prod",
        "customerLegalName": HOSTILE,
        "customerTaxId": "[/]",
        "permissions": ["a[/b]", "[red]"],
    }
    sandbox.state.faults.add([Fault("shape", route="GET /connect/userinfo", body=body)])
    app = make_app(profile="sandbox-prod")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        view = app.query_one(IdentityView)
        await wait_until(pilot, lambda: HOSTILE in screen_text(app))
        assert app.is_running and view.is_active
        # An error message quoting the server is literal too.
        sandbox.state.faults.clear()
        sandbox.state.faults.add([Fault("status", route="GET /connect/userinfo", status=503)])
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "STALE" in screen_text(app))
        assert app.is_running


async def test_unclosed_markup_in_server_text_does_not_break_the_identity_panel(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    # Escaped markup is not enough: "[/" at the end of a value joined the panel's next tag.
    body = {
        "clientId": "cbx_b2b_sandbox_prod[",
        "customerLegalName": "Evil [/",
        "customerTaxId": "x [@click=app.quit",
        "permissions": ["p[/"],
    }
    sandbox.state.faults.add([Fault("shape", route="GET /connect/userinfo", body=body)])
    app = make_app(profile="sandbox-prod")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: "Evil [/ · tax id x [@click=app.quit" in screen_text(app))
        assert "permissions: p[/" in screen_text(app)
        assert app.is_running


async def test_history_with_markup_in_outcomes_opens(make_app: MakeApp) -> None:
    app = make_app()
    app.history.record("sandbox-hml", "create-key", ["cbx_b2b_evil[/b]"], f"error: {HOSTILE}")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.pause()
        assert "cbx_b2b_evil[/b]" in screen_text(app)
        assert app.is_running


async def test_dashboard_records_a_create_whose_answer_was_lost(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        sandbox.state.faults.add(
            [Fault("drop", route="POST /v1/customers/applications", after=True, count=1)]
        )
        fill_create_form(form, "lost_answer", "Lost answer")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "WAS created" in screen_text(app))
        created = sandbox.state.applications_by_client_id["cbx_b2b_lost_answer"]
        # A rejected create is recorded as such.
        sandbox.state.faults.clear()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "not created" in screen_text(app))
    entries = app.history.entries()
    assert [(e.action, e.objects) for e in entries] == [
        ("create-key", ("cbx_b2b_lost_answer",)),
        ("create-key", ("cbx_b2b_lost_answer",)),
    ]
    assert entries[0].outcome == f"created as {created.id}, secret lost: no answer"
    assert entries[1].outcome.startswith("error: ") and "409" in entries[1].outcome


async def test_quit_with_an_unsaved_secret_asks_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(app, pilot)
        fill_create_form(form, "quit_guard", "Quit guard")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, SecretOnceScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_read_only_badge_survives_a_narrow_terminal(make_app: MakeApp) -> None:
    from carbontui.tui.widgets.context_header import ContextHeader

    app = make_app(profile="sandbox-prod", read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.query_one(ContextHeader)
        await wait_until(pilot, lambda: bool(header.identity))
        line = "".join(segment.text for segment in header.render_line(0))
        assert len(header.identity) > 40 and "READ-ONLY" in line
        assert line.rstrip().endswith("…")


async def test_a_broken_service_leaves_the_other_working(
    make_app: MakeApp, sandbox: SandboxServer, config_path: Path
) -> None:
    from carbontui.tui.views.installations import InstallationsView

    with config_path.open("a") as out:
        out.write(
            f"""
[profiles.half.carbonext]
api_url = "{sandbox.url}"
token_url = "{sandbox.url}/connect/token"
client_id = "cbx_b2b_sandbox_prod"
client_secret = {{ env = "CARBONTUI_TEST_UNSET_SECRET" }}
[profiles.half.registry]
api_url = "{sandbox.url}"
app_id = "67890"
private_key_file = "registry-app.pem"
"""
        )
    app = make_app(profile="half")
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: "CARBONTUI_TEST_UNSET_SECRET" in keys.status.problem)
        await pilot.press("3")
        installations = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: installations.table.total_count > 0)
        assert not installations.status.problem
