"""Escape sequences in server text never reach the terminal (CLI and dashboard, real sandbox).

A key name with OSC 52 overwrote the clipboard on every redraw, OSC 0 retitled the window and
``ESC[2J`` wiped the screen. Keys, an organization, userinfo and an error text are served with
them (and with a C1 CSI and a bidi override); what people see is inert, ``--json`` is exact.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_testlib import Run
from rich.text import Text
from textual.pilot import Pilot

from carbontui.api.models import ApplicationSummary
from carbontui.cli import main
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.sandbox.errors import api_error_body
from carbontui.sandbox.faults import Fault
from carbontui.sanitize import PLACEHOLDER, is_clean, neutralize
from carbontui.tui.app import CarbonApp
from carbontui.tui.formatting import inert, literal
from carbontui.tui.screens.installation_detail import InstallationDetailScreen
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
OSC0 = "\x1b]0;pwned\x1b\\"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
BIDI = "\u202egnp.exe"
HOSTILE = f"evil{OSC52} name{OSC0}{CLEAR}{C1_CSI}{BIDI}"
HOSTILE_CLIENT_ID = f"cbx_b2b_evil{OSC52}{C1_CSI}"
#: Anything a terminal would act on (``\t``/``\n`` only between lines of our own).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SIZE = (160, 40)
KEYS = "GET /v1/customers/applications"
KEY = "GET /v1/customers/applications/{id}"
INSTALLATIONS = "GET /app/installations"
INSTALLATION = "GET /app/installations/{installation_id}"
USERINFO = "GET /connect/userinfo"


def assert_inert(text: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{found.group()!r} reached the terminal in {text!r}"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxOptions(seed=0, apps=2, installations=2)) as running:
        yield running


@pytest.fixture
def config_path(server: SandboxServer, tmp_path: Path) -> Iterator[Path]:
    yield write_config(tmp_path / "cfg", server.url, server.app)
    server.state.faults.clear()


@pytest.fixture(scope="module")
def hostile_keys(server: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Two keys: a hostile display name made through the API, a hostile client id seeded."""
    config = write_config(tmp_path_factory.mktemp("seed"), server.url, server.app)
    permission = server.state.catalog[0].id
    argv = ["--config", str(config), "keys", "create", "--json", "--client-id", "evil_name"]
    code = main([*argv, "--display-name", HOSTILE, "--permission", permission])
    assert code == 0
    created = server.state.applications_by_client_id["cbx_b2b_evil_name"]
    assert created.display_name == HOSTILE  # the server kept every byte
    # The API refuses such a clientId, so it is put into the server's state directly.
    seeded = server.state.add_application(HOSTILE_CLIENT_ID, HOSTILE, (permission,))
    return [created.id, seeded.id]


def hostile_installation(server: SandboxServer) -> dict[str, Any]:
    installation = server.state.registry_apps["67890"].installations.page(0, 1)[0]
    body = copy.deepcopy(installation.to_json(server.url))
    body["organization"]["fullName"] = HOSTILE
    body["organization"]["city"] = f"Rio{CLEAR}"
    body["appNameId"] = f"app{OSC0}"
    return body


def serve_hostile_installation(server: SandboxServer) -> dict[str, Any]:
    body = hostile_installation(server)
    page = {
        "pagination": {"total": 1, "currentPage": 1, "pageCount": 1, "nextPage": None},
        "installations": [body],
    }
    server.state.faults.add(
        [
            Fault("shape", route=INSTALLATIONS, body=page),
            Fault("shape", route=INSTALLATION, body=body),
        ]
    )
    return body


def serve_hostile_userinfo(server: SandboxServer) -> None:
    body = {
        "clientId": f"cbx_b2b_sandbox_prod{OSC52}",
        "customerLegalName": HOSTILE,
        "customerTaxId": f"12{CLEAR}",
        "customerId": "c1",
        "permissions": [f"perm{C1_CSI}"],
    }
    server.state.faults.add([Fault("shape", route=USERINFO, body=body)])


def serve_hostile_error(server: SandboxServer, route: str) -> None:
    body = api_error_body(400, f"bad request {HOSTILE}")
    server.state.faults.add([Fault("shape", route=route, status=400, body=body)])


