"""The headless CLI, as a real subprocess, against a server that attacks it.

Every run goes through ``check_common`` (one ``carbontui: error:`` line, no traceback, no control
character, no secret in any encoding, no issued token where it does not belong, in stdout,
stderr and the ``--log-file`` log). Each test then checks what its attack specifically needs.
"""

from __future__ import annotations

import json
import math
import re
import time
import zlib
from typing import Any

import pytest
from hostile_server import (
    Dynamic,
    Echo,
    Endless,
    HostileServer,
    Json,
    Redirect,
    Request,
    Slow,
    Stream,
)
from hostile_testlib import (
    BASIC_PROFILE,
    CLAIMS_PROFILE,
    INSTALLATIONS_PATH,
    KEYS_PATH,
    PROFILE,
    STOLEN_PATH,
    TOKEN_PATH,
    USERINFO,
    USERINFO_PATH,
    Cli,
    Result,
    check_common,
    error_line,
    installation,
    installations_page,
    key_row,
    keys_page,
    make_jwt,
    secret_forms,
    token_answer,
)

MB = 1024 * 1024
#: What a message about a size cap or a deadline says (any one of these).
CAP_OR_DEADLINE = re.compile(
    r"\bcap\b|larger than|too large|too big|exceeds|limit|within|deadline|timed out|timeout"
)


def good_token() -> str:
    return make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})


def serve_good_token(hostile: HostileServer) -> str:
    token = good_token()
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    return token


def issued(hostile: HostileServer) -> list[str]:
    """Every token value the server could have handed out in this test."""
    values: list[str] = []
    for behaviour in hostile.routes.values():
        body = getattr(behaviour, "body", None)
        value = body.get("access_token") if isinstance(body, dict) else None
        if isinstance(value, str) and len(value) >= 6:
            values.append(value)
    return values


def expect_api_error(result: Result, hostile: HostileServer) -> str:
    """Exit 1 with one clean error line; returns the message, lowercased."""
    check_common(result, codes=[1], tokens=issued(hostile))
    assert result.stdout == "", result.describe()
    return error_line(result)


# -- a. token claims of the wrong type --------------------------------------------------------

BAD_CLAIMS = [
    pytest.param({"realm_access": {"roles": 5}}, id="realm-roles-number"),
    pytest.param({"resource_access": {"x": {"roles": "abc"}}}, id="client-roles-string"),
    pytest.param({"exp": "soon"}, id="exp-string"),
]
CLAIM_COMMANDS = [
    pytest.param(["token"], id="token"),
    pytest.param(["token", "--json"], id="token-json"),
    pytest.param(["whoami"], id="whoami-userinfo"),
    pytest.param(["whoami", "-p", CLAIMS_PROFILE], id="whoami-claims"),
]


@pytest.mark.parametrize("argv", CLAIM_COMMANDS)
@pytest.mark.parametrize("claims", BAD_CLAIMS)
def test_token_claims_of_the_wrong_type(
    hostile: HostileServer, cli: Cli, claims: dict[str, Any], argv: list[str]
) -> None:
    token = make_jwt(claims)
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    hostile.route("GET", USERINFO_PATH, Json(USERINFO))
    result = cli(*argv)
    message = expect_api_error(result, hostile)
    assert re.search(r"claim|roles|exp", message), result.describe()


