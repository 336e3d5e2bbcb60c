"""Helpers for dashboard tests: a frozen clock, app factories, waiting on the app."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.app import App
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, SelectionList
from textual.worker import WorkerState

from carbontui.tui.app import CarbonApp
from carbontui.tui.offline import PICTURE_TIME, offline_dashboard
from carbontui.tui.screens.key_create import CreateKeyScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.widgets.virtual_table import VirtualTable

#: Every snapshot and countdown is computed from this instant.
FROZEN_AT = PICTURE_TIME
SIZE = (120, 40)
#: The config path the Profiles tab shows in its snapshot: fixed, so the picture is the same on
#: every machine whatever $TMPDIR is. Only shown: the config really lives in the test's tmp_path.
SNAPSHOT_CONFIG_PATH = Path("/tmp/carbontui-snapshot-config/config.toml")


class FailingTransport(httpx.AsyncBaseTransport):
    """Wraps another transport; while ``failing`` every request fails to connect.

    The in-process sandbox cannot refuse connections, so this stands in for a dead server.
    """

    def __init__(self) -> None:
        self.inner: httpx.AsyncBaseTransport | None = None
        self.failing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing or self.inner is None:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


def in_process_app(
    tmp_path: Path,
    profile: str = "sandbox-hml",
    *,
    wrap_transport: FailingTransport | None = None,
    shown_config_path: Path | None = None,
) -> CarbonApp:
    """A dashboard on an in-process sandbox behind a fixed URL, for pixel-stable snapshots.

    Config and key live in ``tmp_path``, private to the test (no other test or process writes
    them). ``shown_config_path``: the path the app reports as its config (the Profiles tab
    shows it), for a picture that does not depend on where ``tmp_path`` is; nothing reads it.
    """

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        assert wrap_transport is not None
        wrap_transport.inner = inner
        return wrap_transport

    app, _ = offline_dashboard(
        tmp_path / "cfg",
        profile=profile,
        history_path=tmp_path / "history.jsonl",
        wrap=wrap if wrap_transport is not None else None,
    )
    if shown_config_path is not None:
        app.services.config = dataclasses.replace(app.services.config, path=shown_config_path)
    return app


#: Worker groups that wait for the user (they push a modal and await its answer), not for I/O:
#: while the modal is open they run, and the screen is steady all the same.
WAITS_FOR_USER = frozenset({"create-key"})


def busy(app: App[Any]) -> bool:
    """Some worker (a poll, a discovery, the identity) is still pending or running."""
    return any(
        w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group not in WAITS_FOR_USER
        for w in app.workers
    )


async def settle(pilot: Pilot[Any], *, limit: float = 60.0) -> None:
    """Wait until the app is steady, then drop toasts, so a snapshot shows a steady state.

    Steady means: no worker pending or running and no animation scheduled, still true after
    the messages the last worker posted have been handled. A condition, not a fixed pause, so
    a loaded machine waits longer instead of taking the picture early (``limit`` seconds).
    """
    app = pilot.app
    while True:
        await wait_until(pilot, lambda: not busy(app), limit=limit)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()  # handle what the finished workers posted
        if not busy(app):
            break
    app.clear_notifications()
    # Tables under a modal repaint on their next tick; do it now so the picture is settled.
    # A blinking cursor would be drawn or not by timing alone: hold it on, as at a key press.
    for screen in app.screen_stack:
        for table in screen.query(VirtualTable):
            table.refresh()
        for box in screen.query(Input):
            box.cursor_blink = False
    await pilot.pause()


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], *, limit: float = 45.0
) -> None:
    """Let the app run until ``condition`` holds (fails the test after ``limit`` seconds).

    A condition that looks for a widget not composed yet (``NoMatches``: a tab's view is in
    the DOM a moment before its children) does not hold yet.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not _holds(condition):
        if loop.time() > deadline:
            raise AssertionError(
                "condition not reached while the app was running; the screen shows:\n"
                + screen_text(pilot.app)  # type: ignore[arg-type]
            )
        await pilot.pause(0.05)


def _holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except NoMatches:
        return False


def composed(view: Widget) -> bool:
    """``view`` has its table: a view is in the DOM a moment before its children are."""
    return bool(view.query(VirtualTable))


def screen_text(app: CarbonApp) -> str:
    """Everything currently drawn, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def loaded_keys(app: CarbonApp, pilot: Pilot[Any]) -> KeysView:
    """Wait until the Keys tab has rows and its table has focus."""
    view = app.query_one(KeysView)
    await wait_until(pilot, lambda: composed(view) and view.table.total_count > 0)
    await wait_until(pilot, lambda: app.focused is view.table)
    return view


async def open_create_form(app: CarbonApp, pilot: Pilot[Any]) -> CreateKeyScreen:
    """From a loaded Keys tab: press n and wait until the permission picker is filled."""
    await loaded_keys(app, pilot)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))
    form = app.screen
    assert isinstance(form, CreateKeyScreen)
    await wait_until(pilot, lambda: form.query_one("#create-permissions").option_count > 0)
    return form


def fill_create_form(form: CreateKeyScreen, client_id: str, display_name: str) -> None:
    """Type a client id and display name and pick every permission."""
    form.query_one("#create-client-id", Input).value = client_id
    form.query_one("#create-display-name", Input).value = display_name
    form.query_one("#create-permissions", SelectionList).select_all()


async def loaded_installations(app: CarbonApp, pilot: Pilot[Any]) -> InstallationsView:
    """Wait for the Keys tab, switch to Installations and wait until it has rows."""
    await loaded_keys(app, pilot)
    await pilot.press("3")
    await wait_until(pilot, lambda: bool(app.query(InstallationsView)))
    view = app.query_one(InstallationsView)
    await wait_until(pilot, lambda: composed(view) and view.table.total_count > 0)
    return view
