"""``carbontui api`` through ``carbontui.cli.main`` against the loopback sandbox."""

from __future__ import annotations

import functools
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_testlib import Run
from core_testlib import (
    APP_TOKEN,
    CREATE_KEY,
    GET_INSTALLATION,
    INSTALLATION_TOKEN,
    LIST_INSTALLATIONS,
    LIST_KEYS,
    ORGANIZATION,
    NoSleep,
    Sandbox,
    SandboxFactory,
    no_wait_retry,
)

import carbontui.commands.context as context_module
from carbontui.api import raw
from carbontui.api.session import ProfileSession
from carbontui.commands.api_cmd import MAX_INPUT, head
from carbontui.history import ActionHistory
from carbontui.redaction import MASK, register_secret
from carbontui.sandbox.faults import Fault


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> NoSleep:
    """Every session the CLI builds retries without really sleeping; the waits are recorded."""
    sleep = NoSleep()
    monkeypatch.setattr(
        context_module,
        "ProfileSession",
        functools.partial(ProfileSession, retry=no_wait_retry(sleep)),
    )
    return sleep


@pytest.fixture
def run(
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sleeps: NoSleep,
) -> Run:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    return Run(capsys, sandbox.config_path)


@pytest.fixture
def private(
    make_sandbox: SandboxFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sleeps: NoSleep,
) -> Iterator[tuple[Sandbox, Run]]:
    """A sandbox of this test's own (for faults and for keys nobody else may count)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    box = make_sandbox(apps=5, installations=3)
    yield box, Run(capsys, box.config_path)


def documents(text: str) -> list[Any]:
    """Every JSON document in ``text``, one after another."""
    decoder, found, position = json.JSONDecoder(), [], 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        value, position = decoder.raw_decode(text, position)
        found.append(value)
    return found


def installations(sandbox: Sandbox) -> list[Any]:
    table = sandbox.state.registry_apps["67890"].installations
    return list(table.page(0, 10_000))


def as_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


# -- plain requests --------------------------------------------------------------------------


def test_get_on_carbonext_prints_the_body_as_received(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("api", "/v1/customers/applications?page-size=5")
    assert (code, err) == (0, "")
    page = json.loads(out)
    assert [item["id"] for item in page["items"]] == [a.id for a in sandbox.state.applications[:5]]
    assert "\n" not in out.strip()  # raw bytes to a pipe, not re-indented
    assert sandbox.stats() == {
        "POST /auth/realms/co2free/protocol/openid-connect/token": 1,
        LIST_KEYS: 1,
    }


def test_get_on_the_registry_signs_the_app_endpoints_with_the_jwt(
    sandbox: Sandbox, run: Run
) -> None:
    inst = installations(sandbox)[0]
    code, out, err = run("api", f"/app/installations/{inst.id}")
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == inst.id
    assert sandbox.stats() == {GET_INSTALLATION: 1}  # no token minted: the JWT itself


def test_registry_app_token_then_installation_token(sandbox: Sandbox, run: Run) -> None:
    inst = next(i for i in installations(sandbox) if not i.organization.is_public)
    path = f"/app/organizations/{inst.organization.id}"
    code, out, err = run("api", path)
    assert (code, out) == (1, "")
    assert err == (
        f"carbontui: error: GET {path} (403): This organization is not public; "
        "use an installation token\n"
    )
    assert sandbox.stats() == {APP_TOKEN: 1, ORGANIZATION: 1}
    code, out, err = run("api", path, "--installation", inst.id)
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == inst.organization.id
    assert sandbox.stats() == {APP_TOKEN: 1, ORGANIZATION: 2, INSTALLATION_TOKEN: 1}


def test_forced_credential_and_an_unused_installation(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("api", "--auth", "app", "/app/installations")
    assert (code, out) == (1, "")
    assert "(401): This endpoint requires an app JWT, not an access token" in err
    inst = installations(sandbox)[0]
    code, out, err = run("api", "/app/installations", "--installation", inst.id)
    assert code == 0 and json.loads(out)["installations"]
    assert err == "carbontui: --installation is not used: this request carries the jwt credential\n"
    assert INSTALLATION_TOKEN not in sandbox.stats()


def test_a_4xx_exits_1_with_the_servers_error(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("api", "/v1/customers/applications/nope")
    assert (code, out) == (1, "")
    assert err == (
        "carbontui: error: GET /v1/customers/applications/nope (404): Application nope not found\n"
    )
    code, out, err = run("--json", "api", "/v1/customers/applications/nope")
    assert (code, out) == (1, "")
    assert json.loads(err)["error"].endswith("(404): Application nope not found")


def test_get_fields_are_query_parameters(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run(
        "api", "-X", "GET", "/v1/customers/applications", "-f", "page=2", "-f", "page-size=4"
    )
    assert code == 0
    page = json.loads(out)
    assert page["pageIndex"] == 2
    assert [i["id"] for i in page["items"]] == [a.id for a in sandbox.state.applications[4:8]]


def test_terminal_output_is_pretty_and_inert(
    private: tuple[Sandbox, Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, run = private
    app = box.state.add_application("cbx_b2b_api_tty", "evil\x9b31m\u202ename", ())
    as_terminal(monkeypatch)
    code, out, _ = run("api", f"/v1/customers/applications/{app.id}")
    assert code == 0
    assert out.startswith("{\n  ")
    assert "\x9b" not in out and "\u202e" not in out
    assert "\\u009b31m\\u202ename" in out
    assert json.loads(out)["displayName"] == "evil\x9b31m\u202ename"


def test_non_json_text_is_printed_as_text(
    private: tuple[Sandbox, Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, run = private
    box.state.faults.add([Fault("html", route=LIST_KEYS)])
    path = LIST_KEYS.split(" ", 1)[1]
    code, piped, _ = run("api", path)
    assert code == 0 and piped.startswith("<!DOCTYPE html>\n<html>")
    as_terminal(monkeypatch)
    code, shown, _ = run("api", path)
    assert (code, shown) == (0, piped)  # clean text is shown as it is (see the hostile tests)


def test_include_prints_the_status_line_and_headers(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("api", "-i", "/v1/customers/applications?page-size=1")
    assert code == 0
    head_text, body = out.split("\n\n", 1)
    lines = head_text.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "content-type: application/json" in lines[1:]
    assert not any(line.lower().startswith("authorization") for line in lines)
    assert len(json.loads(body)["items"]) == 1


def test_head_redacts_and_neutralises() -> None:
    register_secret("s3cr3t-known-value")
    response = httpx.Response(
        200,
        headers=[
            ("X-Echo", "Bearer abcdefghijklmnop"),
            ("X-Known", "was s3cr3t-known-value"),
            ("X-Token", "crs_0123456789abcdef"),
            ("X-Title", "\x9b2J\u202e\x1b]0;t\x07".encode()),
        ],
    )
    text = head(response)
    assert text.startswith("HTTP/1.1 200 OK\n") and text.endswith("\n\n")
    assert "abcdefghijklmnop" not in text and "s3cr3t" not in text and "crs_" not in text
    assert text.count(MASK) == 3
    assert "\x9b" not in text and "\u202e" not in text and "\x1b" not in text


# -- paging ----------------------------------------------------------------------------------


def test_paginate_carbonext_prints_one_document_per_page(sandbox: Sandbox, run: Run) -> None:
    total = len(sandbox.state.applications)
    code, out, err = run("api", "--paginate", "/v1/customers/applications?page-size=7")
    assert (code, err) == (0, "")
    pages = documents(out)
    assert len(pages) == -(-total // 7) == sandbox.stats()[LIST_KEYS]
    assert [p["pageIndex"] for p in pages] == list(range(1, len(pages) + 1))
    ids = [item["id"] for page in pages for item in page["items"]]
    assert ids == [a.id for a in sandbox.state.applications]


def test_paginate_registry_follows_next_page(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("api", "--paginate", "/app/installations?limit=5")
    assert code == 0
    pages = documents(out)
    expected = installations(sandbox)
    assert len(pages) == -(-len(expected) // 5) == sandbox.stats()[LIST_INSTALLATIONS]
    ids = [i["id"] for page in pages for i in page["installations"]]
    assert ids == [i.id for i in expected]


def test_slurp_merges_every_page_like_the_listings(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("api", "--paginate", "--slurp", "/v1/customers/applications?page-size=6")
    assert code == 0
    merged = json.loads(out)
    assert merged["pages"] == sandbox.stats()[LIST_KEYS] == -(-len(sandbox.state.applications) // 6)
    code, listing, _ = run("keys", "list", "--json")
    assert code == 0
    assert [i["id"] for i in merged["items"]] == [k["id"] for k in json.loads(listing)]
    assert len(merged["items"]) == len(sandbox.state.applications)
    code, out, _ = run(
        "api", "--paginate", "--slurp", "/app/installations", "-X", "GET", "-f", "limit=5"
    )
    merged = json.loads(out)
    code, listing, _ = run("installations", "list", "--json")
    assert merged["pages"] == -(-len(installations(sandbox)) // 5)
    assert [i["id"] for i in merged["items"]] == [i["id"] for i in json.loads(listing)]


def test_paginate_without_a_page_prints_the_document(sandbox: Sandbox, run: Run) -> None:
    inst = installations(sandbox)[0]
    code, out, _ = run("api", "--paginate", f"/app/installations/{inst.id}")
    assert code == 0 and [d["id"] for d in documents(out)] == [inst.id]
    code, out, err = run("api", "--paginate", "--slurp", f"/app/installations/{inst.id}")
    assert (code, out) == (1, "")
    assert "--slurp: the answer is not a page of rows" in err


# -- writes ----------------------------------------------------------------------------------


def test_fields_make_a_json_post(private: tuple[Sandbox, Run]) -> None:
    box, run = private
    read = next(p.id for p in box.state.catalog if p.name == "customer_applications_read")
    code, out, err = run(
        "api",
        "/v1/customers/applications",
        "-f",
        "clientId=api_made",
        "-f",
        "displayName=By api",
        "-F",
        f'permissions=[{{"id": "{read}"}}]',
    )
    assert (code, err) == (0, "")
    created = json.loads(out)
    assert created["clientId"] == "cbx_b2b_api_made" and created["clientSecret"]
    app = box.state.applications_by_client_id["cbx_b2b_api_made"]
    assert (app.display_name, app.permission_ids) == ("By api", (read,))
    code, out, err = run("api", "/v1/customers/applications", "-F", "displayName=By api")
    assert (code, out) == (2, "")
    assert "-F displayName: the value is not JSON (use -f for a string)" in err
    code, out, _ = run("api", "-X", "GET", "/v1/customers/applications", "-F", "page-size=2")
    assert code == 0 and len(json.loads(out)["items"]) == 2
    assert box.stats()[CREATE_KEY] == 1
    (entry,) = ActionHistory().entries()
    assert (entry.profile, entry.action, entry.outcome) == (
        "sandbox-hml",
        "api-request",
        "ok (201)",
    )


def test_input_file_and_stdin(
    private: tuple[Sandbox, Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box, run = private
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"clientId": "from_file", "displayName": "File"}))
    code, out, _ = run("api", "/v1/customers/applications", "--input", str(body))
    assert code == 0 and json.loads(out)["clientId"] == "cbx_b2b_from_file"
    stdin = json.dumps({"clientId": "from_stdin", "displayName": "Stdin"}).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code, out, _ = run("api", "/v1/customers/applications", "--input", "-")
    assert code == 0 and json.loads(out)["clientId"] == "cbx_b2b_from_stdin"
    assert box.stats()[CREATE_KEY] == 2


def test_input_is_capped(
    sandbox: Sandbox, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.truncate(MAX_INPUT + 1)
    code, out, err = run("api", "/v1/customers/applications", "--input", str(big))
    assert (code, out) == (2, "")
    assert "larger than 16 MiB" in err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b" " * (MAX_INPUT + 1))))
    code, out, err = run("api", "/v1/customers/applications", "--input", "-")
    assert (code, out) == (2, "")
    assert "standard input is larger than 16 MiB" in err
    code, _, err = run("api", "/v1/customers/applications", "--input", str(tmp_path))
    assert code == 2
    assert sandbox.stats() == {}


def test_a_post_is_never_retried_a_get_is(private: tuple[Sandbox, Run], sleeps: NoSleep) -> None:
    box, run = private
    box.state.faults.add([Fault("status", route=CREATE_KEY, status=503)])
    code, out, err = run("api", "-X", "POST", "/v1/customers/applications", "-f", "displayName=x")
    assert (code, out) == (1, "")
    assert err.startswith("carbontui: error: POST /v1/customers/applications (503)")
    assert box.stats()[CREATE_KEY] == 1
    assert sleeps.delays == []
    box.state.faults.add([Fault("status", route=LIST_KEYS, status=503, count=1)])
    code, out, _ = run("api", "/v1/customers/applications")
    assert code == 0 and json.loads(out)["items"]
    assert box.stats()[LIST_KEYS] == 2
    assert len(sleeps.delays) == 1
    entries = [(e.action, e.objects, e.outcome) for e in ActionHistory().entries()]
    assert entries == [
        (
            "api-request",
            ("carbonext POST /v1/customers/applications",),
            "error: POST /v1/customers/applications (503): Service Unavailable (injected)",
        )
    ]


def test_read_only_refuses_a_post_but_reads(sandbox: Sandbox, run: Run) -> None:
    argv = ("api", "-X", "POST", "/v1/customers/applications", "-f", "displayName=x")
    code, out, err = run("--read-only", *argv)
    assert (code, out) == (2, "")
    assert err == (
        "carbontui: error: send a POST request refused: profile 'sandbox-hml' is read-only\n"
    )
    code, _, err = run("--read-only", "api", "-X", "DELETE", "/v1/customers/applications/x")
    assert code == 2 and "send a DELETE request refused" in err
    assert sandbox.stats() == {}
    code, out, _ = run("--read-only", "api", "/v1/customers/applications")
    assert code == 0 and json.loads(out)["items"]
    assert ActionHistory().entries() == []  # reads are not recorded, refusals send nothing


def test_a_write_on_prod_needs_confirmation(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run(
        "-p", "sandbox-prod", "api", "-X", "POST", "/v1/customers/applications", "-f", "a=b"
    )
    assert (code, out) == (2, "")
    assert "send a POST request on production profile 'sandbox-prod' needs confirmation" in err
    assert sandbox.stats() == {}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["https://evil.example/v1/x"], "give a path of the service"),
        (["//evil.example/v1/x"], "give a path of the service"),
        (["http:/evil.example/v1/x"], "give a path of the service"),
        (["--slurp", "/v1/customers/applications"], "--slurp needs --paginate"),
        (["--paginate", "-X", "POST", "/v1/customers/applications"], "--paginate follows GET"),
        (["--paginate", "--slurp", "-i", "/v1/x"], "--include does not go with --slurp"),
        (["/v1/x", "-f", "novalue"], "expected KEY=VALUE"),
        (["-X", "GET /x HTTP/1.1", "/v1/x"], "not an HTTP method"),
        (["--service", "carbonext", "--installation", "i", "/v1/x"], "are for the registry"),
        (["--auth", "installation", "/app/x"], "--auth installation needs --installation"),
        (["--service", "carbonext", "--auth", "app", "/v1/x"], "are for the registry"),
        (["-X", "DELETE", "/app/installations/token"], "carbontui installations revoke"),
    ],
)
def test_usage_errors_send_nothing(
    sandbox: Sandbox, run: Run, argv: list[str], message: str
) -> None:
    code, out, err = run("api", *argv)
    assert (code, out) == (2, "")
    assert message in err
    assert sandbox.stats() == {}


def test_split_path() -> None:
    assert raw.split_path("/v1/a%2Fb?x=1&x=2&y=") == (
        "/v1/a%2Fb",
        [("x", "1"), ("x", "2"), ("y", "")],
    )
    assert raw.split_path("v1/x#frag") == ("/v1/x", [])
    assert raw.split_path("/a b/é") == ("/a%20b/%C3%A9", [])


def test_registry_credential_rules() -> None:
    jwt, app, inst = raw.RegistryCredential
    cases = {
        "/app/accessTokens": jwt,
        "/app/installations": jwt,
        "/app/installations/": jwt,
        "/app/installations/abc?x=1": jwt,
        "/app/installations/abc/accessTokens": jwt,
        "/app/installations/token": app,
        "/app/organizations/o": app,
        "/projects": app,
    }
    for path, kind in cases.items():
        assert raw.registry_credential(path, None) is kind, path
    assert raw.registry_credential("/app/organizations/o", "i") is inst
    assert raw.registry_credential("/app/installations/x", "i") is jwt
