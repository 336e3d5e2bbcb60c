"""Carbonext B2B applications API over loopback HTTP."""

from __future__ import annotations

import httpx
import pytest
from sandbox_testlib import admin_creds, bearer, connect_token, keycloak_token

from carbontui.sandbox import SandboxState
from carbontui.sandbox.records import CarbonextToken

APPS = "/v1/customers/applications"
EXAMPLE_PERMS = [
    {"id": "45bbe1bc-4d5a-4991-baac-42fa95d35824"},
    {"id": "65c514f4-424f-4c82-9827-482d564091c0"},
]


@pytest.fixture
def admin(client: httpx.Client, state: SandboxState) -> dict[str, str]:
    return bearer(keycloak_token(client, *admin_creds(state, "hml")))


@pytest.fixture
def prod_admin(client: httpx.Client, state: SandboxState) -> dict[str, str]:
    return bearer(connect_token(client, *admin_creds(state, "prod"))["access_token"])


def _created_key(
    client: httpx.Client, headers: dict[str, str], perms: list[str], state: SandboxState, name: str
) -> dict[str, str]:
    by_name = {p.name: p.id for p in state.catalog}
    r = client.post(
        APPS,
        headers=headers,
        json={
            "clientId": name,
            "displayName": name,
            "permissions": [{"id": by_name[p]} for p in perms],
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_list_doc_examples(
    client: httpx.Client, admin: dict[str, str], state: SandboxState
) -> None:
    total = len(state.applications)
    r = client.get(APPS, headers=admin)
    assert r.status_code == 200
    body = r.json()
    for field in (
        "items",
        "pageIndex",
        "totalPages",
        "totalCount",
        "hasPreviousPage",
        "hasNextPage",
        "aggregations",
    ):
        assert field in body
    assert body["pageIndex"] == 1 and body["totalCount"] == total
    assert set(body["items"][0]) == {"id", "clientId", "displayName"}
    r = client.get(f"{APPS}?page=2&page-size=10", headers=admin).json()
    assert r["pageIndex"] == 2 and r["hasPreviousPage"] is True
    assert r["totalPages"] == -(-total // 10)
    assert [i["id"] for i in r["items"]] == [a.id for a in state.applications[10:20]]
    assert client.get(f"{APPS}?page=0", headers=admin).json()["pageIndex"] == 1


def test_fetch_doc_example(client: httpx.Client, admin: dict[str, str]) -> None:
    r = client.get(f"{APPS}/a85f6c65-7f65-4c61-a188-8fab18fe844f", headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert body["clientId"] == "cbx_b2b_app_test" and "clientSecret" not in body
    assert [p["name"] for p in body["permissions"]] == ["orders_read", "orders_write"]
    assert set(body["permissions"][0]) == {
        "id",
        "name",
        "description",
        "composite",
        "clientRole",
        "containerId",
        "attributes",
    }
    assert body["permissions"][0]["id"] == "5db0f399-28ab-4980-b320-9c321eea3bb1"


def test_create_doc_examples_and_new_key_works(
    client: httpx.Client, prod_admin: dict[str, str], state: SandboxState
) -> None:
    # en example: customer-id in the query (must be the caller's own customer)
    en = {"clientId": "myapp_name", "displayName": "My test app", "permissions": EXAMPLE_PERMS}
    wrong = client.post(
        f"{APPS}?customer-id=d762a683-cb74-43a4-979a-6579dc53cec1", headers=prod_admin, json=en
    )
    assert wrong.status_code == 403
    r = client.post(f"{APPS}?customer-id={state.customer.id}", headers=prod_admin, json=en)
    assert r.status_code == 201
    created = r.json()
    assert set(created) == {"id", "clientId", "clientSecret"}
    assert created["clientId"] == "cbx_b2b_myapp_name"
    dup = client.post(APPS, headers=prod_admin, json=en)
    assert dup.status_code == 409 and dup.json()["statusCode"] == 409
    # pt example
    pt = {"clientId": "badlbede", "displayName": "Chave de teste", "permissions": EXAMPLE_PERMS}
    r = client.post(APPS, headers=prod_admin, json=pt)
    assert r.status_code == 201 and r.json()["clientId"] == "cbx_b2b_badlbede"
    # fetch shows it without the secret; it is last in the list
    got = client.get(f"{APPS}/{created['id']}", headers=prod_admin).json()
    assert "clientSecret" not in got
    assert {p["name"] for p in got["permissions"]} == {"financial_read", "financial_write"}
    # the new key gets tokens from both flavours at once
    kc = keycloak_token(client, created["clientId"], created["clientSecret"])
    assert kc.count(".") == 2
    info = client.get(
        "/connect/userinfo",
        headers=bearer(
            connect_token(client, created["clientId"], created["clientSecret"])["access_token"]
        ),
    ).json()
    assert sorted(info["permissions"]) == ["financial_read", "financial_write"]
    assert info["customerApplicationId"] == created["id"]


def test_generated_client_id_when_omitted(client: httpx.Client, admin: dict[str, str]) -> None:
    r = client.post(APPS, headers=admin, json={"displayName": "no id", "permissions": []})
    assert r.status_code == 201 and r.json()["clientId"].startswith("cbx_b2b_")
    assert len(r.json()["clientId"]) == len("cbx_b2b_") + 36


def test_permissions_enforced(
    client: httpx.Client, admin: dict[str, str], state: SandboxState
) -> None:
    reader = _created_key(client, admin, ["customer_applications_read"], state, "reader_key")
    nobody = _created_key(client, admin, ["orders_read"], state, "orders_only_key")
    rtok = bearer(keycloak_token(client, reader["clientId"], reader["clientSecret"]))
    ntok = bearer(connect_token(client, nobody["clientId"], nobody["clientSecret"])["access_token"])
    assert client.get(APPS, headers=rtok).status_code == 200
    r = client.post(APPS, headers=rtok, json={"displayName": "x", "permissions": []})
    assert r.status_code == 403 and "customer_applications_write" in r.json()["message"]
    assert client.get(APPS, headers=ntok).status_code == 403
    assert client.get(f"{APPS}/{reader['id']}", headers=ntok).status_code == 403


def test_other_permission_spelling_accepted(client: httpx.Client, state: SandboxState) -> None:
    # auth-connect.md spells it customerApplication_write
    app = state.admin_application("prod")
    state.carbonext_tokens["spelled-token"] = CarbonextToken(
        app.client_id, app.id, ("customerApplication_write",), None, state.now() + 60
    )
    headers = bearer("spelled-token")
    assert client.get(APPS, headers=headers).status_code == 200
    r = client.post(APPS, headers=headers, json={"displayName": "spelled", "permissions": []})
    assert r.status_code == 201
    state.carbonext_tokens["spelled-read"] = CarbonextToken(
        app.client_id, app.id, ("customerApplication_read",), None, state.now() + 60
    )
    assert client.get(APPS, headers=bearer("spelled-read")).status_code == 200
    r = client.post(APPS, headers=bearer("spelled-read"), json={"displayName": "x"})
    assert r.status_code == 403


def test_auth_errors(client: httpx.Client, admin: dict[str, str]) -> None:
    r = client.get(APPS)
    assert r.status_code == 401 and r.json() == {
        "statusCode": 401,
        "message": "Missing bearer access token",
        "error": "Unauthorized",
    }
    assert client.get(APPS, headers=bearer("not-a-token")).status_code == 401
    token = admin["Authorization"].removeprefix("Bearer ")
    head, payload, sig = token.split(".")
    forged = f"{head}.{payload}.{sig[:-4]}AAAA"
    assert client.get(APPS, headers=bearer(forged)).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "JSON"),
        (b"[]", "JSON object"),
        (b'{"clientId": "x"}', "displayName"),
        (b'{"displayName": "x", "clientId": "bad id!"}', "clientId"),
        (b'{"displayName": "x", "permissions": {"id": "y"}}', "permissions"),
        (b'{"displayName": "x", "permissions": [{"id": "nope"}]}', "Unknown permission id"),
    ],
)
def test_create_validation(
    client: httpx.Client, admin: dict[str, str], body: bytes, message: str
) -> None:
    r = client.post(APPS, headers={**admin, "Content-Type": "application/json"}, content=body)
    assert r.status_code == 400
    assert message in r.json()["message"]


def test_not_found_and_bad_paging(client: httpx.Client, admin: dict[str, str]) -> None:
    r = client.get(f"{APPS}/02c75cc5-b575-4b5f-87d8-bf09e6009c23", headers=admin)
    assert r.status_code == 404 and r.json()["statusCode"] == 404
    for query in ("page=-1", "page=x", "page-size=0", "page-size=101"):
        assert client.get(f"{APPS}?{query}", headers=admin).status_code == 400, query
    r = client.get(f"{APPS}?page-size=x", headers=admin)
    assert r.json()["message"] == "Query parameter 'page-size' must be an integer"
