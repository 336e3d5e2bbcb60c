"""A small scripted HTTP/1.1 server that misbehaves on purpose (loopback only).

It is deliberately *not* the project's sandbox: a plain ``asyncio.start_server`` in a thread of
its own (with its own event loop), so subprocess CLI runs and in-process dashboard tests can both
talk to it. Each test scripts it with ``server.route(method, path, behaviour)``; every request is
recorded (method, path, query, headers, body) so tests can assert what the client sent where.

Every loop here is bounded in bytes and in time, and ``stop()`` cancels whatever is still
running, so a client that hangs on to a connection cannot keep the server (or the test) alive.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: Request bodies past this are cut off (a client sends forms and small JSON only).
MAX_REQUEST_BODY = 1024 * 1024
#: No streamed answer lasts longer than this, whatever its behaviour says.
MAX_STREAM_SECONDS = 60.0
#: Bytes written per chunk by streamed answers (one block reused: nothing grows in memory).
CHUNK = 64 * 1024

REASONS = {
    200: "OK",
    201: "Created",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}


@dataclass
class Request:
    """One request as the server received it."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive), or None."""
        found = None
        for key, value in self.headers:
            if key.lower() == name.lower():
                found = value
        return found

    def header_names(self) -> set[str]:
        return {key.lower() for key, _ in self.headers}


