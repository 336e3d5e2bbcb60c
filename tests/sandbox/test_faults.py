"""Fault injection over real loopback HTTP: SPEC parsing, /_sandbox/faults, every kind, stats."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from sandbox_testlib import admin_creds, app_jwt, bearer, connect_token

from carbontui.sandbox import SandboxServer, SandboxState
from carbontui.sandbox.faults import Fault, FaultSpecError, parse_spec

LIST = "/v1/customers/applications"
CERTS = "/auth/realms/co2free/protocol/openid-connect/certs"


@pytest.fixture
def faulty(server: SandboxServer, client: httpx.Client) -> Iterator[httpx.Client]:
    """The shared sandbox's client, with zeroed stats before and no faults after."""
    client.delete("/_sandbox/stats")
    yield client
    client.delete("/_sandbox/faults")


def add(client: httpx.Client, fault: dict[str, Any] | list[dict[str, Any]]) -> list[int]:
    r = client.post("/_sandbox/faults", json=fault)
    assert r.status_code == 201, r.text
    ids: list[int] = r.json()["ids"]
    return ids


def stats(client: httpx.Client) -> dict[str, Any]:
    return client.get("/_sandbox/stats").json()  # type: ignore[no-any-return]


def list_keys(client: httpx.Client, state: SandboxState) -> httpx.Response:
    cid, secret = admin_creds(state, "prod")
    token = connect_token(client, cid, secret)["access_token"]
    return client.get(LIST, headers=bearer(token))


# -- SPEC ------------------------------------------------------------------------------------


def test_spec_key_values_and_shorthands() -> None:
    [fault] = parse_spec("503,route=GET /v1/customers/applications,count=2")
    assert fault == Fault("status", route="GET /v1/customers/applications", count=2, status=503)
    [fault] = parse_spec("429, retry_after=2.5, route=registry, p=0.5, seed=3")
    assert (fault.kind, fault.retry_after, fault.probability, fault.seed) == (
        "ratelimit",
        2.5,
        0.5,
        3,
    )
    [fault] = parse_spec("kind=drop,route=POST /v1/customers/applications,after=true")
    assert fault.after and fault.kind == "drop"
    [fault] = parse_spec('shape,body={"items": 3}')
    assert fault.body == {"items": 3}
    faults = parse_spec('[{"kind": "clock", "offset": 600}, {"kind": "hang", "seconds": 2}]')
    assert [(f.kind, f.offset, f.seconds) for f in faults] == [
        ("clock", 600.0, 60.0),
        ("hang", 0.0, 2.0),
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("explode", "unknown fault kind 'explode'"),
        ("404", "5xx"),
        ("503,count=0", "count must be >= 1"),
        ("503,p=2", "probability"),
        ("503,colour=red", "unknown fault key 'colour'"),
        ("503,count=two", "bad value for count"),
        ("503,route=v1/customers", "neither"),
        ("route=GET /x", "needs a kind"),
        ("503,GET /x", "not key=value"),
        ("{not json", "invalid JSON"),
    ],
)
def test_spec_errors_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        parse_spec(spec)


def test_cli_rejects_bad_spec() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "carbontui", "sandbox", "--port", "0", "--faults", "502,p=7"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "probability" in result.stderr


