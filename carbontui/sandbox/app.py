"""The sandbox as an ASGI app (Starlette): routes, middleware and error handlers.

Serving it is ``server.SandboxServer``'s job (uvicorn, on a port); ``carbontui --demo`` calls
it in process instead, through ``httpx.ASGITransport``, so this module imports no server.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from carbontui.sandbox import carbonext_api, carbonext_auth, faults_api, registry, stats
from carbontui.sandbox.errors import (
    ApiError,
    OAuthError,
    handle_api_error,
    handle_http_exception,
    handle_oauth_error,
)
from carbontui.sandbox.fault_middleware import FaultMiddleware
from carbontui.sandbox.middleware import DateHeaderMiddleware, LatencyMiddleware, StatsMiddleware
from carbontui.sandbox.options import SandboxOptions
from carbontui.sandbox.state import SandboxState


def all_routes() -> list[Route]:
    """Every route the sandbox serves."""
    return [
        *carbonext_auth.routes(),
        *carbonext_api.routes(),
        *registry.routes(),
        *stats.routes(),
        *faults_api.routes(),
    ]


def known_routes() -> list[tuple[str, str]]:
    """``(method, template)`` of every route, as ``/_sandbox/stats`` names them (no HEAD)."""
    return sorted(faults_api.served_routes(list(all_routes())))


def create_app(
    options: SandboxOptions | None = None, *, extra_middleware: Sequence[Middleware] = ()
) -> Starlette:
    """The emulator of all three APIs; its state is at ``app.state.sandbox``.

    Faults (``state.faults``) apply inside stats and the Date header, so faulted requests are
    counted and dated, but outside latency and the routes. ``extra_middleware`` runs just
    inside the faults.
    """
    state = SandboxState(options or SandboxOptions())
    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(StatsMiddleware, state=state),
            Middleware(DateHeaderMiddleware, state=state),
            Middleware(FaultMiddleware, state=state),
            *extra_middleware,
            Middleware(LatencyMiddleware, state=state),
        ],
        exception_handlers={
            OAuthError: handle_oauth_error,
            ApiError: handle_api_error,
            HTTPException: handle_http_exception,
        },
    )
    app.state.sandbox = state
    return app
