"""Helpers shared by the sandbox tests: tokens, app JWTs, headers."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt

from carbontui.sandbox import SandboxState
from carbontui.sandbox.keys import private_pem

KC_TOKEN = "/auth/realms/co2free/protocol/openid-connect/token"
VERSION = {"x-icr-api-version": "2023-06-16"}


def admin_creds(state: SandboxState, env: str) -> tuple[str, str]:
    app = state.admin_application(env)
    return app.client_id, app.client_secret


def keycloak_token(client: httpx.Client, client_id: str, secret: str) -> str:
    r = client.post(
        KC_TOKEN,
        data={
            "client_id": client_id,
            "client_secret": secret,
            "grant_type": "client_credentials",
            "scope": "roles",
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def connect_token(client: httpx.Client, client_id: str, secret: str, **extra: str) -> Any:
    data = {"client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"}
    r = client.post("/connect/token", data={**data, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def app_jwt(
    state: SandboxState,
    *,
    key: Any = None,
    iss: str = "67890",
    iat: float | None = None,
    exp: float | None = None,
    alg: str = "RS256",
) -> str:
    """A CarbonRegistry app JWT signed the way a client should (iat backdated 60 s)."""
    now = time.time() if iat is None else iat + 60
    claims = {"iss": iss, "iat": int(now - 60), "exp": int(exp if exp is not None else now + 540)}
    if iat is not None:
        claims["iat"] = int(iat)
    return jwt.encode(claims, private_pem(key or state.app_private_key), algorithm=alg)


def bearer(token: str, registry: bool = False) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}", "accept": "application/json"}
    return {**headers, **VERSION} if registry else headers