def test_cli_installs_faults(tmp_path: Any) -> None:
    args = ["sandbox", "--port", "0", "--faults", "503,route=/connect/token,count=1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbontui", *args, "--faults", "latency,ms=5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        faults = httpx.get(f"{url}/_sandbox/faults").json()["faults"]
        assert [(f["id"], f["kind"], f.get("count")) for f in faults] == [
            (1, "status", 1),
            (2, "latency", None),
        ]
        assert httpx.post(f"{url}/connect/token").status_code == 503
        assert httpx.post(f"{url}/connect/token").status_code == 400
    finally:
        proc.terminate()
        proc.wait(10)


# -- /_sandbox/faults ------------------------------------------------------------------------


def test_faults_endpoint_adds_lists_removes_and_clears(faulty: httpx.Client) -> None:
    first, second = add(faulty, [{"kind": "status", "route": "registry"}, {"kind": "latency"}])
    [third] = add(faulty, {"kind": "html", "route": "GET /app/installations", "count": 1})
    assert second == first + 1 and third == second + 1
    listed = faulty.get("/_sandbox/faults").json()["faults"]
    assert [(f["id"], f["kind"], f["fired"]) for f in listed] == [
        (first, "status", 0),
        (second, "latency", 0),
        (third, "html", 0),
    ]
    assert faulty.delete(f"/_sandbox/faults/{second}").json() == {"removed": second}
    assert faulty.delete(f"/_sandbox/faults/{second}").status_code == 404
    assert faulty.delete("/_sandbox/faults").json() == {"faults": []}
    assert faulty.get("/_sandbox/faults").json() == {"faults": []}


def test_bad_fault_is_a_400(faulty: httpx.Client) -> None:
    r = faulty.post("/_sandbox/faults", json={"kind": "status", "status": 404})
    assert r.status_code == 400 and "5xx" in r.json()["message"]
    assert faulty.post("/_sandbox/faults", content=b"{").status_code == 400


def test_internal_routes_are_never_faulted(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "status", "route": "*"})
    assert faulty.get("/_sandbox/stats").status_code == 200
    assert faulty.get("/_sandbox/faults").status_code == 200


# -- targeting, count, probability -----------------------------------------------------------


def test_count_fires_that_many_times_then_stops(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "status", "status": 502, "route": f"GET {CERTS}", "count": 2})
    codes = [faulty.get(CERTS).status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    assert faulty.get("/_sandbox/faults").json()["faults"][0]["fired"] == 2
    s = stats(faulty)
    assert s["requests"] == {f"GET {CERTS}": 3}
    assert s["by_status"] == {"502": 2, "200": 1}


@pytest.mark.parametrize(
    ("route", "hits"),
    [
        ("*", {"certs", "list", "installations"}),
        ("carbonext", {"certs", "list"}),
        ("carbonext-auth", {"certs"}),
        ("carbonext-api", {"list"}),
        ("registry", {"installations"}),
        ("GET /app/installations", {"installations"}),
        ("POST /app/installations", set()),
        ("/v1/customers/applications", {"list"}),
    ],
)
def test_routes_and_families(
    faulty: httpx.Client, state: SandboxState, route: str, hits: set[str]
) -> None:
    cid, secret = admin_creds(state, "prod")
    token = connect_token(faulty, cid, secret)["access_token"]
    jwt_headers = bearer(app_jwt(state), registry=True)
    add(faulty, {"kind": "status", "status": 500, "route": route})
    requests = {
        "certs": lambda: faulty.get(CERTS),
        "list": lambda: faulty.get(LIST, headers=bearer(token)),
        "installations": lambda: faulty.get("/app/installations", headers=jwt_headers),
    }
    failed = {name for name, call in requests.items() if call().status_code == 500}
    assert failed == hits


def test_probability_is_seeded(faulty: httpx.Client) -> None:
    def pattern() -> list[int]:
        add(faulty, {"kind": "status", "route": f"GET {CERTS}", "probability": 0.5, "seed": 42})
        codes = [faulty.get(CERTS).status_code for _ in range(20)]
        faulty.delete("/_sandbox/faults")
        return codes

    first = pattern()
    assert first == pattern()
    assert 0 < first.count(503) < 20


# -- each kind -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503])
def test_status(faulty: httpx.Client, state: SandboxState, status: int) -> None:
    add(faulty, {"kind": "status", "status": status, "route": f"GET {LIST}"})
    r = list_keys(faulty, state)
    assert r.status_code == status
    assert r.json()["statusCode"] == status
    assert stats(faulty)["by_status"] == {"200": 1, str(status): 1}


def test_ratelimit_sends_retry_after(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "ratelimit", "retry_after": 7})
    r = faulty.get(CERTS)
    assert r.status_code == 429 and r.headers["retry-after"] == "7"