def test_a_roles_string_is_never_split_into_letters(hostile: HostileServer, cli: Cli) -> None:
    token = make_jwt({"resource_access": {"x": {"roles": "abc"}}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    result = cli("whoami", "-p", CLAIMS_PROFILE, "--json")
    check_common(result, codes=[0, 1], tokens=[token])
    if result.returncode == 0:
        roles = json.loads(result.stdout)["roles"]
        assert roles != ["a", "b", "c"] and "a" not in roles, result.describe()


# -- b. bodies too big or too slow ------------------------------------------------------------


def gzip_bomb(size: int) -> bytes:
    """``size`` bytes of JSON-ish filler, gzip-compressed (a few hundred KB), made in pieces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(b'{"items": [')]
    block = b" " * MB
    for _ in range(size // MB):
        out.append(compressor.compress(block))
    out.append(compressor.flush())
    return b"".join(out)


def big_token_declared(hostile: HostileServer) -> list[str]:
    hostile.route("POST", TOKEN_PATH, Stream(200 * MB, prefix=b'{"access_token": "'))
    return ["token"]


def big_token_chunked(hostile: HostileServer) -> list[str]:
    hostile.route(
        "POST", TOKEN_PATH, Stream(200 * MB, prefix=b'{"access_token": "', declare_length=False)
    )
    return ["token"]


def endless_token(hostile: HostileServer) -> list[str]:
    hostile.route("POST", TOKEN_PATH, Endless())
    return ["token"]


def slow_token(hostile: HostileServer) -> list[str]:
    # A valid answer, padded to 120 bytes, at one byte a second: complete only after 120 s.
    body = json.dumps(token_answer("slowtoken")).encode()
    hostile.route("POST", TOKEN_PATH, Slow(b" " * max(0, 120 - len(body)) + body))
    return ["token"]


def big_keys_declared(hostile: HostileServer) -> list[str]:
    serve_good_token(hostile)
    hostile.route("GET", KEYS_PATH, Stream(200 * MB, prefix=b'{"items": [', filler=b" "))
    return ["keys", "list"]


def big_keys_chunked(hostile: HostileServer) -> list[str]:
    serve_good_token(hostile)
    hostile.route(
        "GET",
        KEYS_PATH,
        Stream(200 * MB, prefix=b'{"items": [', filler=b" ", declare_length=False),
    )
    return ["keys", "list"]


def gzip_bomb_keys(hostile: HostileServer) -> list[str]:
    serve_good_token(hostile)
    hostile.route("GET", KEYS_PATH, Json(gzip_bomb(200 * MB), headers={"Content-Encoding": "gzip"}))
    return ["keys", "list"]


def slow_keys(hostile: HostileServer) -> list[str]:
    serve_good_token(hostile)
    body = json.dumps(keys_page([key_row(1)])).encode()
    hostile.route("GET", KEYS_PATH, Slow(body[:120]))
    return ["keys", "list"]


@pytest.mark.parametrize(
    "attack",
    [
        big_token_declared,
        big_token_chunked,
        endless_token,
        slow_token,
        big_keys_declared,
        big_keys_chunked,
        gzip_bomb_keys,
        slow_keys,
    ],
)
def test_bodies_too_big_or_too_slow(hostile: HostileServer, cli: Cli, attack: Any) -> None:
    argv = attack(hostile)
    result = cli(*argv)  # bounded: 1.5 GiB of address space, 90 s of wall time
    message = expect_api_error(result, hostile)
    assert CAP_OR_DEADLINE.search(message), result.describe()


# -- c. paging claims ---------------------------------------------------------------------------


def test_keys_list_claiming_a_billion_pages(hostile: HostileServer, cli: Cli) -> None:
    serve_good_token(hostile)

    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["1"])[0])
        body = keys_page([key_row(number)], page=number, total_pages=10**9, total_count=10**11)
        return Json(body)

    hostile.route("GET", KEYS_PATH, Dynamic(page))
    result = cli("keys", "list")
    message = expect_api_error(result, hostile)
    assert "page" in message, result.describe()
    assert len(hostile.requests_to(KEYS_PATH)) < 50


def test_installations_list_claiming_a_billion_pages(hostile: HostileServer, cli: Cli) -> None:
    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["0"])[0])
        body = installations_page(
            [installation(number)], page=max(number, 1), page_count=10**9, total=10**11
        )
        return Json(body)

    hostile.route("GET", INSTALLATIONS_PATH, Dynamic(page))
    result = cli("installations", "list")
    message = expect_api_error(result, hostile)
    assert "page" in message, result.describe()
    assert len(hostile.requests_to(INSTALLATIONS_PATH)) < 50


# -- d. odd token answers ----------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["token"], ["token", "--json"], ["keys", "list"]])
def test_an_empty_access_token_is_an_error(
    hostile: HostileServer, cli: Cli, argv: list[str]
) -> None:
    hostile.route("POST", TOKEN_PATH, Json(token_answer("")))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1)])))
    result = cli(*argv)
    message = expect_api_error(result, hostile)
    assert "access_token" in message or "empty" in message, result.describe()
    assert hostile.requests_to(KEYS_PATH) == []


def test_expires_in_as_a_numeric_string_is_accepted(hostile: HostileServer, cli: Cli) -> None:
    token = good_token()
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token, expires_in="3600")))
    plain = cli("token")
    check_common(plain, codes=[0], tokens=[token], tokens_on_stdout=True)
    assert plain.stdout == token + "\n"
    before = time.time()
    as_json = cli("token", "--json")
    check_common(as_json, codes=[0], tokens=[token], tokens_on_stdout=True)
    data = json.loads(as_json.stdout)
    assert data["token"] == token
    assert abs(data["expiresAt"] - (before + 3600)) < 300, as_json.describe()


@pytest.mark.parametrize("argv", [["token"], ["token", "--json"], ["whoami", "-p", CLAIMS_PROFILE]])
def test_expires_in_past_any_date_does_not_crash(
    hostile: HostileServer, cli: Cli, argv: list[str]
) -> None:
    token = good_token()
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token, expires_in=1e17)))
    result = cli(*argv)
    check_common(result, codes=[0, 1], tokens=[token], tokens_on_stdout=argv[0] == "token")
    if result.returncode == 0 and "--json" in argv:
        data = json.loads(result.stdout)
        assert data["token"] == token
        expires = data["expiresAt"]
        assert expires is None or (isinstance(expires, int | float) and math.isfinite(expires))


@pytest.mark.parametrize("argv", [["token"], ["keys", "list"]])
def test_a_negative_lifetime_is_not_a_grant_per_call(
    hostile: HostileServer, cli: Cli, argv: list[str]
) -> None:
    token = good_token()
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token, expires_in=-3600)))

    def page(request: Request) -> Json:
        number = int(request.query.get("page", ["1"])[0])
        return Json(keys_page([key_row(number)], page=number, total_pages=3, total_count=3))

    hostile.route("GET", KEYS_PATH, Dynamic(page))
    result = cli(*argv)
    check_common(result, codes=[0, 1], tokens=[token], tokens_on_stdout=argv == ["token"])
    grants = len(hostile.requests_to(TOKEN_PATH))
    assert grants <= 2, f"{grants} token requests for one command:\n{result.describe()}"
    if result.returncode == 0 and argv == ["keys", "list"]:
        assert "cbx_b2b_key3" in result.stdout


@pytest.mark.parametrize("status", [302, 307])
@pytest.mark.parametrize("profile", [PROFILE, BASIC_PROFILE])
def test_a_redirect_from_the_token_endpoint_is_not_followed(
    hostile: HostileServer, cli: Cli, status: int, profile: str
) -> None:
    hostile.route("POST", TOKEN_PATH, Redirect(STOLEN_PATH, status=status))
    # Were the redirect followed, this would even hand out a working token.
    stolen_token = good_token()
    for method in ("GET", "POST"):
        hostile.route(method, STOLEN_PATH, Json(token_answer(stolen_token)))
    result = cli("token", "-p", profile)
    message = expect_api_error(result, hostile)
    assert "redirect" in message, result.describe()
    for request in hostile.requests_to(STOLEN_PATH):
        assert request.header("authorization") is None, "the redirect target got credentials"
        seen = request.body.decode("utf-8", "replace") + request.target
        for form in secret_forms():
            assert form not in seen, "the redirect target got the client secret"


def test_a_redirect_from_the_api_does_not_carry_the_token(hostile: HostileServer, cli: Cli) -> None:
    token = serve_good_token(hostile)
    hostile.route("GET", KEYS_PATH, Redirect(STOLEN_PATH))
    hostile.route("GET", STOLEN_PATH, Json(keys_page([key_row(1)])))
    result = cli("keys", "list")
    message = expect_api_error(result, hostile)
    assert "redirect" in message, result.describe()
    for request in hostile.requests_to(STOLEN_PATH):
        assert request.header("authorization") is None
        assert token not in request.target


# -- e. redaction of what a server echoes --------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "parts"),
    [
        pytest.param(PROFILE, ("body",), id="post-body"),
        pytest.param(PROFILE, ("headers", "body"), id="post-headers-and-body"),
        pytest.param(BASIC_PROFILE, ("authorization",), id="basic-header"),
        pytest.param(BASIC_PROFILE, ("credential",), id="basic-credential-only"),
        pytest.param(BASIC_PROFILE, ("decoded",), id="basic-decoded"),
        pytest.param(BASIC_PROFILE, ("headers", "body"), id="basic-headers-and-body"),
    ],
)
@pytest.mark.parametrize("status", [400, 401])
def test_an_error_echoing_the_credentials_is_redacted(
    hostile: HostileServer, cli: Cli, profile: str, parts: tuple[str, ...], status: int
) -> None:
    hostile.route("POST", TOKEN_PATH, Echo(parts, status=status))
    result = cli("token", "-p", profile)
    message = expect_api_error(result, hostile)
    assert "invalid_client" in message, result.describe()
    # The echo really carried the credential (else this test proves nothing).
    (grant,) = hostile.requests_to(TOKEN_PATH)
    sent = grant.body.decode() + (grant.header("authorization") or "")
    assert any(form in sent for form in secret_forms())


@pytest.mark.parametrize(
    "bad_token",
    ["evil-token-7f3a\r\nX-Evil: 1", "evil-token-7f3a\nX-Evil: 1", "evil-token-7f3a\rX-Evil: 1"],
    ids=["crlf", "lf", "cr"],
)
def test_a_token_with_line_breaks_is_never_sent_or_shown(
    hostile: HostileServer, cli: Cli, bad_token: str
) -> None:
    hostile.route("POST", TOKEN_PATH, Json(token_answer(bad_token)))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1)])))
    result = cli("keys", "list")
    check_common(result, codes=[1], tokens=[bad_token])
    for text in (result.stdout, result.stderr, result.log or ""):
        assert "X-Evil" not in text and "evil-token-7f3a" not in text, result.describe()
    for request in hostile.requests:
        assert "x-evil" not in request.header_names()


# -- f. terminal escapes in server text ----------------------------------------------------------

ESCAPES = "\x1b]52;c;aGVsbG8=\x07 \x1b]0;pwned\x07 \x1b[2J \x9b31m"
HOSTILE_NAME = f"Evil {ESCAPES} name\x7f\x00end"


def test_escapes_in_key_names_plain(hostile: HostileServer, cli: Cli) -> None:
    token = serve_good_token(hostile)
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1, HOSTILE_NAME), key_row(2)])))
    result = cli("keys", "list")
    check_common(result, codes=[0], tokens=[token])
    assert "cbx_b2b_key1" in result.stdout and "cbx_b2b_key2" in result.stdout
    assert "Evil" in result.stdout


def test_escapes_in_key_names_round_trip_in_json(hostile: HostileServer, cli: Cli) -> None:
    token = serve_good_token(hostile)
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1, HOSTILE_NAME)])))
    result = cli("keys", "list", "--json")
    check_common(result, codes=[0], tokens=[token])
    (key,) = json.loads(result.stdout)
    assert key["displayName"] == HOSTILE_NAME


def test_escapes_in_organization_names(hostile: HostileServer, cli: Cli) -> None:
    hostile.route(
        "GET", INSTALLATIONS_PATH, Json(installations_page([installation(1, HOSTILE_NAME)]))
    )
    result = cli("installations", "list")
    check_common(result, codes=[0])
    assert "inst-1" in result.stdout


def test_escapes_in_userinfo(hostile: HostileServer, cli: Cli) -> None:
    token = serve_good_token(hostile)
    hostile.route("GET", USERINFO_PATH, Json({**USERINFO, "customerLegalName": HOSTILE_NAME}))
    result = cli("whoami")
    check_common(result, codes=[0], tokens=[token])
    assert "Evil" in result.stdout


@pytest.mark.parametrize(
    ("route", "argv", "body", "status"),
    [
        pytest.param(
            ("GET", KEYS_PATH),
            ["keys", "list"],
            {"statusCode": 403, "message": HOSTILE_NAME, "error": "Forbidden"},
            403,
            id="api-403-message",
        ),
        pytest.param(
            ("GET", KEYS_PATH),
            ["keys", "list"],
            {"statusCode": 400, "message": [HOSTILE_NAME, ESCAPES], "error": "Bad Request"},
            400,
            id="api-400-message-list",
        ),
        pytest.param(
            ("POST", TOKEN_PATH),
            ["token"],
            {"error": "invalid_client", "error_description": HOSTILE_NAME},
            400,
            id="token-error-description",
        ),
        pytest.param(
            ("POST", TOKEN_PATH),
            ["token"],
            {"error": HOSTILE_NAME},
            400,
            id="token-error-code",
        ),
        pytest.param(
            ("GET", INSTALLATIONS_PATH),
            ["installations", "list"],
            {"statusCode": 403, "message": HOSTILE_NAME, "error": "Forbidden"},
            403,
            id="registry-403-message",
        ),
    ],
)
def test_escapes_in_error_bodies(
    hostile: HostileServer,
    cli: Cli,
    route: tuple[str, str],
    argv: list[str],
    body: dict[str, Any],
    status: int,
) -> None:
    if route[1] != TOKEN_PATH:
        serve_good_token(hostile)
    hostile.route(*route, Json(body, status=status))
    result = cli(*argv)
    message = expect_api_error(result, hostile)
    assert str(status) in message, result.describe()


@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_escapes_in_a_shape_error(hostile: HostileServer, cli: Cli, as_json: bool) -> None:
    """A wrong-typed field whose value is hostile text: the error names it without the bytes."""
    serve_good_token(hostile)
    bad = keys_page([{"id": 5, "clientId": HOSTILE_NAME, "displayName": ["x"]}])
    hostile.route("GET", KEYS_PATH, Json(bad))
    result = cli("keys", "list", *(["--json"] if as_json else []))
    expect_api_error(result, hostile)
