"""CarbonRegistry App API: app JWT -> access tokens, installations, revoke, organizations."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from carbontui.sandbox.errors import ApiError
from carbontui.sandbox.ids import random_uuid4, registry_token
from carbontui.sandbox.records import RegistryApp, RegistryToken
from carbontui.sandbox.requests_util import base_url, bearer_token, int_param, sandbox
from carbontui.sandbox.state import SandboxState
from carbontui.sandbox.timefmt import iso_z

API_VERSIONS = frozenset({"2023-06-16"})
MAX_JWT_LIFETIME = 600  # exp at most 10 minutes after iat
MAX_IAT_SKEW = 30  # iat may be at most this far in the future
MAX_LIMIT = 100
_ALGORITHMS: dict[str, type[rsa.RSAPublicKey] | type[ec.EllipticCurvePublicKey]] = {
    "RS256": rsa.RSAPublicKey,
    "ES256": ec.EllipticCurvePublicKey,
}


def _check_version(request: Request) -> SandboxState:
    version = request.headers.get("x-icr-api-version")
    if version is None:
        raise ApiError(400, "Missing required header x-icr-api-version (use 2023-06-16)")
    if version not in API_VERSIONS:
        raise ApiError(400, f"Unsupported x-icr-api-version '{version}'; supported: 2023-06-16")
    return sandbox(request)


def _verify_app_jwt(request: Request) -> tuple[SandboxState, RegistryApp]:
    """Check version header, then the app JWT: signature, ``iss``, ``iat`` and ``exp``."""
    import jwt  # here, not at import: a dashboard start never needs it (see ``jws``)

    state = _check_version(request)
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "Missing bearer app JWT")
    if token.startswith("crs_"):
        raise ApiError(401, "This endpoint requires an app JWT, not an access token")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise ApiError(401, "Malformed app JWT") from None
    alg = header.get("alg")
    if alg not in _ALGORITHMS:
        raise ApiError(401, f"Unsupported JWT algorithm {alg!r}; use RS256 or ES256")
    app = state.registry_apps.get(str(unverified.get("iss")))
    if app is None:
        raise ApiError(401, "Unknown app: the JWT 'iss' must be your app id")
    claims = None
    for key in app.public_keys:
        if not isinstance(key, _ALGORITHMS[alg]):
            continue
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
            break
        except jwt.PyJWTError:
            continue
    if claims is None:
        raise ApiError(401, "Invalid JWT signature: it does not match any key of this app")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or not isinstance(exp, int | float):
        raise ApiError(401, "The app JWT must carry numeric 'iat' and 'exp' claims")
    now = state.now()
    if iat > now + MAX_IAT_SKEW:
        raise ApiError(
            401,
            f"JWT not yet valid: 'iat' is {int(iat - now)} s ahead of server time "
            f"{iso_z(now)}; check for clock skew",
        )
    if exp <= now:
        raise ApiError(401, f"JWT expired at {iso_z(exp)} (server time {iso_z(now)})")
    if exp - iat > MAX_JWT_LIFETIME:
        raise ApiError(401, "JWT 'exp' must be at most 10 minutes after 'iat'")
    return state, app


def _access_token(request: Request) -> tuple[SandboxState, RegistryToken]:
    state = _check_version(request)
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "Missing bearer access token")
    record = state.registry_tokens.get(token)
    if record is None or not record.is_active or record.expires_at <= state.now():
        raise ApiError(401, "Access token is invalid, expired or revoked")
    return state, record


def _issue(
    state: SandboxState,
    app: RegistryApp,
    installation_id: str | None,
    organization_id: str | None,
    permissions: Any,
) -> RegistryToken:
    now = float(int(state.now()))
    record = RegistryToken(
        random_uuid4(),
        registry_token(),
        app.app_id,
        installation_id,
        organization_id,
        permissions,
        now,
        now + state.token_ttl,
    )
    state.registry_tokens[record.token] = record
    return record


async def app_access_token(request: Request) -> JSONResponse:
    """An app access token (public resources only)."""
    state, app = _verify_app_jwt(request)
    return JSONResponse(_issue(state, app, None, None, app.permissions).to_json(), 201)


async def installation_access_token(request: Request) -> JSONResponse:
    """An installation access token carrying the installation's permissions."""
    state, app = _verify_app_jwt(request)
    inst = app.installations.get(request.path_params["installation_id"])
    if inst is None:
        raise ApiError(404, f"Installation {request.path_params['installation_id']} not found")
    record = _issue(state, app, inst.id, inst.organization.id, inst.permissions)
    return JSONResponse(record.to_json(), 201)


