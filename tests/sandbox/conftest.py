"""Fixtures: one loopback sandbox per session, plus helpers to get tokens from it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from carbontui.sandbox import SandboxOptions, SandboxServer, SandboxState


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxOptions(seed=0, apps=25, installations=12)) as srv:
        yield srv


@pytest.fixture
def state(server: SandboxServer) -> Iterator[SandboxState]:
    """The live state; clock and latency changes are undone after each test."""
    yield server.state
    server.state.clock_offset = 0.0
    server.state.latency_ms = 0


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c
