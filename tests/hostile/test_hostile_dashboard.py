"""The dashboard (in-process, Textual pilot) against the hostile server.

Whatever the server does, the app keeps running, the view shows a problem (STALE plus the
error), and nothing on screen (nor in an exported screenshot) carries the client secret or a
control character that came from the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_server import Dynamic, Echo, HostileServer, Json, Request, Stream
from hostile_testlib import (
    CONTROL_CHARS,
    INSTALLATIONS_PATH,
    KEYS_PATH,
    PROFILE,
    TOKEN_PATH,
    USERINFO,
    USERINFO_PATH,
    installation,
    installations_page,
    key_row,
    keys_page,
    make_jwt,
    secret_forms,
    token_answer,
)
from textual.css.query import NoMatches
from textual.pilot import Pilot

from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView

#: A regression must fail these tests, not eat the machine (see conftest.bounded_process).
pytestmark = pytest.mark.usefixtures("bounded_process")

SIZE = (120, 40)
MB = 1024 * 1024
ESCAPES = "\x1b]52;c;aGVsbG8=\x07 \x1b]0;pwned\x07 \x1b[2J \x9b31m"
HOSTILE_NAME = f"Evil {ESCAPES} name\x7fend"


def make_app(config_path: Path, tmp_path: Path) -> CarbonApp:
    return CarbonApp(
        load_config(config_path),
        profile=PROFILE,
        history=ActionHistory(tmp_path / "history.jsonl"),
    )


def screen_text(app: CarbonApp) -> str:
    """Everything currently drawn (toasts included), as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except NoMatches:  # a tab's view is in the DOM a moment before its children
        return False


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 45.0) -> None:
    """Let the app run until ``condition`` holds; fail after ``limit`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not _holds(condition):
        assert pilot.app.is_running, "the dashboard exited"
        if loop.time() > deadline:
            shown = screen_text(pilot.app)  # type: ignore[arg-type]
            raise AssertionError(f"condition not reached; the screen shows:\n{shown}")
        await pilot.pause(0.05)


def check_screen(app: CarbonApp, *, tokens: tuple[str, ...] = ()) -> None:
    """No secret, no issued token, no control character on screen or in a screenshot."""
    assert app.is_running
    text = screen_text(app)
    svg = app.export_screenshot()
    problems = " | ".join(
        view.status.problem
        for view in (*app.query(KeysView), *app.query(IdentityView), *app.query(InstallationsView))
    )
    for name, shown in (("screen", text), ("screenshot", svg), ("status", problems)):
        bad = CONTROL_CHARS.search(shown)
        assert bad is None, f"control character {bad.group()!r} in the {name}:\n{text}"
        for form in secret_forms():
            assert form not in shown, f"the client secret ({form!r}) is in the {name}"
        for token in tokens:
            assert token not in shown, f"an issued token is in the {name}"
    assert "pwned" not in app.title and "pwned" not in (app.sub_title or "")


async def test_bad_claims_leave_the_dashboard_running(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    token = make_jwt({"realm_access": {"roles": 5}, "resource_access": {"x": {"roles": "abc"}}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    hostile.route("GET", USERINFO_PATH, Json(USERINFO))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1)])))
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: bool(keys.status.problem))
        assert "STALE" in screen_text(app)
        assert keys.table.total_count == 0
        check_screen(app, tokens=(token,))
        await pilot.press("2")
        identity = app.query_one(IdentityView)
        await wait_until(pilot, lambda: bool(identity.status.problem))
        check_screen(app, tokens=(token,))
        assert app.is_running
    assert hostile.requests_to(KEYS_PATH) == []


async def test_a_200_mb_keys_page_is_a_problem_not_a_hang(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    big = hostile.route(
        "GET", KEYS_PATH, Stream(200 * MB, prefix=b'{"items": [', filler=b" ", declare_length=False)
    )
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: bool(keys.status.problem))
        assert "cap" in keys.status.problem.lower() or "large" in keys.status.problem.lower()
        check_screen(app, tokens=(token,))
    assert big.sent < 100 * MB  # type: ignore[attr-defined]


async def test_a_billion_pages_of_keys_is_a_problem(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))

    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["1"])[0])
        return Json(
            keys_page([key_row(number)], page=number, total_pages=10**9, total_count=10**11)
        )

    hostile.route("GET", KEYS_PATH, Dynamic(page))
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: bool(keys.status.problem))
        assert "page" in keys.status.problem.lower()
        check_screen(app, tokens=(token,))
    assert len(hostile.requests_to(KEYS_PATH)) < 50


async def test_a_billion_pages_of_installations_is_a_problem(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["0"])[0])
        body = installations_page(
            [installation(number)], page=max(number, 1), page_count=10**9, total=10**11
        )
        return Json(body)

    serve = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(serve)))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1)])))
    hostile.route("GET", INSTALLATIONS_PATH, Dynamic(page))
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: bool(view.status.problem))
        assert "page" in view.status.problem.lower()
        check_screen(app, tokens=(serve,))
    assert len(hostile.requests_to(INSTALLATIONS_PATH)) < 50


async def test_escapes_in_server_text_never_reach_the_screen(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    hostile.route("GET", USERINFO_PATH, Json({**USERINFO, "customerLegalName": HOSTILE_NAME}))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1, HOSTILE_NAME), key_row(2)])))
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: keys.table.total_count == 2)
        await wait_until(pilot, lambda: "cbx_b2b_key1" in screen_text(app))
        assert "Evil" in screen_text(app)
        check_screen(app, tokens=(token,))
        # The same text as an API error: the status line and the toast stay inert too.
        body = {"statusCode": 403, "message": HOSTILE_NAME, "error": "Forbidden"}
        hostile.route("GET", KEYS_PATH, Json(body, status=403))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: bool(keys.status.problem))
        assert "403" in keys.status.problem
        check_screen(app, tokens=(token,))
        await pilot.press("2")
        identity = app.query_one(IdentityView)
        await wait_until(pilot, lambda: "Evil" in screen_text(app))
        check_screen(app, tokens=(token,))
        assert identity.is_active


async def test_an_error_echoing_the_secret_is_redacted_on_screen(
    hostile: HostileServer, config_path: Path, tmp_path: Path
) -> None:
    hostile.route("POST", TOKEN_PATH, Echo(("body", "headers"), status=400))
    app = make_app(config_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: bool(keys.status.problem))
        assert "invalid_client" in keys.status.problem
        check_screen(app)
    # The echo really carried the secret (else this test proves nothing).
    assert any(b"client_secret=" in grant.body for grant in hostile.requests_to(TOKEN_PATH))