class Conn:
    """What a behaviour gets: the request, the writer, and a way to see the client leave."""

    def __init__(
        self,
        server: HostileServer,
        request: Request,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.server = server
        self.request = request
        self.reader = reader
        self.writer = writer
        self._eof: asyncio.Task[bytes] | None = None

    def client_gone(self) -> bool:
        """True once the client closed its side (or the transport broke)."""
        if self.writer.is_closing():
            return True
        if self._eof is None:
            self._eof = asyncio.ensure_future(self.reader.read(1))
        return self._eof.done()

    def cleanup(self) -> None:
        if self._eof is not None and not self._eof.done():
            self._eof.cancel()

    async def head(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        *,
        length: int | None = None,
        chunked: bool = False,
        close: bool = False,
    ) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Whatever')}"]
        all_headers = {"Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())}
        all_headers.update(headers or {})
        if length is not None:
            all_headers["Content-Length"] = str(length)
        if chunked:
            all_headers["Transfer-Encoding"] = "chunked"
        if close:
            all_headers["Connection"] = "close"
        lines += [f"{k}: {v}" for k, v in all_headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()


class Behaviour:
    """How the server answers one route. ``answer`` returns whether to keep the connection."""

    async def answer(self, conn: Conn) -> bool:
        raise NotImplementedError


def _json_bytes(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


@dataclass
class Json(Behaviour):
    """A complete answer: ``body`` (JSON-encoded unless bytes/str) with a status and headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    async def answer(self, conn: Conn) -> bool:
        data = _json_bytes(self.body)
        headers = {"Content-Type": "application/json", **self.headers}
        await conn.head(self.status, headers, length=len(data))
        conn.writer.write(data)
        await conn.writer.drain()
        return True


@dataclass
class Stream(Behaviour):
    """``size`` bytes generated lazily: ``prefix`` then filler, written one block at a time.

    With ``declare_length`` the Content-Length says the full size; otherwise the body is chunked.
    Stops when the client leaves or after ``MAX_STREAM_SECONDS``.
    """

    size: int
    prefix: bytes = b""
    filler: bytes = b"a"
    declare_length: bool = True
    status: int = 200
    content_type: str = "application/json"
    #: Bytes actually written (read by tests after the run).
    sent: int = 0

    async def answer(self, conn: Conn) -> bool:
        headers = {"Content-Type": self.content_type}
        if self.declare_length:
            await conn.head(self.status, headers, length=self.size, close=True)
        else:
            await conn.head(self.status, headers, chunked=True, close=True)
        block = (self.filler * (CHUNK // len(self.filler) + 1))[:CHUNK]
        deadline = time.monotonic() + MAX_STREAM_SECONDS
        remaining = self.size
        first = self.prefix[: self.size]
        while remaining > 0 and time.monotonic() < deadline and not conn.client_gone():
            piece = first or block[: min(CHUNK, remaining)]
            first = b""
            if self.declare_length:
                conn.writer.write(piece)
            else:
                conn.writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await conn.writer.drain()
            remaining -= len(piece)
            self.sent += len(piece)
        if remaining == 0 and not self.declare_length:
            conn.writer.write(b"0\r\n\r\n")
            await conn.writer.drain()
        return False


@dataclass
class Endless(Behaviour):
    """A chunked body that never ends: until the client leaves, ``max_bytes`` or ``seconds``."""

    prefix: bytes = b'{"access_token": "'
    filler: bytes = b"A"
    max_bytes: int = 4 * 1024**3
    seconds: float = MAX_STREAM_SECONDS
    sent: int = 0

    async def answer(self, conn: Conn) -> bool:
        await conn.head(200, {"Content-Type": "application/json"}, chunked=True, close=True)
        block = (self.filler * (CHUNK // len(self.filler) + 1))[:CHUNK]
        deadline = time.monotonic() + min(self.seconds, MAX_STREAM_SECONDS)
        first = self.prefix
        while self.sent < self.max_bytes and time.monotonic() < deadline:
            if conn.client_gone():
                break
            piece = first or block
            first = b""
            # Counted before the write: a client may read the chunk before drain() returns.
            self.sent += len(piece)
            conn.writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await conn.writer.drain()
        return False


@dataclass
class Slow(Behaviour):
    """``body`` (at most ``max_bytes`` of it) sent one byte every ``interval`` seconds."""

    body: Any
    interval: float = 1.0
    max_bytes: int = 120
    sent: int = 0

    async def answer(self, conn: Conn) -> bool:
        data = _json_bytes(self.body)[: self.max_bytes]
        await conn.head(200, {"Content-Type": "application/json"}, length=len(data), close=True)
        for index in range(len(data)):
            if conn.client_gone():
                break
            conn.writer.write(data[index : index + 1])
            await conn.writer.drain()
            self.sent += 1
            # Sleep in small steps, so a client that leaves is noticed soon.
            until = time.monotonic() + self.interval
            while time.monotonic() < until and not conn.client_gone():
                await asyncio.sleep(0.05)
        return False


@dataclass
class Redirect(Behaviour):
    """A redirect to another path of this same server (absolute URL in ``Location``)."""

    to_path: str
    status: int = 302

    async def answer(self, conn: Conn) -> bool:
        location = conn.server.url + self.to_path
        await conn.head(self.status, {"Location": location}, length=0)
        return True


@dataclass
class Echo(Behaviour):
    """An OAuth-style error whose description echoes what the client sent.

    ``parts`` picks what is echoed: ``body`` (the raw request body), ``authorization`` (the
    whole header value), ``credential`` (the part after the scheme), ``decoded`` (a Basic
    credential base64-decoded), ``headers`` (every header as ``name: value``).
    """

    parts: tuple[str, ...] = ("body",)
    status: int = 400
    error: str = "invalid_client"

    async def answer(self, conn: Conn) -> bool:
        request = conn.request
        auth = request.header("authorization") or ""
        credential = auth.split(" ", 1)[1] if " " in auth else auth
        pieces: list[str] = []
        for part in self.parts:
            if part == "body":
                pieces.append(request.body.decode("utf-8", "replace"))
            elif part == "authorization":
                pieces.append(auth)
            elif part == "credential":
                pieces.append(credential)
            elif part == "decoded":
                with contextlib.suppress(ValueError):
                    pieces.append(base64.b64decode(credential).decode("utf-8", "replace"))
            elif part == "headers":
                pieces.append("; ".join(f"{k}: {v}" for k, v in request.headers))
        body = {"error": self.error, "error_description": "you sent " + " | ".join(pieces)}
        return await Json(body, status=self.status).answer(conn)


@dataclass
class Dynamic(Behaviour):
    """Chooses a behaviour per request (e.g. by page number)."""

    choose: Callable[[Request], Behaviour]

    async def answer(self, conn: Conn) -> bool:
        return await self.choose(conn.request).answer(conn)


NOT_FOUND = Json({"statusCode": 404, "message": "no such route", "error": "Not Found"}, 404)


class HostileServer:
    """The server, on 127.0.0.1 with an ephemeral port, in a daemon thread with its own loop."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Behaviour] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> HostileServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting and records ---------------------------------------------------------------

    def route(self, method: str, path: str, behaviour: Behaviour) -> Behaviour:
        """Answer ``method path`` (query string ignored) with ``behaviour`` from now on."""
        self.routes[(method.upper(), path)] = behaviour
        return behaviour

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str, method: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.path == path and (method is None or r.method == method.upper())
        ]

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
        self.routes.clear()

    # -- the HTTP side -----------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            for _ in range(1000):  # requests per connection, bounded
                request = await self._read_request(reader)
                if request is None:
                    break
                with self._lock:
                    self._requests.append(request)
                behaviour = self.routes.get((request.method, request.path), NOT_FOUND)
                conn = Conn(self, request, reader, writer)
                try:
                    keep = await behaviour.answer(conn)
                finally:
                    conn.cleanup()
                if not keep or conn._eof is not None:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def _read_request(self, reader: asyncio.StreamReader) -> Request | None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        except (asyncio.IncompleteReadError, TimeoutError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            return None
        method, target = parts[0].upper(), parts[1]
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers.append((key.strip(), value.strip()))
        lowered = {k.lower(): v for k, v in headers}
        body = b""
        if lowered.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            size = 0
            while size <= MAX_REQUEST_BODY:
                length = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                if length == 0:
                    await reader.readuntil(b"\r\n")
                    break
                chunk = await reader.readexactly(length)
                await reader.readexactly(2)
                chunks.append(chunk)
                size += length
            body = b"".join(chunks)
        elif lowered.get("content-length", "").isdigit():
            body = await reader.readexactly(min(int(lowered["content-length"]), MAX_REQUEST_BODY))
        return Request(method, target, headers, body)