# -- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], config_path: Path) -> Run:
    return Run(capsys, config_path)


def test_keys_list_and_show_are_inert(run: Run, hostile_keys: list[str]) -> None:
    code, out, err = run("keys", "list")
    assert code == 0
    assert_inert(out + err)
    assert out.count("evil") == 4 and PLACEHOLDER in out  # the rows are there, defused
    assert len(out.splitlines()) == 1 + 4  # nothing broke a row in two
    for key_id in hostile_keys:
        code, out, err = run("keys", "show", key_id)
        assert code == 0
        assert_inert(out + err)
        assert "evil" in out and PLACEHOLDER in out


def test_keys_json_keeps_every_byte(run: Run, hostile_keys: list[str]) -> None:
    code, out, _ = run("keys", "list", "--json")
    assert code == 0
    assert "\x1b" not in out  # JSON escapes C0 controls itself
    by_id = {item["id"]: item for item in json.loads(out)}
    assert by_id[hostile_keys[0]]["displayName"] == HOSTILE
    assert by_id[hostile_keys[1]]["clientId"] == HOSTILE_CLIENT_ID
    code, out, _ = run("keys", "show", hostile_keys[1], "--json")
    shown = json.loads(out)
    assert (shown["clientId"], shown["displayName"]) == (HOSTILE_CLIENT_ID, HOSTILE)


def test_installations_are_inert(run: Run, server: SandboxServer) -> None:
    body = serve_hostile_installation(server)
    code, out, err = run("installations", "list")
    assert code == 0
    assert_inert(out + err)
    assert "evil" in out
    code, out, err = run("installations", "show", body["id"])
    assert code == 0
    assert_inert(out + err)
    assert "evil" in out and "Rio" in out
    code, out, _ = run("installations", "list", "--json")
    assert json.loads(out)[0]["organization"]["fullName"] == HOSTILE


def test_whoami_is_inert(run: Run, server: SandboxServer) -> None:
    serve_hostile_userinfo(server)
    code, out, err = run("whoami", "-p", "sandbox-prod")
    assert code == 0
    assert_inert(out + err)
    assert "evil" in out


def test_server_error_text_is_inert(run: Run, server: SandboxServer) -> None:
    serve_hostile_error(server, KEYS)
    code, out, err = run("keys", "list")
    assert (code, out) == (1, "")
    assert_inert(err)
    assert err.startswith("carbontui: error: ") and err.count("\n") == 1


# -- dashboard --------------------------------------------------------------------------------


def rendered(app: CarbonApp) -> str:
    """Every segment of text the screen (toasts included) would send to the terminal."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


async def wait_for(pilot: Pilot[Any], *needles: str, gone: str = "\0", limit: float = 15.0) -> str:
    """Run until every needle and not ``gone`` is on screen; returns the screen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        text = rendered(pilot.app)  # type: ignore[arg-type]
        if all(needle in text for needle in needles) and gone not in text:
            return text
        if loop.time() > deadline:
            raise AssertionError(f"{needles} never shown; the screen:\n{text}")
        await pilot.pause(0.05)


