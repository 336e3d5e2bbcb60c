"""Carbonext auth: the Keycloak realm (hml) and the IdentityServer-style /connect (prod)."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from carbontui.sandbox.errors import OAuthError
from carbontui.sandbox.ids import random_uuid4
from carbontui.sandbox.jws import sign_rs256, verify_rs256
from carbontui.sandbox.keys import key_id, rsa_jwk
from carbontui.sandbox.records import Application, CarbonextToken
from carbontui.sandbox.requests_util import base_url, basic_credentials, bearer_token, sandbox
from carbontui.sandbox.state import SandboxState

REALM = "/auth/realms/co2free"
KEYCLOAK_PREFIX = f"{REALM}/protocol/openid-connect"
KEYCLOAK_SCOPES = frozenset({"openid", "profile", "email", "roles", "web-origins"})
CONNECT_SCOPES = frozenset({"offline_access"})
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# /connect/userinfo lists the keys permission as customerApplication_* (auth-connect doc and
# the commented-out hml userinfo), while the applications docs and the catalog say
# customer_applications_*. Each endpoint speaks its own doc's spelling.
_CONNECT_SPELLING = {
    "customer_applications_read": "customerApplication_read",
    "customer_applications_write": "customerApplication_write",
}


async def _form(request: Request) -> dict[str, str]:
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("application/x-www-form-urlencoded"):
        raise OAuthError(
            400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
        )
    # Parsed here rather than with request.form(), which needs python-multipart.
    try:
        pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise OAuthError(400, "invalid_request", "The form body must be UTF-8") from None
    return dict(pairs)


async def _token_request(
    request: Request, *, missing_grant: str
) -> tuple[SandboxState, dict[str, str], str]:
    """The sandbox, the token request's form and its ``grant_type``.

    A missing grant type is refused with ``missing_grant``, worded as each server words it.
    """
    state = sandbox(request)
    form = await _form(request)
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError(400, "invalid_request", missing_grant)
    return state, form, grant


def _authenticate_client(
    request: Request, form: dict[str, str], state: SandboxState, status: int
) -> Application:
    """Client auth by form fields or HTTP Basic; ``status`` is the flavour's invalid_client code."""
    basic = basic_credentials(request)
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if basic is not None:
        if client_id is not None and client_id != basic[0]:
            raise OAuthError(400, "invalid_request", "client_id differs from HTTP Basic user")
        client_id, secret = basic
    if not client_id:
        raise OAuthError(400, "invalid_request", "Missing parameter: client_id")
    app = state.applications_by_client_id.get(client_id)
    if app is None or secret is None or not hmac.compare_digest(secret, app.client_secret):
        raise OAuthError(status, "invalid_client", "Invalid client or Invalid client credentials")
    return app


def _requested_scopes(form: dict[str, str], allowed: frozenset[str]) -> list[str]:
    scopes = form.get("scope", "").split()
    unknown = [s for s in scopes if s not in allowed]
    if unknown:
        raise OAuthError(400, "invalid_scope", f"Invalid scopes: {' '.join(unknown)}")
    return list(dict.fromkeys(scopes))


# -- Keycloak ------------------------------------------------------------------------------


async def keycloak_token(request: Request) -> JSONResponse:
    """Keycloak ``client_credentials``: a real RS256 JWT, no refresh token."""
    state, form, grant = await _token_request(
        request, missing_grant="Missing form parameter: grant_type"
    )
    if grant == "refresh_token":
        # The hml refresh section is commented out in the doc and Keycloak issues no refresh
        # token for client_credentials, so any refresh token presented here is unknown.
        _authenticate_client(request, form, state, 401)
        raise OAuthError(400, "invalid_grant", "Invalid refresh token")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "Unsupported grant_type")
    app = _authenticate_client(request, form, state, 401)
    requested = _requested_scopes(form, KEYCLOAK_SCOPES)
    # Keycloak always adds the client's default scopes (doc: scope=roles -> "profile email roles").
    scope = " ".join(dict.fromkeys(["profile", "email", *requested]))
    now = int(state.now())
    roles = list(state.permission_names(app))
    claims: dict[str, Any] = {
        "exp": now + state.token_ttl,
        "iat": now,
        "jti": random_uuid4(),
        "iss": base_url(request) + REALM,
        "aud": "account",
        "sub": app.id,
        "typ": "Bearer",
        "azp": app.client_id,
        "realm_access": {"roles": roles},
        "scope": scope,
        "clientId": app.client_id,
        "customerId": state.customer.id,
        "preferred_username": f"service-account-{app.client_id}",
        "email_verified": False,
    }
    public = state.realm_key.public_key()
    token = sign_rs256(claims, state.realm_key, key_id(public))
    state.carbonext_tokens["jti:" + claims["jti"]] = CarbonextToken(
        app.client_id, app.id, tuple(roles), scope, claims["exp"]
    )
    body = {
        "access_token": token,
        "expires_in": state.token_ttl,
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": scope,
    }
    return JSONResponse(body, headers=NO_STORE)


