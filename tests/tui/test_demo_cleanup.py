"""``--demo`` keeps to its throw-away directory and removes it on SIGHUP and SIGTERM too."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from carbontui import launch
from carbontui.cli import main
from carbontui.tui.app import CarbonApp

CLEANUP_SIGNALS = [signal.SIGHUP, signal.SIGTERM]


def test_demo_history_stays_in_the_demo_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("CARBONTUI_STATE_DIR", str(state))
    seen: list[Path] = []

    def fake_run(app: CarbonApp) -> None:
        app.history.record("sandbox-hml", "create-key", ["cbx_b2b_demo"], "ok")
        seen.append(app.history.path)
        assert app.history.path.exists()

    monkeypatch.setattr(CarbonApp, "run", fake_run)
    assert main(["--demo"]) == 0
    assert seen and seen[0].parent.name.startswith("carbontui-demo-")
    assert not seen[0].parent.exists()  # gone with the demo
    assert not state.exists()  # the user's own history was never touched


@pytest.fixture
def caught() -> Iterator[list[int]]:
    """Python handlers for the cleanup signals for the test's length (never the default,
    which would end the test run); yields the signals they received."""
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    old = {s: signal.signal(s, record) for s in CLEANUP_SIGNALS}
    yield received
    for s, handler in old.items():
        signal.signal(s, handler)


@pytest.mark.parametrize("signum", CLEANUP_SIGNALS)
def test_signal_removes_the_directory_then_acts_as_before(
    tmp_path: Path, caught: list[int], signum: signal.Signals
) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "credentials.toml").write_text("secret")
    with launch.remove_on_signals(demo):
        os.kill(os.getpid(), signum)
        assert not demo.exists()
        assert caught == [signum]  # the previous handler still ran
    # Put back afterwards: the next signal only reaches the previous handler.
    assert signal.getsignal(signum) is not None
    os.kill(os.getpid(), signum)
    assert caught == [signum, signum]


def test_a_running_dashboard_is_asked_to_exit(tmp_path: Path, caught: list[int]) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    exits: list[int] = []
    launch._on_cleanup_signal.append(exits.append)
    try:
        with launch.remove_on_signals(demo):
            os.kill(os.getpid(), signal.SIGHUP)
    finally:
        launch._on_cleanup_signal.remove(exits.append)
    assert exits == [signal.SIGHUP] and caught == [] and not demo.exists()


def _demo_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("carbontui-demo-*"))


@pytest.mark.parametrize("signum", CLEANUP_SIGNALS)
def test_demo_process_killed_by_signal_leaves_nothing(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """A real ``python -m carbontui --demo`` on a pseudo-terminal, ended by ``signum``."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "TERM": "xterm-256color",
        "CARBONTUI_STATE_DIR": str(tmp_path / "state"),
        "CARBONTUI_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbontui", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()

    def drain() -> None:  # the dashboard blocks if nobody reads its terminal
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not (_demo_dirs(tmp_path) and b"sandbox-hml" in output):
            assert proc.poll() is None, output.decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the demo did not start"
            time.sleep(0.1)
        assert (_demo_dirs(tmp_path)[0] / "config.toml").exists()
        proc.send_signal(signum)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert _demo_dirs(tmp_path) == []
    assert not (tmp_path / "state").exists()
