"""CarbonRegistry App API over loopback HTTP."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sandbox_testlib import VERSION, app_jwt, bearer

from carbontui.sandbox import SandboxState
from carbontui.sandbox.keys import new_rsa_key, public_pem

TOKEN_FIELDS = {
    "id",
    "createdAt",
    "updatedAt",
    "token",
    "expiresAt",
    "isActive",
    "permissions",
    "appId",
}
ORG_FIELDS = {
    "createdAt",
    "updatedAt",
    "fullName",
    "countryCode",
    "city",
    "zip",
    "physicalAddress",
    "registrationNumber",
    "website",
    "logo",
    "id",
    "organizationIndustries",
    "type",
    "isPublic",
    "url",
}
INSTALLATION_FIELDS = {
    "id",
    "createdAt",
    "updatedAt",
    "organization",
    "permissions",
    "appNameId",
    "appId",
    "accessTokensUrl",
}


@pytest.fixture
def app_headers(state: SandboxState) -> dict[str, str]:
    return bearer(app_jwt(state), registry=True)


def _install_token(client: httpx.Client, headers: dict[str, str], installation_id: str) -> dict:
    r = client.post(f"/app/installations/{installation_id}/accessTokens", headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_app_access_token_doc_example(client: httpx.Client, app_headers: dict[str, str]) -> None:
    r = client.post("/app/accessTokens", headers=app_headers)
    assert r.status_code == 201
    body = r.json()
    assert set(body) == TOKEN_FIELDS
    assert body["appId"] == "67890" and body["isActive"] is True
    assert body["token"].startswith("crs_") and len(body["token"]) == 52
    assert body["expiresAt"].endswith("Z")
    assert body["permissions"]["organization_warehouse"] == "WRITE"


def test_installations_doc_examples(
    client: httpx.Client, app_headers: dict[str, str], server, state: SandboxState
) -> None:
    r = client.get("/app/installations?limit=10&page=0", headers=app_headers)
    assert r.status_code == 200
    body = r.json()
    assert body["pagination"] == {
        "total": 12,
        "currentPage": 1,
        "pageCount": 2,
        "nextPage": 2,
        "prevPage": 0,
    }
    assert len(body["installations"]) == 10
    first = body["installations"][0]
    assert set(first) == INSTALLATION_FIELDS and set(first["organization"]) == ORG_FIELDS
    assert set(first["organization"]["organizationIndustries"]) == {"code", "name"}
    assert first["accessTokensUrl"] == f"{server.url}/app/installations/{first['id']}/accessTokens"
    assert first["organization"]["url"].startswith(f"{server.url}/app/organizations/")
    assert first["appId"] == "67890"
    last = client.get("/app/installations?limit=10&page=2", headers=app_headers).json()
    assert last["pagination"]["nextPage"] is None and last["pagination"]["prevPage"] == 1
    assert len(last["installations"]) == 2
    one = client.get(f"/app/installations/{first['id']}", headers=app_headers)
    assert one.status_code == 200 and one.json() == first
    countries = {
        i["organization"]["countryCode"]
        for i in client.get("/app/installations?limit=12", headers=app_headers).json()[
            "installations"
        ]
    }
    assert len(countries) >= 3


def test_installation_token_org_and_revoke(
    client: httpx.Client, app_headers: dict[str, str], server
) -> None:
    first = client.get("/app/installations", headers=app_headers).json()["installations"][0]
    tok = _install_token(client, app_headers, first["id"])
    assert set(tok) == TOKEN_FIELDS | {"installationId", "organizationId"}
    assert tok["installationId"] == first["id"]
    assert tok["organizationId"] == first["organization"]["id"]
    assert tok["permissions"] == first["permissions"]
    org = client.get(
        first["organization"]["url"].removeprefix(server.url),
        headers=bearer(tok["token"], registry=True),
    )
    assert org.status_code == 200 and org.json() == first["organization"]
    r = client.delete("/app/installations/token", headers=bearer(tok["token"], registry=True))
    assert r.status_code == 200 and r.json() is True
    again = client.delete("/app/installations/token", headers=bearer(tok["token"], registry=True))
    assert again.status_code == 401
    org = client.get(
        f"/app/organizations/{tok['organizationId']}", headers=bearer(tok["token"], registry=True)
    )
    assert org.status_code == 401


def test_org_access_rules(
    client: httpx.Client, app_headers: dict[str, str], state: SandboxState
) -> None:
    rows = state.registry_apps["67890"].installations.page(0, 12)
    without = next(i for i in rows if "organization_info" not in i.permissions)
    with_info = rows[0]
    tok = _install_token(client, app_headers, without.id)["token"]
    r = client.get(
        f"/app/organizations/{without.organization.id}", headers=bearer(tok, registry=True)
    )
    assert r.status_code == 403 and "organization_info" in r.json()["message"]
    tok0 = _install_token(client, app_headers, with_info.id)["token"]
    r = client.get(
        f"/app/organizations/{without.organization.id}", headers=bearer(tok0, registry=True)
    )
    assert r.status_code == 403
    r = client.get(
        "/app/organizations/00000000-0000-4000-8000-000000000000",
        headers=bearer(tok0, registry=True),
    )
    assert r.status_code == 404
    app_tok = client.post("/app/accessTokens", headers=app_headers).json()["token"]
    public = next(i for i in rows if i.organization.is_public)
    private = next((i for i in rows if not i.organization.is_public), None)
    r = client.get(
        f"/app/organizations/{public.organization.id}", headers=bearer(app_tok, registry=True)
    )
    assert r.status_code == 200
    if private is not None:
        r = client.get(
            f"/app/organizations/{private.organization.id}", headers=bearer(app_tok, registry=True)
        )
        assert r.status_code == 403


def test_version_header_required(client: httpx.Client, state: SandboxState) -> None:
    token = app_jwt(state)
    r = client.get("/app/installations", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and "x-icr-api-version" in r.json()["message"]
    r = client.get(
        "/app/installations",
        headers={"Authorization": f"Bearer {token}", "x-icr-api-version": "2024-01-01"},
    )
    assert r.status_code == 400 and "2024-01-01" in r.json()["message"]
    r = client.delete("/app/installations/token", headers={"Authorization": "Bearer crs_x"})
    assert r.status_code == 400


def test_jwt_errors(client: httpx.Client, state: SandboxState) -> None:
    now = time.time()

    def status_message(token: str) -> tuple[int, str]:
        r = client.post("/app/accessTokens", headers=bearer(token, registry=True))
        return r.status_code, r.json().get("message", "")

    skew = status_message(app_jwt(state, iat=now + 120, exp=now + 500))
    expired = status_message(app_jwt(state, iat=now - 700, exp=now - 100))
    assert skew[0] == expired[0] == 401
    assert "not yet valid" in skew[1] and "skew" in skew[1]
    assert "expired" in expired[1] and "not yet valid" not in expired[1]
    # within the 30 s allowance is fine
    assert status_message(app_jwt(state, iat=now + 20, exp=now + 500))[0] == 201
    too_long = status_message(app_jwt(state, iat=now - 10, exp=now + 900))
    assert too_long[0] == 401 and "10 minutes" in too_long[1]
    wrong_key = status_message(app_jwt(state, key=new_rsa_key()))
    assert wrong_key[0] == 401 and "signature" in wrong_key[1]
    unknown = status_message(app_jwt(state, iss="99999"))
    assert unknown[0] == 401 and "iss" in unknown[1]
    hs = jwt.encode(
        {"iss": "67890", "iat": int(now), "exp": int(now + 60)}, "secret" * 6, algorithm="HS256"
    )
    assert status_message(hs)[0] == 401
    assert status_message("not-a-jwt")[0] == 401
    no_iat = jwt.encode(
        {"iss": "67890", "exp": int(now + 60)}, state.app_private_key, algorithm="RS256"
    )
    assert status_message(no_iat)[0] == 401
    r = client.post("/app/accessTokens", headers=VERSION)
    assert r.status_code == 401
    # an access token is not an app JWT, and an app JWT cannot be revoked
    assert status_message("crs_" + "0" * 48)[0] == 401
    r = client.delete("/app/installations/token", headers=bearer(app_jwt(state), registry=True))
    assert r.status_code == 401


def test_skew_is_judged_by_the_sandbox_clock(client: httpx.Client, state: SandboxState) -> None:
    state.clock_offset = -300  # the server's clock is 5 minutes behind the client
    r = client.post("/app/accessTokens", headers=bearer(app_jwt(state), registry=True))
    assert r.status_code == 401 and "not yet valid" in r.json()["message"]
    server_now = parsedate_to_datetime(r.headers["date"]).timestamp()
    assert abs(server_now - (time.time() - 300)) < 5
    # re-signing with the server's Date (what the client's retry does) works
    r = client.post(
        "/app/accessTokens", headers=bearer(app_jwt(state, iat=server_now - 60), registry=True)
    )
    assert r.status_code == 201


def test_ec_key_and_extra_app(client: httpx.Client, state: SandboxState) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    state.register_app("67890", public_pem(ec_key.public_key()))
    r = client.post(
        "/app/accessTokens", headers=bearer(app_jwt(state, key=ec_key, alg="ES256"), registry=True)
    )
    assert r.status_code == 201
    # the RSA key keeps working next to it
    assert (
        client.post("/app/accessTokens", headers=bearer(app_jwt(state), registry=True)).status_code
        == 201
    )
    other = new_rsa_key()
    state.register_app("111", public_pem(other.public_key()))
    headers = bearer(app_jwt(state, key=other, iss="111"), registry=True)
    r = client.get("/app/installations", headers=headers)
    assert r.status_code == 200 and r.json()["pagination"]["total"] == 0
    assert client.post("/app/accessTokens", headers=headers).json()["appId"] == "111"


def test_installation_not_found_and_bad_paging(
    client: httpx.Client, app_headers: dict[str, str]
) -> None:
    missing = "123e4567-e89b-12d3-a456-426614174000"
    assert client.get(f"/app/installations/{missing}", headers=app_headers).status_code == 404
    r = client.post(f"/app/installations/{missing}/accessTokens", headers=app_headers)
    assert r.status_code == 404 and r.json()["statusCode"] == 404
    for query in ("limit=0", "limit=101", "page=-1", "limit=ten"):
        assert client.get(f"/app/installations?{query}", headers=app_headers).status_code == 400
    r = client.get("/app/installations?limit=ten", headers=app_headers)
    assert r.json()["message"] == "limit must be an integer"
