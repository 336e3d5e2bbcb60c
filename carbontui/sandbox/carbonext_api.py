"""Carbonext B2B API: the customer's API keys ("applications")."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from carbontui.sandbox.carbonext_auth import lookup_connect_token, verify_keycloak_jwt
from carbontui.sandbox.errors import ApiError
from carbontui.sandbox.ids import random_uuid4
from carbontui.sandbox.records import CarbonextToken
from carbontui.sandbox.requests_util import bearer_token, int_param, sandbox
from carbontui.sandbox.state import SandboxState

PREFIX = "cbx_b2b_"
MAX_PAGE_SIZE = 100
# The applications docs say customer_applications_*; the auth-connect doc's userinfo lists
# customerApplication_*. Either spelling grants access.
READ = frozenset(
    {
        "customer_applications_read",
        "customer_applications_write",
        "customerApplication_read",
        "customerApplication_write",
    }
)
WRITE = frozenset({"customer_applications_write", "customerApplication_write"})
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _authorize(request: Request, needed: frozenset[str]) -> tuple[SandboxState, CarbonextToken]:
    state = sandbox(request)
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "Missing bearer access token")
    # Realm JWTs (hml) have three dot-separated parts; /connect tokens (prod) are opaque.
    grant = (
        verify_keycloak_jwt(state, token)
        if token.count(".") == 2
        else lookup_connect_token(state, token)
    )
    if grant is None:
        raise ApiError(401, "Invalid or expired access token")
    if not needed.intersection(grant.permissions):
        wanted = "customer_applications_write" if needed is WRITE else "customer_applications_read"
        raise ApiError(403, f"Missing permission: {wanted}")
    customer = request.query_params.get("customer-id")
    if customer is not None and customer != state.customer.id:
        raise ApiError(403, "The access token does not belong to this customer")
    return state, grant


async def list_applications(request: Request) -> JSONResponse:
    """Paged list; ``page`` is 1-based like ``pageIndex`` (page=0 is read as page 1)."""
    state, _ = _authorize(request, READ)
    page = int_param(request, "page", 1, label="Query parameter 'page'")
    size = int_param(request, "page-size", 10, label="Query parameter 'page-size'")
    if page < 0:
        raise ApiError(400, "Query parameter 'page' must be >= 1")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ApiError(400, f"Query parameter 'page-size' must be between 1 and {MAX_PAGE_SIZE}")
    page = max(page, 1)
    total = len(state.applications)
    pages = -(-total // size)
    start = (page - 1) * size
    items = [a.summary_json() for a in state.applications[start : start + size]]
    body = {
        "items": items,
        "pageIndex": page,
        "totalPages": pages,
        "totalCount": total,
        "aggregations": None,  # en doc only
        "hasPreviousPage": page > 1,
        "hasNextPage": page < pages,
    }
    return JSONResponse(body)


async def get_application(request: Request) -> JSONResponse:
    """One key with its full permission objects (never its secret)."""
    state, _ = _authorize(request, READ)
    app = state.applications_by_id.get(request.path_params["id"])
    if app is None:
        raise ApiError(404, f"Application {request.path_params['id']} not found")
    body = app.summary_json()
    body["permissions"] = [state.permissions_by_id[p].to_json() for p in app.permission_ids]
    return JSONResponse(body)


async def create_application(request: Request) -> JSONResponse:
    """Create a key: ``cbx_b2b_`` is prefixed to clientId; the secret is shown only here."""
    state, _ = _authorize(request, WRITE)
    try:
        payload: Any = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "Request body must be a JSON object") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "Request body must be a JSON object")
    display = payload.get("displayName")
    if not isinstance(display, str) or not display.strip():
        raise ApiError(400, "displayName is required")
    raw_client = payload.get("clientId")
    if raw_client is None or raw_client == "":
        client_id = PREFIX + random_uuid4()
    elif not isinstance(raw_client, str) or not _CLIENT_ID_RE.match(raw_client):
        raise ApiError(400, "clientId may only contain letters, digits, '_', '-' and '.'")
    else:
        # Docs: "we always add the cbx_b2b_ prefix"; an already-prefixed id is not doubled.
        client_id = raw_client if raw_client.startswith(PREFIX) else PREFIX + raw_client
    perms = payload.get("permissions", [])
    if not isinstance(perms, list):
        raise ApiError(400, 'permissions must be an array of {"id": ...} objects')
    ids: list[str] = []
    for item in perms:
        pid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(pid, str):
            raise ApiError(400, 'permissions must be an array of {"id": ...} objects')
        if pid not in state.permissions_by_id:
            raise ApiError(400, f"Unknown permission id: {pid}")
        ids.append(pid)
    if client_id in state.applications_by_client_id:
        raise ApiError(409, f"An application with clientId {client_id} already exists")
    app = state.add_application(client_id, display.strip(), tuple(dict.fromkeys(ids)))
    body = {"id": app.id, "clientId": app.client_id, "clientSecret": app.client_secret}
    return JSONResponse(body, status_code=201)


def routes() -> list[Route]:
    """The applications endpoints."""
    return [
        Route("/v1/customers/applications", list_applications, methods=["GET"]),
        Route("/v1/customers/applications", create_application, methods=["POST"]),
        Route("/v1/customers/applications/{id}", get_application, methods=["GET"]),
    ]