async def revoke_token(request: Request) -> JSONResponse:
    """Invalidate the access token in the Authorization header; answers ``true``."""
    _, record = _access_token(request)
    record.is_active = False
    return JSONResponse(True)


async def list_installations(request: Request) -> JSONResponse:
    """Paged installations.

    The doc's parameter default is ``page=0`` yet its sample answer says ``currentPage: 1,
    prevPage: 0``: pages are 1-based and page 0 is read as page 1. ``nextPage`` is null on
    the last page (the doc shows no last page); ``prevPage`` is 0 on the first, as shown.
    """
    _, app = _verify_app_jwt(request)
    limit = int_param(request, "limit", 10)
    page = int_param(request, "page", 0)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}")
    if page < 0:
        raise ApiError(400, "page must be >= 0")
    current = max(page, 1)
    table = app.installations
    total = len(table)
    page_count = -(-total // limit)
    rows = table.page((current - 1) * limit, current * limit)
    base = base_url(request)
    body = {
        "pagination": {
            "total": total,
            "currentPage": current,
            "pageCount": page_count,
            "nextPage": current + 1 if current < page_count else None,
            "prevPage": current - 1,
        },
        "installations": [i.to_json(base) for i in rows],
    }
    return JSONResponse(body)


async def get_installation(request: Request) -> JSONResponse:
    """One installation of this app."""
    _, app = _verify_app_jwt(request)
    inst = app.installations.get(request.path_params["installation_id"])
    if inst is None:
        raise ApiError(404, f"Installation {request.path_params['installation_id']} not found")
    return JSONResponse(inst.to_json(base_url(request)))


async def get_organization(request: Request) -> JSONResponse:
    """The organization an installation links to.

    Needs an installation token for that organization with ``organization_info``; an app
    access token may read public organizations (the doc: app tokens reach "public" resources).
    """
    state, record = _access_token(request)
    org_id = request.path_params["organization_id"]
    app = state.registry_apps[record.app_id]
    inst = app.installations.get_by_organization(org_id)
    if inst is None:
        raise ApiError(404, f"Organization {org_id} not found")
    if record.installation_id is None:
        if not inst.organization.is_public:
            raise ApiError(403, "This organization is not public; use an installation token")
    elif record.organization_id != org_id:
        raise ApiError(403, "This installation token belongs to another organization")
    elif "organization_info" not in record.permissions:
        raise ApiError(403, "The installation lacks the organization_info permission")
    return JSONResponse(inst.organization.to_json(base_url(request)))


def routes() -> list[Route]:
    """The App API endpoints."""
    return [
        Route("/app/accessTokens", app_access_token, methods=["POST"]),
        # Registered before /app/installations/{installation_id} so "token" is not an id.
        Route("/app/installations/token", revoke_token, methods=["DELETE"]),
        Route("/app/installations", list_installations, methods=["GET"]),
        Route("/app/installations/{installation_id}", get_installation, methods=["GET"]),
        Route(
            "/app/installations/{installation_id}/accessTokens",
            installation_access_token,
            methods=["POST"],
        ),
        Route("/app/organizations/{organization_id}", get_organization, methods=["GET"]),
    ]
