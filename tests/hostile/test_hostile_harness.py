"""The harness itself: benign answers from the hostile server give clean successes, and the
server's misbehaviours are what they claim to be. If these fail, the attack tests prove nothing."""

from __future__ import annotations

import json
import socket
import time

import httpx
from hostile_server import Echo, Endless, HostileServer, Json, Redirect, Slow, Stream
from hostile_testlib import (
    CLAIMS_PROFILE,
    CLIENT_ID,
    INSTALLATIONS_PATH,
    KEYS_PATH,
    SECRET,
    TOKEN_PATH,
    USERINFO,
    USERINFO_PATH,
    Cli,
    check_common,
    installation,
    installations_page,
    key_row,
    keys_page,
    make_jwt,
    token_answer,
)


def test_a_valid_token_answer_gives_exit_0(hostile: HostileServer, cli: Cli) -> None:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    result = cli("token")
    check_common(result, codes=[0], tokens=[token], tokens_on_stdout=True)
    assert result.stdout == token + "\n"
    (grant,) = hostile.requests_to(TOKEN_PATH)
    assert b"client_secret=" in grant.body and grant.header("authorization") is None


def test_whoami_keys_and_installations_on_benign_answers(hostile: HostileServer, cli: Cli) -> None:
    token = make_jwt({"realm_access": {"roles": ["customerApplication_read"]}})
    hostile.route("POST", TOKEN_PATH, Json(token_answer(token)))
    hostile.route("GET", USERINFO_PATH, Json(USERINFO))
    hostile.route("GET", KEYS_PATH, Json(keys_page([key_row(1), key_row(2)])))
    hostile.route("GET", INSTALLATIONS_PATH, Json(installations_page([installation(1)])))

    whoami = cli("whoami")
    check_common(whoami, codes=[0], tokens=[token])
    assert "Hostile Ltda" in whoami.stdout
    claims = cli("whoami", "-p", CLAIMS_PROFILE, "--json")
    check_common(claims, codes=[0], tokens=[token])
    assert json.loads(claims.stdout)["roles"] == ["customerApplication_read"]
    keys = cli("keys", "list")
    check_common(keys, codes=[0], tokens=[token])
    assert "cbx_b2b_key2" in keys.stdout
    listed = cli("installations", "list", "--json")
    check_common(listed, codes=[0], tokens=[token])
    assert [i["id"] for i in json.loads(listed.stdout)] == ["inst-1"]
    # The API calls carried the bearer token; the installations call the app's own JWT.
    (keys_request,) = hostile.requests_to(KEYS_PATH)
    assert keys_request.header("authorization") == f"Bearer {token}"
    inst_request = hostile.requests_to(INSTALLATIONS_PATH)[0]
    assert (inst_request.header("authorization") or "").startswith("Bearer eyJ")


def test_an_api_error_is_one_clean_line(hostile: HostileServer, cli: Cli) -> None:
    hostile.route("POST", TOKEN_PATH, Echo(("body",), status=401))
    result = cli("token")
    check_common(result)
    assert result.returncode == 1


# -- the server's behaviours, seen by a plain httpx client ------------------------------------


def test_server_streams_without_holding_the_body(hostile: HostileServer) -> None:
    big = hostile.route("GET", "/big", Stream(200 * 1024 * 1024, declare_length=False))
    with httpx.Client(base_url=hostile.url, timeout=10) as client:
        with client.stream("GET", "/big") as response:
            assert response.headers["transfer-encoding"] == "chunked"
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read > 1024 * 1024:
                    break
        # The server notices the client left and stops well short of 200 MB.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            before = big.sent  # type: ignore[attr-defined]
            time.sleep(0.3)
            if big.sent == before:  # type: ignore[attr-defined]
                break
        assert big.sent < 100 * 1024 * 1024  # type: ignore[attr-defined]
        declared = hostile.route("GET", "/declared", Stream(200 * 1024 * 1024))
        with client.stream("GET", "/declared") as response:
            assert response.headers["content-length"] == str(200 * 1024 * 1024)
        assert declared.sent < 100 * 1024 * 1024  # type: ignore[attr-defined]


def test_server_endless_slow_redirect_echo(hostile: HostileServer) -> None:
    endless = hostile.route("GET", "/endless", Endless())
    hostile.route("GET", "/slow", Slow({"a": 1}, interval=0.2, max_bytes=5))
    hostile.route("POST", "/redirect", Redirect("/stolen", status=307))
    hostile.route("POST", "/echo", Echo(("body", "authorization", "credential", "decoded")))
    with httpx.Client(base_url=hostile.url, timeout=10) as client:
        with client.stream("GET", "/endless") as response:
            for _ in response.iter_raw():
                break
        assert endless.sent > 0  # type: ignore[attr-defined]
        started = time.monotonic()
        assert client.get("/slow").content == b'{"a":'
        assert time.monotonic() - started >= 0.6
        moved = client.post("/redirect", data={"x": "1"})
        assert moved.status_code == 307
        assert moved.headers["location"] == f"{hostile.url}/stolen"
        echoed = client.post(
            "/echo", data={"client_secret": SECRET}, auth=httpx.BasicAuth(CLIENT_ID, SECRET)
        )
        text = echoed.json()["error_description"]
        assert "client_secret=p%40ss%2Bw%2Frd" in text and "Basic " in text and SECRET in text
    methods_paths = [(r.method, r.path) for r in hostile.requests]
    assert ("POST", "/stolen") not in methods_paths
    assert ("POST", "/echo") in methods_paths


def test_server_binds_loopback_only(hostile: HostileServer) -> None:
    with socket.create_connection(("127.0.0.1", hostile.port), timeout=5):
        pass
    assert hostile.url.startswith("http://127.0.0.1:")
