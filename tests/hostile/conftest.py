"""Fixtures: a hostile server per test, a private config pointing at it, the CLI runner."""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import HostileServer
from hostile_testlib import Cli, write_config


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    """A scripted HTTP server on 127.0.0.1 (ephemeral port), stopped at teardown."""
    with HostileServer() as server:
        yield server


@pytest.fixture
def config_path(hostile: HostileServer, tmp_path: Path) -> Path:
    """config.toml (0600 in a 0700 dir): profiles hostile, claims and basic, timeout = 3."""
    return write_config(tmp_path / "cfg", hostile.url)


@pytest.fixture
def cli(config_path: Path, tmp_path: Path) -> Cli:
    """``cli(*argv) -> Result``: the real executable in a subprocess, bounded."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    return Cli(config_path, state, logs)


#: An in-process test whose resident memory grows by more than this is stopped with an error.
IN_PROCESS_GROWTH = 1024**3
#: The address-space backstop, over what the process had at the test's start.
IN_PROCESS_HEADROOM = 2 * 1024**3
#: A dashboard test whose event loop is blocked this long is dumped and the run ends.
IN_PROCESS_HARD_DEADLINE = 240.0


class MemoryRunaway(MemoryError):
    """Raised in the main thread when an in-process test's memory runs away."""


def _statm() -> tuple[int, int]:
    """(address space, resident) of this process, in bytes."""
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as statm:
        size, resident = statm.read().split()[:2]
    return int(size) * page, int(resident) * page


@pytest.fixture
def bounded_process() -> Iterator[None]:
    """Bounds for tests that run the client in this process (the dashboard via pilot).

    A regression that reads a 200 MB body or plans a billion pages must fail the test, not eat
    the machine. A watchdog thread raises ``MemoryRunaway`` in the main thread (through a
    signal handler, so even a loop that never awaits is interrupted) once resident memory grew
    by ``IN_PROCESS_GROWTH``; the soft address-space limit is a backstop, restored afterwards.
    A loop blocked for good is cut off by faulthandler, which dumps every stack and exits.
    """
    size, resident = _statm()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + IN_PROCESS_HEADROOM
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    stop = threading.Event()
    fired: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        raise MemoryRunaway(f"in-process test grew past {IN_PROCESS_GROWTH >> 20} MiB resident")

    def watch() -> None:
        while not stop.wait(0.05):
            if _statm()[1] - resident > IN_PROCESS_GROWTH and not fired:
                fired.append(1)
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, on_signal)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    faulthandler.dump_traceback_later(IN_PROCESS_HARD_DEADLINE, exit=True)
    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        stop.set()
        watchdog.join(timeout=5)
        faulthandler.cancel_dump_traceback_later()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGUSR1, previous)
    assert not fired, "the test's memory ran away (stopped by the watchdog)"
