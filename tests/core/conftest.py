"""Fixtures: loopback sandboxes (one shared, or private ones with their own options/clock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from core_testlib import Sandbox, SandboxFactory, start_sandbox

from carbontui.sandbox import SandboxServer


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One sandbox for tests that only read, or create things nobody else counts."""
    server, box = start_sandbox(
        tmp_path_factory.mktemp("shared"), seed=0, apps=25, installations=12
    )
    box.close()
    yield server
    server.stop()


@pytest.fixture
def sandbox(shared_server: SandboxServer, tmp_path: Path) -> Iterator[Sandbox]:
    """The shared sandbox with a fresh config dir and zeroed stats; clock changes are undone."""
    box = Sandbox(shared_server, tmp_path / "cfg")
    box.reset_stats()
    yield box
    box.close()
    shared_server.state.clock_offset = 0.0
    shared_server.state.latency_ms = 0


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[SandboxFactory]:
    """``make_sandbox(**SandboxOptions) -> Sandbox``: a private sandbox, stopped afterwards."""
    started: list[tuple[SandboxServer, Sandbox]] = []

    def make(**options: Any) -> Sandbox:
        server, box = start_sandbox(tmp_path / f"cfg{len(started)}", **options)
        started.append((server, box))
        return box

    yield make
    for server, box in started:
        box.close()
        server.stop()
