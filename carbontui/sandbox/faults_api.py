"""``/_sandbox/faults``: install, list and clear faults while the sandbox runs."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from carbontui.sandbox.errors import api_error_body
from carbontui.sandbox.faults import FaultSpecError, check_routes, faults_from_json
from carbontui.sandbox.requests_util import sandbox


async def add_faults(request: Request) -> JSONResponse:
    """Body: one fault object or a list; answers ``{"ids": [...]}``."""
    try:
        faults = faults_from_json(json.loads(await request.body()))
        check_routes(faults, served_routes(request.app.routes))
    except (json.JSONDecodeError, FaultSpecError) as exc:
        return JSONResponse(api_error_body(400, f"bad fault: {exc}"), 400)
    return JSONResponse({"ids": sandbox(request).faults.add(faults)}, 201)


def served_routes(routes: list[BaseRoute]) -> list[tuple[str, str]]:
    """``(method, template)`` of the routes an app serves (HEAD left out, as in stats)."""
    return [
        (method, route.path)
        for route in routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    ]


async def list_faults(request: Request) -> JSONResponse:
    return JSONResponse({"faults": sandbox(request).faults.snapshot()})


async def clear_faults(request: Request) -> JSONResponse:
    sandbox(request).faults.clear()
    return JSONResponse({"faults": []})


async def remove_fault(request: Request) -> JSONResponse:
    fault_id = request.path_params["fault_id"]
    if not sandbox(request).faults.remove(fault_id):
        return JSONResponse(api_error_body(404, f"no fault {fault_id}"), 404)
    return JSONResponse({"removed": fault_id})


def routes() -> list[Route]:
    return [
        Route("/_sandbox/faults", add_faults, methods=["POST"]),
        Route("/_sandbox/faults", list_faults, methods=["GET"]),
        Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
        Route("/_sandbox/faults/{fault_id:int}", remove_fault, methods=["DELETE"]),
    ]
