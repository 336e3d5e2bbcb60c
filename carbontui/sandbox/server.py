"""A background uvicorn server for the sandbox app (``sandbox.app``)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from carbontui.sandbox.app import all_routes, create_app, known_routes
from carbontui.sandbox.options import SandboxOptions
from carbontui.sandbox.state import SandboxState

__all__ = ["SandboxServer", "all_routes", "create_app", "known_routes"]


class _Server(uvicorn.Server):
    """A uvicorn server that signals the moment it accepts connections (no polling)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.ready.set()


class SandboxServer:
    """Runs the sandbox with uvicorn on a daemon thread (port 0 picks a free port)."""

    def __init__(
        self,
        options: SandboxOptions | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app: Starlette | None = None,
    ) -> None:
        self.app = app or create_app(options)
        self.host, self.port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Bind, start serving in the background and return once it accepts connections."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this. Without it every response (headers and body are
        # separate writes) waited ~40 ms for the client's delayed ACK (Nagle).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            date_header=False,  # DateHeaderMiddleware sends the sandbox clock's date instead
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.ready.wait(0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"sandbox did not start on {self.url}")
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Shut down and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = self._thread = None

    def wait(self, poll: float = 0.5) -> None:
        """Block until the server thread ends (KeyboardInterrupt propagates)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(poll)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
