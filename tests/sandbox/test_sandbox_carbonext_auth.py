"""Both Carbonext auth flavours over loopback HTTP."""

from __future__ import annotations

import base64

import httpx
import jwt
from sandbox_testlib import KC_TOKEN, admin_creds, bearer, connect_token, keycloak_token

from carbontui.sandbox import SandboxState

KC_USERINFO = "/auth/realms/co2free/protocol/openid-connect/userinfo"
KC_CERTS = "/auth/realms/co2free/protocol/openid-connect/certs"


def test_keycloak_doc_example_and_real_jwt(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "hml")
    r = client.post(
        KC_TOKEN,
        data={
            "client_id": cid,
            "client_secret": secret,
            "grant_type": "client_credentials",
            "scope": "roles",
        },
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "token_type",
        "not-before-policy",
        "scope",
    }
    assert body["refresh_expires_in"] == 0 and body["token_type"] == "Bearer"
    assert body["scope"] == "profile email roles"
    assert "refresh_token" not in body
    jwks = client.get(KC_CERTS).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(
        body["access_token"], key, algorithms=["RS256"], options={"verify_aud": False}
    )
    assert claims["azp"] == cid
    assert claims["exp"] - claims["iat"] == body["expires_in"] == 3600
    assert set(claims["realm_access"]["roles"]) == {p.name for p in state.catalog}
    assert jwt.get_unverified_header(body["access_token"])["kid"] == jwks["keys"][0]["kid"]


def test_keycloak_basic_auth_and_userinfo(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "hml")
    basic = base64.b64encode(f"{cid}:{secret}".encode()).decode()
    r = client.post(
        KC_TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200 and r.json()["scope"] == "profile email"
    info = client.get(KC_USERINFO, headers=bearer(r.json()["access_token"])).json()
    assert info["preferred_username"] == f"service-account-{cid}"
    assert client.get(KC_USERINFO, headers=bearer("nope.nope.nope")).status_code == 401


def test_keycloak_errors(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "hml")
    cases = [
        (
            {"client_id": cid, "client_secret": "wrong", "grant_type": "client_credentials"},
            401,
            "invalid_client",
        ),
        (
            {
                "client_id": "cbx_b2b_nobody",
                "client_secret": "x",
                "grant_type": "client_credentials",
            },
            401,
            "invalid_client",
        ),
        ({"client_id": cid, "client_secret": secret}, 400, "invalid_request"),
        (
            {"client_id": cid, "client_secret": secret, "grant_type": "password"},
            400,
            "unsupported_grant_type",
        ),
        (
            {
                "client_id": cid,
                "client_secret": secret,
                "grant_type": "client_credentials",
                "scope": "roles admin",
            },
            400,
            "invalid_scope",
        ),
        (
            {
                "client_id": cid,
                "client_secret": secret,
                "grant_type": "refresh_token",
                "refresh_token": "x",
            },
            400,
            "invalid_grant",
        ),
    ]
    for data, status, error in cases:
        r = client.post(KC_TOKEN, data=data)
        assert (r.status_code, r.json()["error"]) == (status, error), data
        assert r.json()["error_description"]
    r = client.post(KC_TOKEN, json={"client_id": cid})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_connect_doc_example(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "prod")
    body = connect_token(client, cid, secret, scope="offline_access")
    assert set(body) >= {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) == 43 and body["access_token"].count(".") == 0
    plain = connect_token(client, cid, secret)
    assert "refresh_token" not in plain


def test_connect_userinfo_fields(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "prod")
    token = connect_token(client, cid, secret)["access_token"]
    r = client.get("/connect/userinfo", headers=bearer(token))
    assert r.status_code == 200
    info = r.json()
    for field in (
        "clientId",
        "userId",
        "name",
        "email",
        "isAdmin",
        "isEmailValid",
        "customerId",
        "customerApplicationId",
        "customerTaxId",
        "customerLegalName",
        "permissions",
    ):
        assert field in info
    assert info["clientId"] == cid
    assert info["customerTaxId"] == state.customer.tax_id
    assert info["customerApplicationId"] == state.admin_application("prod").id
    # auth-connect.md spells the keys permission customerApplication_*
    assert "customerApplication_write" in info["permissions"]
    assert "customer_applications_write" not in info["permissions"]
    assert "orders_read" in info["permissions"]


def test_connect_userinfo_rejects_doc_typo_and_bad_tokens(client: httpx.Client) -> None:
    # The doc's token example POSTs the grant to /connect/userinfo.
    r = client.post("/connect/userinfo", data={"grant_type": "client_credentials"})
    assert r.status_code == 401
    assert "/connect/token" in r.json()["error_description"]
    assert client.get("/connect/userinfo", headers=bearer("garbage")).status_code == 401


def test_refresh_rotation(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "prod")
    first = connect_token(client, cid, secret, scope="offline_access")
    refresh = {"grant_type": "refresh_token", "client_id": cid, "client_secret": secret}
    r = client.post("/connect/token", data={**refresh, "refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert set(second) >= {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert second["scope"] == "offline_access"
    assert second["refresh_token"] != first["refresh_token"]
    old = client.post("/connect/token", data={**refresh, "refresh_token": first["refresh_token"]})
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    # a different client cannot use it, and that attempt does not burn it
    other_id, other_secret = admin_creds(state, "hml")
    r = client.post(
        "/connect/token",
        data={
            **refresh,
            "client_id": other_id,
            "client_secret": other_secret,
            "refresh_token": second["refresh_token"],
        },
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = client.post("/connect/token", data={**refresh, "refresh_token": second["refresh_token"]})
    assert r.status_code == 200
    assert client.get("/connect/userinfo", headers=bearer(r.json()["access_token"])).is_success
    missing = client.post("/connect/token", data=refresh)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_connect_errors(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "prod")
    base = {"client_id": cid, "client_secret": secret}
    for data, status, error in [
        (
            {**base, "client_secret": "bad", "grant_type": "client_credentials"},
            400,
            "invalid_client",
        ),
        ({**base, "grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
        ({**base, "grant_type": "client_credentials", "scope": "roles"}, 400, "invalid_scope"),
        (base, 400, "invalid_request"),
    ]:
        r = client.post("/connect/token", data=data)
        assert (r.status_code, r.json()["error"]) == (status, error), data


def test_tokens_expire_on_the_sandbox_clock(client: httpx.Client, state: SandboxState) -> None:
    cid, secret = admin_creds(state, "prod")
    token = connect_token(client, cid, secret)["access_token"]
    kc = keycloak_token(client, *admin_creds(state, "hml"))
    state.clock_offset = 3601
    assert client.get("/connect/userinfo", headers=bearer(token)).status_code == 401
    assert client.get(KC_USERINFO, headers=bearer(kc)).status_code == 401
    assert client.get("/v1/customers/applications", headers=bearer(kc)).status_code == 401
