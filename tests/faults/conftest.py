"""One loopback sandbox for the fault matrix; each test starts with no faults and zero stats."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faults_testlib import Sandbox

from carbontui.config import load_config
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config


@pytest.fixture(scope="session")
def faults_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxServer, Path]]:
    with SandboxServer(SandboxOptions(seed=0)) as server:
        path = write_config(tmp_path_factory.mktemp("faults-cfg"), server.url, server.app)
        yield server, path


@pytest.fixture
def box(faults_server: tuple[SandboxServer, Path]) -> Iterator[Sandbox]:
    server, path = faults_server
    sandbox = Sandbox(server, load_config(path))
    sandbox.clear_faults()
    sandbox.reset_stats()
    yield sandbox
    sandbox.clear_faults()
    sandbox.http.close()
