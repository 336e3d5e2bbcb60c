"""One loopback sandbox for the use-case tests, and sessions on its generated config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from carbontui.config import Config, load_config
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config


@pytest.fixture(scope="session")
def usecase_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SandboxServer, Path]]:
    with SandboxServer(SandboxOptions(seed=0)) as server:
        path = write_config(tmp_path_factory.mktemp("usecases-cfg"), server.url, server.app)
        yield server, path


@pytest.fixture
def server(usecase_server: tuple[SandboxServer, Path]) -> SandboxServer:
    return usecase_server[0]


@pytest.fixture
def config(usecase_server: tuple[SandboxServer, Path]) -> Config:
    return load_config(usecase_server[1])
