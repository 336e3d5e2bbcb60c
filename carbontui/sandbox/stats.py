"""``/_sandbox/stats``: request counters for tests and curious users."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from carbontui.sandbox.requests_util import sandbox


async def get_stats(request: Request) -> JSONResponse:
    stats = sandbox(request).stats
    return JSONResponse({"requests": dict(stats.requests), "by_status": dict(stats.by_status)})


async def reset_stats(request: Request) -> JSONResponse:
    sandbox(request).stats.reset()
    return JSONResponse({"requests": {}, "by_status": {}})


def routes() -> list[Route]:
    return [
        Route("/_sandbox/stats", get_stats, methods=["GET"]),
        Route("/_sandbox/stats", reset_stats, methods=["DELETE"]),
    ]
