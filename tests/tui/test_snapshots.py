"""Snapshot tests: how every screen looks, with a frozen clock, seed 0 and 120x40.

Snapshot tests are sync functions (snap_compare runs its own event loop). The sandbox runs
in-process behind a fixed URL so that no ephemeral port leaks into the pictures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from tui_testlib import (
    SIZE,
    SNAPSHOT_CONFIG_PATH,
    FailingTransport,
    in_process_app,
    settle,
    wait_until,
)

from carbontui.api.models import CreatedApplication
from carbontui.tui.screens.secret_once import SecretOnceScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView

Snap = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]

#: Stands in for a real secret: the secret-once view is shown with this fake value.
FAKE_CREATED = CreatedApplication(
    id="00000000-0000-4000-8000-000000000001",
    client_id="cbx_b2b_billing_sync",
    client_secret="sandbox-only-not-a-secret",
)


async def keys_loaded(pilot: Pilot[Any]) -> None:
    view = pilot.app.query_one(KeysView)
    await wait_until(pilot, lambda: view.table.total_count > 0 and pilot.app.focused is view.table)


def steps(*actions: Step | str) -> Step:
    """Run pilot actions in order: strings are key presses, callables are awaited."""

    async def run(pilot: Pilot[Any]) -> None:
        await keys_loaded(pilot)
        for action in actions:
            if isinstance(action, str):
                await pilot.press(action)
                await pilot.pause()
            else:
                await action(pilot)
        await settle(pilot)

    return run


def test_keys(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=steps())


def test_keys_filtered(snap_compare: Snap, tmp_path: Path) -> None:
    run = steps("slash", *"data lake")
    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=run)


def test_key_detail(snap_compare: Snap, tmp_path: Path) -> None:
    async def opened(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: "loading permissions" not in _text(pilot))

    run = steps("enter", opened)
    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=run)


def test_create_form(snap_compare: Snap, tmp_path: Path) -> None:
    async def discovered(pilot: Pilot[Any]) -> None:
        picker = pilot.app.screen.query_one("#create-permissions")
        await wait_until(pilot, lambda: picker.option_count > 0)  # type: ignore[attr-defined]
        await pilot.press(*"billing_sync", "tab", *"Billing sync")

    assert snap_compare(
        in_process_app(tmp_path), terminal_size=SIZE, run_before=steps("n", discovered)
    )


def test_secret_shown_once(snap_compare: Snap, tmp_path: Path) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        app = pilot.app
        app.push_screen(SecretOnceScreen(app.services, FAKE_CREATED))  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=steps(show))


def test_identity_and_tokens(snap_compare: Snap, tmp_path: Path) -> None:
    async def tokens(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: "Registry app token" in _text(pilot))

    assert snap_compare(
        in_process_app(tmp_path), terminal_size=SIZE, run_before=steps("2", "a", tokens)
    )


def test_installations_with_minted_token(snap_compare: Snap, tmp_path: Path) -> None:
    async def minted(pilot: Pilot[Any]) -> None:
        view = pilot.app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        await pilot.press("down", "t")
        await wait_until(pilot, lambda: "● 1h 00m" in _text(pilot))

    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=steps("3", minted))


def test_installation_detail(snap_compare: Snap, tmp_path: Path) -> None:
    async def detail(pilot: Pilot[Any]) -> None:
        view = pilot.app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        await pilot.press("enter", "l")
        await wait_until(pilot, lambda: "organization read live" in _text(pilot))

    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=steps("3", detail))


def test_profiles(snap_compare: Snap, tmp_path: Path) -> None:
    app = in_process_app(tmp_path, shown_config_path=SNAPSHOT_CONFIG_PATH)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("4"))


def test_prod_profile_header(snap_compare: Snap, tmp_path: Path) -> None:
    async def identity(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: "Ltda" in _text(pilot))

    app = in_process_app(tmp_path, profile="sandbox-prod")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(identity))


def test_error_state_keeps_stale_rows(snap_compare: Snap, tmp_path: Path) -> None:
    transport = FailingTransport()

    async def fail(pilot: Pilot[Any]) -> None:
        transport.failing = True
        view = pilot.app.query_one(KeysView)
        view.poll()
        await wait_until(pilot, lambda: view.status.problem != "")

    app = in_process_app(tmp_path, wrap_transport=transport)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(fail))


def test_help(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(
        in_process_app(tmp_path), terminal_size=SIZE, run_before=steps("question_mark")
    )


def _text(pilot: Pilot[Any]) -> str:
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


__all__ = ["httpx"]
