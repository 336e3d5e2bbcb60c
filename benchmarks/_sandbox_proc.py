"""A sandbox in its own process (as a real server would be), with a ready config for it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import _common
import httpx


@dataclass
class Sandbox:
    """A running sandbox process: its URL and the config.toml it wrote."""

    url: str
    config: Path

    def stats(self) -> dict[str, int]:
        """Requests per route so far (``/_sandbox/stats``)."""
        requests: dict[str, int] = httpx.get(f"{self.url}/_sandbox/stats").json()["requests"]
        return requests

    def reset_stats(self) -> None:
        """Zero the request counters."""
        httpx.delete(f"{self.url}/_sandbox/stats")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def sandbox_process(*flags: str) -> Iterator[Sandbox]:
    """``carbontui sandbox FLAGS`` on a free port; stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="carbontui-bench-") as tmp:
        port = _free_port()
        cmd = [sys.executable, "-m", "carbontui", "sandbox", "--port", str(port)]
        proc = subprocess.Popen(
            [*cmd, "--config-out", tmp, *flags],
            stdout=subprocess.PIPE,
            text=True,
            cwd=_common.ROOT,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("wrote "):
                    break
            else:
                raise RuntimeError(f"sandbox exited early (code {proc.wait()})")
            yield Sandbox(f"http://127.0.0.1:{port}", Path(tmp) / "config.toml")
        finally:
            proc.terminate()
            proc.wait(10)
