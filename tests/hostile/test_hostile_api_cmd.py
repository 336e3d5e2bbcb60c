"""``carbontui api`` against a server that attacks it: oversize bodies, echoed secrets and
tokens, hostile headers, redirects, paging that never ends, escape sequences in text.

CLI runs are real subprocesses and go through ``check_common``; the terminal case runs
in-process, with stdout claiming to be a terminal.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hostile_server import Dynamic, Echo, HostileServer, Json, Redirect, Request, Stream
from hostile_testlib import (
    INSTALLATIONS_PATH,
    KEYS_PATH,
    SECRET,
    STOLEN_PATH,
    TOKEN_PATH,
    Cli,
    Result,
    check_common,
    error_line,
    installation,
    installations_page,
    key_row,
    keys_page,
    make_jwt,
    token_answer,
)

from carbontui.cli import main
from carbontui.transport import MAX_API_BODY

MB = 1024 * 1024


def serve_token(hostile: HostileServer) -> str:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    return token


def expect_api_error(result: Result, token: str) -> str:
    """Exit 1, nothing on stdout, one clean error line; returns it lowercased."""
    check_common(result, codes=[1], tokens=[token])
    assert result.stdout == "", result.describe()
    return error_line(result)


def documents(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("paginate", [False, True], ids=["one", "paginate"])
def test_an_oversize_body_is_refused(
    hostile: HostileServer, cli: Cli, declared: bool, paginate: bool
) -> None:
    token = serve_token(hostile)
    stream = Stream(200 * MB, prefix=b'{"items": [', filler=b" ", declare_length=declared)
    hostile.route("GET", KEYS_PATH, stream)
    result = cli("api", *(["--paginate"] if paginate else []), KEYS_PATH)
    message = expect_api_error(result, token)
    assert "larger than the 16 mib cap" in message, result.describe()
    assert stream.sent < 200 * MB
    assert len(hostile.requests_to(KEYS_PATH)) == 1  # a refused body is not asked for again


def test_a_body_just_under_the_cap_is_printed_whole(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    size = MAX_API_BODY
    hostile.route(
        "GET", KEYS_PATH, Stream(size, prefix=b"x", filler=b"y", content_type="text/plain")
    )
    result = cli("api", KEYS_PATH)
    check_common(result, codes=[0], tokens=[token])
    assert len(result.stdout) == size


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_an_error_echoing_the_token_is_redacted(
    hostile: HostileServer, cli: Cli, as_json: bool
) -> None:
    token = serve_token(hostile)
    hostile.route("GET", KEYS_PATH, Echo(parts=("authorization", "credential", "headers")))
    result = cli(*(["--json"] if as_json else []), "api", KEYS_PATH)
    message = expect_api_error(result, token)
    assert "(400)" in message and "[redacted]" in message, result.describe()
    assert hostile.requests_to(KEYS_PATH)[0].header("authorization") == f"Bearer {token}"


def test_an_error_echoing_the_client_secret_is_redacted(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    echoed = f"client {SECRET} / {quote(SECRET, safe='')} / {quote_plus(SECRET)}"
    hostile.route(
        "POST",
        KEYS_PATH,
        Json({"statusCode": 409, "message": echoed, "error": "Conflict"}, status=409),
    )
    result = cli("api", KEYS_PATH, "-f", "displayName=x", "-f", f"note={SECRET}")
    message = expect_api_error(result, token)
    assert message.startswith("carbontui: error: post /v1/customers/applications (409): client")
    assert len(hostile.requests_to(KEYS_PATH, "POST")) == 1


def test_include_redacts_token_headers_and_neutralises_them(
    hostile: HostileServer, cli: Cli
) -> None:
    token = serve_token(hostile)
    headers = {
        "X-Echo-Authorization": f"Bearer {token}",
        "X-Token": token,
        "X-Registry": "crs_0123456789abcdefghij",
        "X-Title": "\x9b2J\x9d0;pwned",
    }
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1)]), headers=headers))
    result = cli("api", "-i", KEYS_PATH)
    check_common(result, codes=[0], tokens=[token, "crs_0123456789abcdefghij"])
    head, body = result.stdout.split("\n\n", 1)
    lines = head.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    for name in ("x-echo-authorization", "x-token", "x-registry"):
        assert any(line.startswith(f"{name}: [REDACTED]") for line in lines), result.describe()
    assert json.loads(body)["items"][0]["id"] == key_row(1)["id"]


def test_a_401_renews_the_token_once(hostile: HostileServer, cli: Cli) -> None:
    first, second = (make_jwt({"jti": name}) for name in ("first", "second"))
    tokens = iter([first, second])
    hostile.route("POST", TOKEN_PATH, Dynamic(lambda _: Json(token_answer(next(tokens)))))
    refused = Json({"statusCode": 401, "message": "expired", "error": "Unauthorized"}, 401)

    def keys(request: Request) -> Json:
        ok = request.header("authorization") == f"Bearer {second}"
        return Json(keys_page([key_row(1)])) if ok else refused

    hostile.route("GET", KEYS_PATH, Dynamic(keys))
    result = cli("api", KEYS_PATH)
    check_common(result, codes=[0], tokens=[first, second])
    assert json.loads(result.stdout)["items"] == [key_row(1)]
    assert len(hostile.requests_to(TOKEN_PATH)) == len(hostile.requests_to(KEYS_PATH)) == 2


def test_a_second_401_is_the_answer(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    refused = Json({"statusCode": 401, "message": "go away", "error": "Unauthorized"}, 401)
    hostile.route("GET", KEYS_PATH, refused)
    result = cli("api", KEYS_PATH)
    assert "(401): go away" in expect_api_error(result, token)
    assert len(hostile.requests_to(KEYS_PATH)) == 2


def test_a_redirect_is_not_followed(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    hostile.route("GET", KEYS_PATH, Redirect(STOLEN_PATH, status=307))
    result = cli("api", KEYS_PATH)
    assert "redirect" in expect_api_error(result, token)
    assert hostile.requests_to(STOLEN_PATH) == []


def test_a_billion_pages_are_refused_after_the_first(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    page = keys_page([key_row(1)], total_pages=10**9, total_count=10**9)
    hostile.route("GET", KEYS_PATH, Json(page))
    result = cli("api", "--paginate", KEYS_PATH)
    assert "at most 10,000 pages" in expect_api_error(result, token)
    assert len(hostile.requests_to(KEYS_PATH)) == 1


def test_paging_that_points_back_stops(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)
    stuck = keys_page(
        [key_row(1)], page=1, total_pages=3, total_count=3
    )  # page 1, whatever was asked
    hostile.route("GET", KEYS_PATH, Json(stuck))
    looping = installations_page([installation(1)], page=1, page_count=3, total=3)
    looping["pagination"]["nextPage"] = 1
    hostile.route("GET", INSTALLATIONS_PATH, Json(looping))
    result = cli("api", "--paginate", KEYS_PATH)
    check_common(result, codes=[0], tokens=[token])
    assert len(documents(result.stdout)) == len(hostile.requests_to(KEYS_PATH)) == 2
    result = cli("api", "--paginate", INSTALLATIONS_PATH)
    check_common(result, codes=[0], tokens=[token])
    assert len(documents(result.stdout)) == len(hostile.requests_to(INSTALLATIONS_PATH)) == 1


def test_paging_stops_at_an_empty_page(hostile: HostileServer, cli: Cli) -> None:
    token = serve_token(hostile)

    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["1"])[0])
        rows = [key_row(number)] if number <= 2 else []
        body = keys_page(rows, page=number)
        body.update(hasNextPage=True, totalPages=None, totalCount=None)
        return Json(body)

    hostile.route("GET", KEYS_PATH, Dynamic(page))
    result = cli("api", "--paginate", "--slurp", KEYS_PATH)
    check_common(result, codes=[0], tokens=[token])
    merged = json.loads(result.stdout)
    assert merged == {"items": [key_row(1), key_row(2)], "pages": 2}
    assert [r.query["page"] for r in hostile.requests_to(KEYS_PATH)[1:]] == [["2"], ["3"]]


# -- to a terminal (in-process) ----------------------------------------------------------------

ESCAPES = "hi \x1b]52;c;ZXZpbA==\x07 \x1b[2J \u009b31m \u202eevil\n"


@pytest.fixture
def run_here(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--config", str(config_path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_text_with_escapes_is_inert_on_a_terminal(
    hostile: HostileServer, run_here: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_token(hostile)
    hostile.route("GET", KEYS_PATH, Json(ESCAPES.encode(), headers={"Content-Type": "text/plain"}))
    code, piped, _ = run_here("api", KEYS_PATH)
    assert (code, piped) == (0, ESCAPES)  # to a pipe: the bytes as received
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, shown, _ = run_here("api", KEYS_PATH)
    assert code == 0
    assert shown.startswith("hi ") and shown.endswith("evil\n")
    for char in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert char not in shown


def test_json_with_controls_is_escaped_on_a_terminal(
    hostile: HostileServer, run_here: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_token(hostile)
    name = "evil\u009b31m\u202ename"
    body = json.dumps(keys_page([key_row(1, name)]), ensure_ascii=False).encode()
    hostile.route("GET", KEYS_PATH, Json(body))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, shown, _ = run_here("api", KEYS_PATH)
    assert code == 0
    assert "\x9b" not in shown and "\u202e" not in shown
    assert json.loads(shown)["items"][0]["displayName"] == name