def test_latency_delays_then_answers(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "latency", "ms": 200, "route": f"GET {CERTS}"})
    started = time.perf_counter()
    assert faulty.get(CERTS).status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_hang_lasts_past_the_client_timeout_and_is_counted(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "hang", "route": f"GET {CERTS}"})
    with pytest.raises(httpx.ReadTimeout):
        faulty.get(CERTS, timeout=0.3)
    faulty.delete("/_sandbox/faults")
    assert faulty.get(CERTS).status_code == 200
    s = stats(faulty)
    assert s["requests"] == {f"GET {CERTS}": 2}
    assert s["by_status"] == {"hung": 1, "200": 1}


def test_hang_gives_up_with_504(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "hang", "seconds": 0.1})
    assert faulty.get(CERTS).status_code == 504


def test_drop_closes_without_a_response(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "drop", "count": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        faulty.get(CERTS)
    assert faulty.get(CERTS).status_code == 200
    s = stats(faulty)
    assert s["requests"] == {f"GET {CERTS}": 2}
    assert s["by_status"] == {"dropped": 1, "200": 1}


def test_html_error_page(faulty: httpx.Client) -> None:
    add(faulty, {"kind": "html", "status": 502})
    r = faulty.get(CERTS)
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.startswith("<!DOCTYPE html>")


def test_wrong_shape_is_valid_json(faulty: httpx.Client, state: SandboxState) -> None:
    add(faulty, {"kind": "shape", "route": f"GET {LIST}"})
    r = list_keys(faulty, state)
    assert r.status_code == 200 and "items" not in r.json()
    faulty.delete("/_sandbox/faults")
    add(faulty, {"kind": "shape", "body": [1, 2], "route": f"GET {LIST}"})
    assert list_keys(faulty, state).json() == [1, 2]


def test_unauthorized_rejects_a_valid_token(faulty: httpx.Client, state: SandboxState) -> None:
    add(faulty, {"kind": "unauthorized", "route": f"GET {LIST}", "count": 1})
    cid, secret = admin_creds(state, "prod")
    token = connect_token(faulty, cid, secret)["access_token"]
    r = faulty.get(LIST, headers=bearer(token))
    assert r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]
    assert faulty.get(LIST, headers=bearer(token)).status_code == 200


def test_clock_offset_skews_jwt_checks_and_date(faulty: httpx.Client, state: SandboxState) -> None:
    add(faulty, {"kind": "clock", "offset": 3600, "route": "registry"})
    headers = bearer(app_jwt(state), registry=True)
    r = faulty.get("/app/installations", headers=headers)
    assert r.status_code == 401 and "expired" in r.json()["message"]
    assert abs(parsedate_to_datetime(r.headers["date"]).timestamp() - time.time() - 3600) < 5
    # Other routes, and this one once the fault is gone, keep the real clock.
    date = faulty.get(CERTS).headers["date"]
    assert abs(parsedate_to_datetime(date).timestamp() - time.time()) < 5
    faulty.delete("/_sandbox/faults")
    assert faulty.get("/app/installations", headers=headers).status_code == 200


def test_after_runs_the_route_then_loses_its_answer(
    faulty: httpx.Client, state: SandboxState
) -> None:
    cid, secret = admin_creds(state, "prod")
    token = connect_token(faulty, cid, secret)["access_token"]
    body = {"clientId": "fault_after", "displayName": "After", "permissions": []}
    before = len(state.applications)
    add(faulty, {"kind": "drop", "route": f"POST {LIST}", "after": True, "count": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        faulty.post(LIST, json=body, headers=bearer(token))
    assert len(state.applications) == before + 1
    assert state.applications[-1].client_id == "cbx_b2b_fault_after"
    add(faulty, {"kind": "status", "status": 502, "route": f"POST {LIST}", "count": 1})
    body["clientId"] = "fault_before"
    assert faulty.post(LIST, json=body, headers=bearer(token)).status_code == 502
    assert len(state.applications) == before + 1


def test_modifier_and_terminal_combine(faulty: httpx.Client) -> None:
    add(faulty, [{"kind": "latency", "ms": 100}, {"kind": "status"}, {"kind": "html"}])
    started = time.perf_counter()
    assert faulty.get(CERTS).status_code == 503  # the first terminal fault wins
    assert time.perf_counter() - started >= 0.1
    fired = [f["fired"] for f in faulty.get("/_sandbox/faults").json()["faults"]]
    assert fired == [1, 1, 0]
