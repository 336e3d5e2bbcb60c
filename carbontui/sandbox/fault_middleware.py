"""The ASGI middleware that makes faults happen (see ``faults.py`` for what they are)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from starlette.types import Message, Receive, Scope, Send

from carbontui.sandbox.errors import api_error_body
from carbontui.sandbox.faults import TERMINAL_KINDS, Fault
from carbontui.sandbox.middleware import OUTCOME_KEY, ApiMiddleware
from carbontui.sandbox.routing import route_template
from carbontui.sandbox.state import request_clock_offset

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)
#: An envelope no endpoint uses: every field a client looks for is missing.
WRONG_SHAPE = {"success": True, "data": {"unexpected": "shape"}}


class FaultMiddleware(ApiMiddleware):
    """Applies the sandbox's faults to each API request they target."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        fired = self.state.faults.fire(scope["method"], route_template(scope))
        if not fired:
            await self.app(scope, receive, send)
            return
        reset = None
        terminal: Fault | None = None
        for fault in fired:
            if fault.kind == "latency":
                await asyncio.sleep(fault.ms / 1000)
            elif fault.kind == "clock":
                reset = request_clock_offset.set(request_clock_offset.get() + fault.offset)
            else:
                terminal = fault
        try:
            if terminal is None:
                await self.app(scope, receive, send)
                return
            if terminal.after:
                receive = await self._run_discarding(scope, receive)
            await _ANSWERS[terminal.kind](terminal, scope, receive, send)
        finally:
            if reset is not None:
                request_clock_offset.reset(reset)

    async def _run_discarding(self, scope: Scope, receive: Receive) -> Receive:
        """Let the route act, throw its answer away; returns a receive for what follows."""
        body = await _read_body(receive)

        async def discard(message: Message) -> None:
            pass

        await self.app(scope, _replay(body, receive), discard)
        return receive


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _respond(
    send: Send, status: int, body: bytes, content_type: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, payload: object, *headers: tuple[bytes, bytes]) -> None:
    await _respond(send, status, json.dumps(payload).encode(), b"application/json", list(headers))


async def _status(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    status = fault.status or 503
    await _json(send, status, api_error_body(status, f"{HTTPStatus(status).phrase} (injected)"))


async def _ratelimit(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    seconds = fault.retry_after
    value = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
    body = api_error_body(429, "Too Many Requests (injected)")
    await _json(send, 429, body, (b"retry-after", value.encode()))


async def _unauthorized(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    body = api_error_body(401, "Access token is invalid, expired or revoked (injected)")
    await _json(send, 401, body, (b"www-authenticate", b'Bearer error="invalid_token"'))


async def _html(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    await _respond(send, fault.status or 200, HTML_PAGE, b"text/html; charset=utf-8", [])


async def _shape(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    await _json(send, fault.status or 200, WRONG_SHAPE if fault.body is None else fault.body)


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _drop(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    # uvicorn's receive is a bound method of its per-request cycle, which owns the socket;
    # closing that is the only way to end a request with no response at all.
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("drop faults need the sandbox to run under uvicorn")
    scope[OUTCOME_KEY] = "dropped"
    transport.close()
    await _until_disconnect(receive)


async def _hang(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
    try:
        await asyncio.wait_for(_until_disconnect(receive), fault.seconds)
    except TimeoutError:
        await _json(send, 504, api_error_body(504, "Gateway Timeout (injected hang)"))
    else:
        scope[OUTCOME_KEY] = "hung"


_ANSWERS: dict[str, Callable[[Fault, Scope, Receive, Send], Awaitable[None]]] = {
    "status": _status,
    "ratelimit": _ratelimit,
    "unauthorized": _unauthorized,
    "html": _html,
    "shape": _shape,
    "drop": _drop,
    "hang": _hang,
}
assert set(_ANSWERS) == TERMINAL_KINDS
