"""Dashboard fixtures: a seeded loopback sandbox, a frozen clock, and an app factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_testlib import FROZEN_AT

from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.tui.app import CarbonApp


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(FROZEN_AT)


@pytest.fixture
def sandbox(clock: ManualClock) -> Iterator[SandboxServer]:
    """A real loopback sandbox sharing the test's clock."""
    with SandboxServer(SandboxOptions(seed=0, now=clock)) as server:
        yield server


@pytest.fixture
def config_path(sandbox: SandboxServer, tmp_path: Path) -> Path:
    return write_config(tmp_path / "cfg", sandbox.url, sandbox.app)


@pytest.fixture
def make_app(config_path: Path, clock: ManualClock, tmp_path: Path) -> Callable[..., CarbonApp]:
    """Build a dashboard on the loopback sandbox (keyword args go to CarbonApp)."""

    def build(**kwargs: Any) -> CarbonApp:
        kwargs.setdefault("profile", "sandbox-hml")
        return CarbonApp(
            load_config(config_path),
            clock=clock,
            history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
            **kwargs,
        )

    return build
