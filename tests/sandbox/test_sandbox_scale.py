"""100 000 keys and installations: seeding, determinism and paging over loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sandbox_testlib import admin_creds, app_jwt, bearer, connect_token

from carbontui.sandbox import SandboxOptions, SandboxServer, create_app
from carbontui.sandbox.ids import cnpj_is_valid

N = 100_000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[SandboxServer, float]]:
    started = time.perf_counter()
    app = create_app(SandboxOptions(seed=7, apps=N, installations=N))
    seeded = time.perf_counter() - started
    with SandboxServer(app=app) as srv:
        yield srv, seeded


def test_big_keys_paging(big: tuple[SandboxServer, float]) -> None:
    srv, seeded = big
    print(f"seeded {N} keys + {N} installations in {seeded:.2f}s")
    state = srv.state
    with httpx.Client(base_url=srv.url) as client:
        headers = bearer(connect_token(client, *admin_creds(state, "prod"))["access_token"])
        started = time.perf_counter()
        last = client.get("/v1/customers/applications?page=1000&page-size=100", headers=headers)
        print(f"last page of keys in {1000 * (time.perf_counter() - started):.1f} ms")
        body = last.json()
        assert body["totalCount"] == N and body["totalPages"] == 1000
        assert body["hasNextPage"] is False and body["hasPreviousPage"] is True
        assert [i["id"] for i in body["items"]] == [a.id for a in state.applications[-100:]]
        beyond = client.get(
            "/v1/customers/applications?page=1001&page-size=100", headers=headers
        ).json()
        assert beyond["items"] == [] and beyond["hasNextPage"] is False
        odd = client.get(
            "/v1/customers/applications?page=3334&page-size=30", headers=headers
        ).json()
        assert len(odd["items"]) == N - 3333 * 30 and odd["totalPages"] == 3334


def test_big_installations_paging(big: tuple[SandboxServer, float]) -> None:
    srv, _ = big
    headers = bearer(app_jwt(srv.state), registry=True)
    with httpx.Client(base_url=srv.url) as client:
        started = time.perf_counter()
        r = client.get("/app/installations?limit=100&page=1000", headers=headers)
        print(f"last page of installations in {1000 * (time.perf_counter() - started):.1f} ms")
        body = r.json()
        assert body["pagination"] == {
            "total": N,
            "currentPage": 1000,
            "pageCount": 1000,
            "nextPage": None,
            "prevPage": 999,
        }
        assert len(body["installations"]) == 100
        last_id = body["installations"][-1]["id"]
        one = client.get(f"/app/installations/{last_id}", headers=headers)
        assert one.status_code == 200 and one.json() == body["installations"][-1]
        first = client.get("/app/installations?limit=100&page=1", headers=headers).json()
        assert {i["id"] for i in first["installations"]}.isdisjoint(
            i["id"] for i in body["installations"]
        )


def test_same_seed_same_data() -> None:
    now = 1_800_000_000.0
    a, b, c = (
        create_app(SandboxOptions(seed=s, apps=40, installations=30, now=lambda: now)).state.sandbox
        for s in (5, 5, 6)
    )

    def fingerprint(state) -> tuple:
        keys = [
            (x.id, x.client_id, x.client_secret, x.display_name, x.permission_ids, x.created_at)
            for x in state.applications
        ]
        inst = [
            i.to_json("http://x") for i in state.registry_apps["67890"].installations.page(0, 30)
        ]
        return (state.customer, [p.to_json() for p in state.catalog], keys, inst)

    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    assert a.admin_application("hml").client_secret == b.admin_application("hml").client_secret
    assert cnpj_is_valid(a.customer.tax_id) and cnpj_is_valid(c.customer.tax_id)
    assert len(a.customer.tax_id) == 18 and a.customer.tax_id[10:15] == "/0001"
    assert a.customer.legal_name.endswith(("Ltda.", "S.A.", "Eireli", "Ltda. ME"))
    orgs = [i.organization for i in a.registry_apps["67890"].installations.page(0, 30)]
    assert len({o.country_code for o in orgs}) >= 4
    assert all(o.created_at < now for o in orgs)
    br = [o for o in orgs if o.country_code == "BR"]
    assert all(cnpj_is_valid(o.registration_number) for o in br)