async def wait_note(pilot: Pilot[Any], needle: str, limit: float = 15.0) -> None:
    """Run until a notification says ``needle``; every notification must be inert."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not any(needle in note.message for note in pilot.app._notifications):
        if loop.time() > deadline:
            raise AssertionError(f"no notification says {needle!r}")
        await pilot.pause(0.05)
    for note in pilot.app._notifications:
        assert_inert(note.message + note.title)


def dashboard(config_path: Path, tmp_path: Path, profile: str = "sandbox-hml") -> CarbonApp:
    return CarbonApp(
        load_config(config_path),
        profile=profile,
        history=ActionHistory(tmp_path / "history.jsonl"),
    )


async def test_dashboard_keys_installations_and_errors_are_inert(
    config_path: Path, tmp_path: Path, server: SandboxServer, hostile_keys: list[str]
) -> None:
    app = dashboard(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(KeysView)
        assert_inert(await wait_for(pilot, "evil", PLACEHOLDER))
        assert view.table.total_count == 4
        # The detail of each hostile key: title, fields and permission table.
        for key_id in hostile_keys:
            assert view.table.select_key(key_id)
            await pilot.press("enter")
            assert_inert(await wait_for(pilot, "API key", "evil", gone="loading permissions"))
            assert isinstance(app.screen, KeyDetailScreen)
            await pilot.press("escape")
            await wait_for(pilot, "DISPLAY NAME")
        # A server error text, in the detail screen's status line.
        summary = ApplicationSummary(id=hostile_keys[0], client_id="x", display_name="y")
        serve_hostile_error(server, KEY)
        await app.push_screen(KeyDetailScreen(app.services, summary))
        assert_inert(await wait_for(pilot, "could not load", "bad request evil"))
        await pilot.press("escape")
        # ... and when a poll fails: the status line and the toast.
        serve_hostile_error(server, KEYS)
        await pilot.press("ctrl+r")
        assert_inert(await wait_for(pilot, "STALE", "bad request evil"))
        await wait_note(pilot, "bad request evil")
        server.state.faults.clear()
        # An organization's name in the table, the detail and a confirmation question.
        serve_hostile_installation(server)
        await pilot.press("3")
        installations = app.query_one(InstallationsView)
        await wait_for(pilot, "INSTALLATION ID")
        await pilot.press("ctrl+r")
        assert_inert(await wait_for(pilot, "evil", "1 installations"))
        assert installations.table.total_count == 1
        await pilot.press("enter")
        assert_inert(await wait_for(pilot, "Installation", "Rio", "evil"))
        assert isinstance(app.screen, InstallationDetailScreen)
        await pilot.press("escape")
        await wait_for(pilot, "INSTALLATION ID")
        await pilot.press("t")  # mint: the notification quotes the organization
        await wait_for(pilot, "● ")
        await wait_note(pilot, "token for evil")
        await pilot.press("x")  # revoke asks first, quoting the organization
        assert_inert(await wait_for(pilot, "Revoke the token of evil"))
        assert app.is_running


async def test_dashboard_identity_is_inert(
    config_path: Path, tmp_path: Path, server: SandboxServer
) -> None:
    serve_hostile_userinfo(server)
    app = dashboard(config_path, tmp_path, profile="sandbox-prod")
    async with app.run_test(size=SIZE) as pilot:
        assert_inert(await wait_for(pilot, "evil", "sandbox-prod"))  # the header
        await pilot.press("2")
        assert_inert(await wait_for(pilot, "tax id 12", "perm"))  # the identity panel
        assert app.is_running


# -- the functions themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        OSC52,
        OSC0,
        CLEAR,
        C1_CSI,
        BIDI,
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # hyperlink
        "\x1bP+q544e\x1b\\",  # DCS
        "\x1b]52;c;unterminated",
        "\x00\x07\x08\x7f\x85",
        "\x1b",
    ],
)
def test_neutralize_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    for multiline in (False, True):
        result = neutralize(f"a{text}b", multiline=multiline)
        assert_inert(result)
        assert result.startswith("a") and PLACEHOLDER in result
    assert not is_clean(text)


def test_neutralize_keeps_clean_text_and_layout() -> None:
    clean = "Évil Corp [bold] ação · 東京 🙂"
    assert neutralize(clean) is clean and is_clean(clean)
    assert neutralize("a\tb\r\nc") == "a b  c"  # one line: breaks become spaces
    assert neutralize("a\tb\nc\r", multiline=True) == f"a\tb\nc{PLACEHOLDER}"


def test_inert_text_keeps_clean_spans_and_defuses_hostile_ones() -> None:
    clean = Text.assemble(("bold", "bold"), " plain")
    assert inert(clean) is clean
    hostile = Text.assemble((f"evil{CLEAR}", "bold"), " tail", style="red")
    result = inert(hostile)
    assert_inert(result.plain)
    assert result.plain == f"evil{PLACEHOLDER} tail" and result.style == "red"
    assert literal(f"x{CLEAR}\ny").plain == f"x{PLACEHOLDER} y"