def verify_keycloak_jwt(state: SandboxState, token: str) -> CarbonextToken | None:
    """The grant behind a realm JWT if its signature and ``exp`` check out, else None."""
    claims = verify_rs256(token, state.realm_key.public_key())
    if claims is None:
        return None
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= state.now():
        return None
    return state.carbonext_tokens.get(f"jti:{claims.get('jti')}")


async def keycloak_userinfo(request: Request) -> JSONResponse:
    """Keycloak userinfo for a service-account token."""
    state = sandbox(request)
    token = bearer_token(request)
    grant = verify_keycloak_jwt(state, token) if token else None
    if grant is None:
        raise OAuthError(401, "invalid_token", "Token verification failed")
    body = {
        "sub": grant.application_id,
        "email_verified": False,
        "preferred_username": f"service-account-{grant.client_id}",
        "clientId": grant.client_id,
    }
    return JSONResponse(body)


async def keycloak_certs(request: Request) -> JSONResponse:
    """The realm JWKS."""
    return JSONResponse({"keys": [rsa_jwk(sandbox(request).realm_key.public_key())]})


# -- /connect ------------------------------------------------------------------------------


async def connect_token(request: Request) -> JSONResponse:
    """IdentityServer token endpoint: client_credentials and rotating refresh tokens."""
    state, form, grant = await _token_request(request, missing_grant="grant_type is missing")
    if grant not in ("client_credentials", "refresh_token"):
        raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant_type: {grant}")
    # IdentityServer answers a bad client with 400 (Keycloak uses 401).
    app = _authenticate_client(request, form, state, 400)
    if grant == "refresh_token":
        presented = form.get("refresh_token")
        if not presented:
            raise OAuthError(400, "invalid_request", "refresh_token is missing")
        old = state.refresh_grants.pop(presented, None)
        if old is None or old.client_id != app.client_id or old.expires_at <= state.now():
            if old is not None and old.client_id != app.client_id:
                state.refresh_grants[presented] = old  # another client's token stays valid
            raise OAuthError(400, "invalid_grant", "Invalid refresh token")
        scope: str | None = old.scope
    else:
        requested = _requested_scopes(form, CONNECT_SCOPES)
        scope = " ".join(requested) or None
    token = state.new_opaque_token()
    state.carbonext_tokens[token] = CarbonextToken(
        app.client_id, app.id, state.permission_names(app), scope, state.now() + state.token_ttl
    )
    body: dict[str, Any] = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.token_ttl,
    }
    if scope:
        body["scope"] = scope
    if scope and "offline_access" in scope.split():
        body["refresh_token"] = state.issue_refresh_token(app.client_id, scope)
    return JSONResponse(body, headers=NO_STORE)


def lookup_connect_token(state: SandboxState, token: str) -> CarbonextToken | None:
    """The grant behind an opaque /connect token, if unexpired."""
    grant = state.carbonext_tokens.get(token)
    if grant is None or grant.expires_at <= state.now():
        return None
    return grant


async def connect_userinfo(request: Request) -> JSONResponse:
    """The fields auth-connect.md lists for an application key."""
    state = sandbox(request)
    token = bearer_token(request)
    if token is None:
        # The doc's token examples POST to /connect/userinfo by mistake; say so.
        raise OAuthError(
            401,
            "invalid_token",
            "A Bearer access token is required. To obtain one, POST the client credentials "
            "to /connect/token (some doc examples show /connect/userinfo by mistake).",
        )
    grant = lookup_connect_token(state, token)
    if grant is None:
        raise OAuthError(401, "invalid_token", "The access token is invalid or expired")
    body = {
        "clientId": grant.client_id,
        "userId": None,
        "name": None,
        "email": None,
        "isAdmin": False,
        "isEmailValid": None,
        "customerId": state.customer.id,
        "customerApplicationId": grant.application_id,
        "customerTaxId": state.customer.tax_id,
        "customerLegalName": state.customer.legal_name,
        "permissions": sorted(_CONNECT_SPELLING.get(p, p) for p in grant.permissions),
    }
    return JSONResponse(body)


def routes() -> list[Route]:
    """Both auth flavours."""
    return [
        Route(f"{KEYCLOAK_PREFIX}/token", keycloak_token, methods=["POST"]),
        Route(f"{KEYCLOAK_PREFIX}/userinfo", keycloak_userinfo, methods=["GET", "POST"]),
        Route(f"{KEYCLOAK_PREFIX}/certs", keycloak_certs, methods=["GET"]),
        Route("/connect/token", connect_token, methods=["POST"]),
        Route("/connect/userinfo", connect_userinfo, methods=["GET", "POST"]),
    ]
