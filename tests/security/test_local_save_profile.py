"""Saving a just-created key: never over an existing profile, refused before creating in the
CLI, refused (secret kept on screen) in the dashboard, and safe when another process wins."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from carbontui.api.carbonext import CarbonextClient
from carbontui.cli import main
from carbontui.clock import ManualClock
from carbontui.config import CredentialsStore, load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.tui.offline import PICTURE_TIME


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(PICTURE_TIME)


@pytest.fixture
def server(clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(SandboxOptions(seed=0, now=clock)) as running:
        yield running


@pytest.fixture
def config_path(server: SandboxServer, tmp_path: Path) -> Path:
    return write_config(tmp_path / "cfg", server.url, server.app)


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(config_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--config", str(config_path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def write_permission(server: SandboxServer) -> str:
    return next(p.id for p in server.state.catalog if p.name == "customer_applications_write")


def create_argv(server: SandboxServer, client_id: str) -> list[str]:
    return [
        "keys", "create", "--client-id", client_id, "--display-name", "D",
        "--permission", write_permission(server),
    ]  # fmt: skip


# -- CLI ------------------------------------------------------------------------------------


def test_cli_refuses_a_profile_from_config_toml_before_creating(
    server: SandboxServer, run: Run, config_path: Path
) -> None:
    before = len(server.state.applications)
    code, out, err = run(*create_argv(server, "clash"), "--save-profile", "sandbox-prod")
    assert (code, out) == (2, "")
    assert err == (
        f"carbontui: error: profile 'sandbox-prod' already exists in {config_path}; "
        "choose another name\n"
    )
    assert len(server.state.applications) == before  # nothing was created
    assert "cbx_b2b_clash" not in server.state.applications_by_client_id


def test_cli_refuses_a_profile_from_credentials_toml_before_creating(
    server: SandboxServer, run: Run, config_path: Path
) -> None:
    code, _, err = run(*create_argv(server, "first"), "--save-profile", "robot")
    assert code == 0, err
    creds = config_path.parent / "credentials.toml"
    saved = creds.read_bytes()
    before = len(server.state.applications)
    code, out, err = run(*create_argv(server, "second"), "--save-profile", "robot")
    assert (code, out) == (2, "")
    assert err == (
        f"carbontui: error: profile 'robot' already exists in {creds}; choose another name\n"
    )
    assert len(server.state.applications) == before
    assert creds.read_bytes() == saved


def test_cli_refuses_an_unclean_profile_name_before_creating(
    server: SandboxServer, run: Run
) -> None:
    before = len(server.state.applications)
    code, out, err = run(*create_argv(server, "dirty"), "--save-profile", "x\x1b]52;c;aGk=\x07")
    assert (code, out) == (2, "")
    assert "control characters" in err and "\x1b" not in err
    assert len(server.state.applications) == before


def test_cli_when_another_process_takes_the_name_meanwhile(
    server: SandboxServer, run: Run, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-check passed; while the key was being created another process saved the
    same name. The store refuses under its lock: the key exists, the secret is printed with
    how to store it, exit 1, no traceback, and the other process's entry is intact."""
    creds = config_path.parent / "credentials.toml"
    real_create = CarbonextClient.create

    async def create_while_another_saves(self: CarbonextClient, *args: Any) -> Any:
        CredentialsStore(creds).save_carbonext_key(
            "robot", "cbx_b2b_theirs", "their-secret", based_on="sandbox-hml"
        )
        return await real_create(self, *args)

    monkeypatch.setattr(CarbonextClient, "create", create_while_another_saves)
    code, out, err = run(*create_argv(server, "raced"), "--save-profile", "robot")
    created = server.state.applications_by_client_id["cbx_b2b_raced"]
    assert code == 1
    assert created.client_secret in out
    assert "Traceback" not in err
    assert (
        "key cbx_b2b_raced WAS created but could not be saved as profile 'robot': "
        f"profile 'robot' already exists in {creds}; choose another name." in err
    )
    assert f"to save it by hand, add to {creds} (mode 0600) under a new profile name:" in err
    assert 'client_id = "cbx_b2b_raced"' in err
    entry = CredentialsStore(creds).read()["profiles"]["robot"]
    assert entry["carbonext"]["client_secret"] == "their-secret"


# -- dashboard ------------------------------------------------------------------------------


SIZE = (120, 40)


def screen_text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_until(pilot: Any, condition: Callable[[], bool], limit: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(
                "condition not reached; the screen shows:\n" + screen_text(pilot.app)
            )
        await pilot.pause(0.05)


async def test_dashboard_refuses_an_existing_profile_and_keeps_the_secret(
    server: SandboxServer, config_path: Path, clock: ManualClock, tmp_path: Path
) -> None:
    from textual.widgets import Input, SelectionList

    from carbontui.tui.app import CarbonApp
    from carbontui.tui.screens.key_create import CreateKeyScreen
    from carbontui.tui.screens.secret_once import SecretOnceScreen
    from carbontui.tui.views.keys import KeysView

    app = CarbonApp(
        load_config(config_path),
        clock=clock,
        history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
        profile="sandbox-hml",
    )
    creds = config_path.parent / "credentials.toml"
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(KeysView)
        await wait_until(pilot, lambda: view.table.total_count > 0 and app.focused is view.table)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))
        form = app.screen
        permissions = form.query_one("#create-permissions", SelectionList)
        await wait_until(pilot, lambda: permissions.option_count > 0)
        form.query_one("#create-client-id", Input).value = "tui_clash"
        form.query_one("#create-display-name", Input).value = "TUI clash"
        permissions.select_all()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        secret_screen = app.screen
        assert isinstance(secret_screen, SecretOnceScreen)
        name = secret_screen.query_one("#secret-profile-name", Input)

        # A name from config.toml: refused, visibly, nothing written, secret still here.
        name.value = "sandbox-prod"
        await pilot.press("s")
        text = screen_text(app)
        assert (
            "not saved: profile 'sandbox-prod' already exists in config.toml; choose another name"
            in text
        )
        assert not creds.exists()
        assert secret_screen.saved_to is None
        assert app.screen is secret_screen
        assert app.focused is name and name.value == "sandbox-prod"  # editable, focused

        # A markup-looking name is shown as typed, never interpreted.
        # The name field has focus: type over it and press enter to save.
        name.value = "[b]bold[/b]"
        await pilot.press("enter")
        await wait_until(pilot, lambda: secret_screen.saved_to == "[b]bold[/b]")
        assert "[b]bold[/b]" in screen_text(app)
        saved = creds.read_text()
        # The same name again (e.g. saved by another process): refused, first entry kept.
        await pilot.click("#secret-save")
        assert (
            "profile '[b]bold[/b]' already exists in credentials.toml; choose another name"
            in screen_text(app)
        )
        assert creds.read_text() == saved
        await pilot.click("#secret-reveal")
        assert secret_screen.created.client_secret in screen_text(app)
