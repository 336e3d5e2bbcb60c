"""Pure-ASGI middleware: request stats, the clock-driven Date header, artificial latency.

Each takes the sandbox state so it follows runtime changes (clock offset, latency). A fault
injector can slot in beside these (see ``create_app(extra_middleware=...)``).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbontui.sandbox.routing import route_template
from carbontui.sandbox.state import SandboxState
from carbontui.sandbox.timefmt import http_date

INTERNAL_PREFIX = "/_sandbox"
#: Set in the scope by a fault that sent no answer at all, so stats count what happened.
OUTCOME_KEY = "sandbox.outcome"


class ApiMiddleware:
    """Middleware bound to the sandbox state that acts on API requests only.

    Anything else (lifespan, the sandbox's own ``/_sandbox/...`` endpoints) passes straight
    through; subclasses implement ``handle`` for the rest.
    """

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(INTERNAL_PREFIX):
            await self.app(scope, receive, send)
        else:
            await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Process one API request."""
        raise NotImplementedError


class StatsMiddleware(ApiMiddleware):
    """Counts every API request by ``"METHOD /route/template"`` as it arrives, and by status
    (or by what happened instead, e.g. ``"dropped"``) when it ends.

    Counting on arrival means a client that gave up on a hung request sees it counted.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.state.stats.record_request(f"{scope['method']} {route_template(scope)}")
        status: int | str = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            # A fault that sent no answer says what happened in the (shared) scope dict.
            self.state.stats.record_status(scope.get(OUTCOME_KEY, status))


class DateHeaderMiddleware:
    """Sets ``Date`` from the sandbox clock (uvicorn's own is disabled), so clients can
    correct their skew against the server's notion of time."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", http_date(self.state.now()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


class LatencyMiddleware(ApiMiddleware):
    """Delays every API response by ``state.latency_ms``."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        delay = self.state.latency_ms
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        await self.app(scope, receive, send)
