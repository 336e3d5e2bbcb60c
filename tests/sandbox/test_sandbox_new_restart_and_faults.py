"""A restarted ``--config-out`` sandbox keeps its app key; fault routes and shorthands."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sandbox_testlib import app_jwt

from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.sandbox.config_out import KEY_FILE, reusable_app_key
from carbontui.sandbox.faults import FaultSpecError, check_routes, fault_from_json, parse_spec
from carbontui.sandbox.keys import private_pem
from carbontui.sandbox.server import known_routes

DEADLINE = 60.0
TOKEN = "/app/accessTokens"


def _key_numbers(key: Any) -> Any:
    return key.private_numbers()


# -- the app key across restarts -------------------------------------------------------------


def test_a_second_sandbox_on_the_same_config_out_accepts_the_first_key(
    tmp_path: Path, server: SandboxServer
) -> None:
    write_config(tmp_path, server.url, server.app)
    key = reusable_app_key(tmp_path)
    assert key is not None
    assert _key_numbers(key) == _key_numbers(server.state.app_private_key)
    with SandboxServer(SandboxOptions(seed=0, apps=3, installations=1, app_key=key)) as again:
        jwt = app_jwt(server.state)  # signed by a client that loaded the first run's key
        headers = {"Authorization": f"Bearer {jwt}", "x-icr-api-version": "2023-06-16"}
        r = httpx.post(f"{again.url}{TOKEN}", headers=headers)
        assert r.status_code in (200, 201), r.text


def test_only_our_own_rsa_key_is_reused(tmp_path: Path, server: SandboxServer) -> None:
    assert reusable_app_key(tmp_path) is None  # nothing there
    write_config(tmp_path, server.url, server.app)
    (tmp_path / KEY_FILE).write_bytes(private_pem(ec.generate_private_key(ec.SECP256R1())))
    assert reusable_app_key(tmp_path) is None  # not an RSA key
    (tmp_path / KEY_FILE).write_bytes(b"not a key")
    assert reusable_app_key(tmp_path) is None
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text("# the user's own config\n")
    (other / KEY_FILE).write_bytes(private_pem(server.state.app_private_key))
    assert reusable_app_key(other) is None  # a config.toml we did not write


def _serve_once(config_out: Path) -> bytes:
    """Start ``carbontui sandbox --config-out``, wait for its config, stop it; the key file."""
    args = ["--port", "0", "--apps", "3", "--installations", "1", "--config-out", str(config_out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbontui", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()])
    reader.start()
    try:
        while not lines.get(timeout=DEADLINE).startswith("wrote "):
            pass
        return (config_out / KEY_FILE).read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=DEADLINE)
        reader.join(DEADLINE)
        if proc.stderr is not None:
            proc.stderr.close()


def test_restarting_the_sandbox_cli_keeps_the_app_key(tmp_path: Path) -> None:
    first = _serve_once(tmp_path)
    assert _serve_once(tmp_path) == first


# -- fault routes ----------------------------------------------------------------------------


def test_a_route_that_matches_nothing_is_refused_with_suggestions() -> None:
    with pytest.raises(FaultSpecError) as caught:
        check_routes(parse_spec("503,route=GET /v1/customer/applications"), known_routes())
    message = str(caught.value)
    assert "matches no sandbox route" in message
    assert "did you mean 'GET /v1/customers/applications'" in message
    assert "POST /app/accessTokens" in message  # the known routes are listed
    for spec in (
        "503,route=GET /v1/customers/applications",
        "503,route=/app/installations/{installation_id}",
        "429,route=registry",
        "clock,offset=3600",
    ):
        check_routes(parse_spec(spec), known_routes())


BAD_ROUTE = "503,route=POST /v1/customers/application"


def test_cli_rejects_a_fault_route_that_matches_nothing() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "carbontui", "sandbox", "--port", "0", "--faults", BAD_ROUTE],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert r.returncode == 2
    assert "did you mean 'POST /v1/customers/applications'" in r.stderr


@pytest.fixture
def faults_client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.delete("/_sandbox/faults")
        yield client
        client.delete("/_sandbox/faults")


def test_faults_api_refuses_a_route_that_matches_nothing(faults_client: httpx.Client) -> None:
    r = faults_client.post("/_sandbox/faults", json={"kind": "503", "route": "/v1/custmers"})
    assert r.status_code == 400 and "matches no sandbox route" in r.text
    assert faults_client.get("/_sandbox/faults").json() == {"faults": []}


# -- the README's shorthands, as SPEC and as JSON --------------------------------------------

README_SHORTHANDS: list[tuple[str, dict[str, Any]]] = [
    (
        "503,route=GET /v1/customers/applications,count=2",
        {"kind": "503", "route": "GET /v1/customers/applications", "count": 2},
    ),
    ("429,retry_after=2,route=registry", {"kind": "429", "retry_after": 2, "route": "registry"}),
    (
        "drop,route=POST /v1/customers/applications,after=true",
        {"kind": "drop", "route": "POST /v1/customers/applications", "after": True},
    ),
    ("clock,offset=3600", {"kind": "clock", "offset": 3600}),
    ("500", {"kind": 500}),
    ("502", {"kind": "502"}),
    ("503", {"kind": "503"}),
    ("latency,ms=5", {"kind": "latency", "ms": 5}),
    ("hang,seconds=1", {"kind": "hang", "seconds": 1}),
    ("html", {"kind": "html"}),
    ("shape", {"kind": "shape"}),
    ("unauthorized", {"kind": "unauthorized"}),
    ("503,p=0.3,seed=7", {"kind": "503", "p": 0.3, "seed": 7}),
    ("429,retry-after=2", {"kind": "ratelimit", "retry-after": "2"}),
    ("kind=503,count=1", {"kind": "status", "status": 503, "count": "1"}),
]


@pytest.mark.parametrize(("spec", "body"), README_SHORTHANDS, ids=[s for s, _ in README_SHORTHANDS])
def test_json_takes_every_shorthand_a_spec_takes(
    faults_client: httpx.Client, spec: str, body: dict[str, Any]
) -> None:
    [expected] = parse_spec(spec)
    assert fault_from_json(body) == expected
    r = faults_client.post("/_sandbox/faults", json=body)
    assert r.status_code == 201, r.text
    [listed] = faults_client.get("/_sandbox/faults").json()["faults"]
    assert listed["kind"] == expected.kind and listed.get("status") == expected.status


def test_json_status_shorthand_answers_with_that_status(faults_client: httpx.Client) -> None:
    body = {"kind": "503", "route": "GET /v1/customers/applications", "count": 1}
    assert faults_client.post("/_sandbox/faults", json=body).status_code == 201
    assert faults_client.get("/v1/customers/applications").status_code == 503
    assert faults_client.get("/v1/customers/applications").status_code == 401  # spent
