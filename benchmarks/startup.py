"""Startup: time to the first key row on screen, ``carbontui --demo`` and against an external
server, each against a bare Textual app (one label) in the same run; headless and on a pty.

Every start is a fresh interpreter, so imports count. Runs interleave (bare, demo, external,
headless then pty, round after round); each figure is the median of 7 (1 with ``--quick``).

- headless: ``TEXTUAL_DRIVER`` is the headless driver; the child prints ``ready`` once the bare
  app has refreshed, or once carbontui's Keys table has rows and has been drawn.
- pty: no headless driver; each child gets a new 120x40 pseudo-terminal (``TERM=xterm-256color``,
  its own session) and is timed until the screen, as a minimal terminal model draws it, shows
  the label or the first key row under the Keys table's column header; then its process group
  is killed. At 120 columns the table shows client ids without their ``cbx_b2b_`` prefix (the
  column label says ``CLIENT ID (cbx_b2b_…)``), and the header shows the profile's own
  ``cbx_b2b_`` client id before any row: matching the bytes ``cbx_b2b_`` would time the header.
- external: ``carbontui --config CONFIG --profile sandbox-hml`` against a sandbox in its own
  process (started once, before the runs), through the real CLI entry point.
- floor (headless only): the bare app that also imports httpx and fetches a token and the first
  keys page from that sandbox, showing one client id: what any client of these APIs pays, so
  the distance between it and carbontui is carbontui's own.

Each child gets an empty ``CARBONTUI_CACHE_DIR`` and ``CARBONTUI_STATE_DIR`` of its own, so
every external start is a cold start: no token in the shared on-disk token cache, a fresh token
request (counted at the sandbox and printed), no saved preferences.

Children cache bytecode in a private directory (warmed by an untimed round), as an installed
carbontui has it: pip compiles it, as it did Textual. A shell with PYTHONDONTWRITEBYTECODE=1
would otherwise recompile carbontui, and only carbontui, on every start; that figure (demo,
headless) is printed too. Also prints the import time of the non-demo dashboard path
(``python -X importtime``) against importing Textual alone.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import _common
import _pty
from _sandbox_proc import Sandbox, sandbox_process
from _startup_child import BARE_TEXT

CHILD = Path(__file__).with_name("_startup_child.py")
PROFILE = "sandbox-hml"  # written by `carbontui sandbox --config-out`
MODES = ("bare", "floor", "demo", "external")
KINDS = ("headless", "pty")
DASHBOARD_IMPORTS = (
    "import carbontui.cli as c; c.dashboard_parser(); import carbontui.launch, carbontui.tui.app"
)
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def child_env(pycache: Path | None) -> dict[str, str]:
    """The environment for a child: bytecode cached under ``pycache``, or never written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARBONTUI_")}
    env.pop("TEXTUAL_DRIVER", None)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)  # not the working tree's __pycache__
    return env


@contextmanager
def cold(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """``env`` with an empty token cache and state dir of its own, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="carbontui-bench-start-") as tmp:
        yield env | {
            "CARBONTUI_CACHE_DIR": str(Path(tmp, "cache")),
            "CARBONTUI_STATE_DIR": str(Path(tmp, "state")),
        }


def bare_on_screen(screen: _pty.Screen) -> bool:
    """The bare app's label is drawn."""
    return any(BARE_TEXT in line for line in screen.lines())


def key_row_on_screen(screen: _pty.Screen) -> bool:
    """A key row (a ``cbx_b2b_`` client id and the key's UUID) is drawn under the Keys table's
    column header; at 120 columns the prefix moves into the header's label."""
    lines = screen.lines()
    for i, line in enumerate(lines[:-1]):
        if line.lstrip().startswith("CLIENT ID"):
            row = lines[i + 1]
            return bool(UUID.search(row)) and "cbx_b2b_" in line + row
    return False


def time_headless(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning the child to its ``ready`` line."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=_common.ROOT, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{argv[2:]} exited without becoming ready (code {proc.wait()})")
    proc.wait(30)
    return elapsed


def time_start(mode: str, kind: str, env: dict[str, str], sandbox: Sandbox | None) -> float:
    """One cold start of ``mode`` (bare, demo, external) ``kind`` (headless, pty), in seconds."""
    argv = [sys.executable, str(CHILD), mode, kind]
    if mode in ("floor", "external"):
        assert sandbox is not None
        argv += [str(sandbox.config), PROFILE]
    with cold(env) as run_env:
        if kind == "headless":
            return time_headless(argv, run_env)
        ready = bare_on_screen if mode == "bare" else key_row_on_screen
        return _pty.time_until(argv, run_env, ready, cwd=_common.ROOT)


def token_requests(sandbox: Sandbox) -> int:
    """Requests to any token endpoint of the sandbox so far."""
    stats = sandbox.stats().items()
    return sum(n for route, n in stats if route.startswith("POST ") and "token" in route.lower())


def startup_rounds(
    env: dict[str, str],
    runs: int,
    sandbox: Sandbox | None,
    modes: tuple[str, ...],
    kinds: tuple[str, ...],
    warm: bool,
) -> tuple[dict[tuple[str, str], list[float]], list[int]]:
    """Seconds of each run per (mode, kind), interleaved; and the token requests per external
    start."""
    times: dict[tuple[str, str], list[float]] = {
        (m, k): [] for k in kinds for m in modes if m != "floor" or k == "headless"
    }
    tokens: list[int] = []
    for round_ in range(runs + warm):
        for kind in kinds:
            for mode in modes:
                if mode == "floor" and kind != "headless":
                    continue  # the floor is a reference, measured headless only
                before = token_requests(sandbox) if sandbox and mode == "external" else 0
                elapsed = time_start(mode, kind, env, sandbox)
                if sandbox and mode == "external":
                    tokens.append(token_requests(sandbox) - before)
                if round_ >= warm:  # the first round warms the OS and bytecode caches
                    times[mode, kind].append(elapsed)
    return times, tokens


def print_ranges(label: str, times: dict[tuple[str, str], list[float]]) -> None:
    """The fastest and slowest run of each mode, one line."""
    spread = ", ".join(f"{m} {min(t):.3g}-{max(t):.3g}" for (m, _), t in times.items())
    print(f"range of the runs, {label}: {spread} s", flush=True)


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    runs, warm = (1, False) if args.quick else (7, True)
    pycache = Path(tempfile.mkdtemp(prefix="carbontui-bench-pycache-"))
    try:
        cached = child_env(pycache)
        with sandbox_process() as sandbox:
            times, tokens = startup_rounds(cached, runs, sandbox, MODES, KINDS, warm)
        for kind, where in (("headless", "headless"), ("pty", f"pty {_pty.COLS}x{_pty.ROWS}")):
            bare = statistics.median(times["bare", kind])
            if kind == "headless":
                _common.figure(
                    "floor: bare app + httpx, token and first page, headless",
                    statistics.median(times["floor", kind]),
                    "s",
                    baseline=bare,
                )
            for mode, what in (("demo", "demo"), ("external", "external server")):
                _common.figure(
                    f"startup {what} to first key row, {where}",
                    statistics.median(times[mode, kind]),
                    "s",
                    baseline=bare,
                    target="<= 1.5x",
                )
            print_ranges(where, {key: t for key, t in times.items() if key[1] == kind})
        if min(tokens) < 1:
            raise RuntimeError(f"an external start reused a cached token: {tokens}")
        _common.figure(
            "external server start, token requests each (empty token cache)",
            statistics.median(tokens),
            "requests",
        )
        uncached, _ = startup_rounds(
            child_env(None), runs, None, ("bare", "demo"), ("headless",), warm
        )
        _common.figure(
            "startup demo, headless, no bytecode cache (PYTHONDONTWRITEBYTECODE=1)",
            statistics.median(uncached["demo", "headless"]),
            "s",
            baseline=statistics.median(uncached["bare", "headless"]),
        )
        print_ranges("headless, no bytecode cache", uncached)
        dashboard = import_time(DASHBOARD_IMPORTS, cached)
        textual = import_time("import textual.app, textual.widgets", cached)
        _common.figure("import dashboard (no demo)", dashboard, "s", baseline=textual)
        sandbox_imports = import_time("import carbontui.sandbox", cached)
        _common.figure("import sandbox alone", sandbox_imports, "s")
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    print(f"runs: {runs} each, interleaved; machine: {_common.machine()}")


def import_time(code: str, env: dict[str, str]) -> float:
    """Total import time in seconds of running ``code`` under ``-X importtime``."""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_common.ROOT, env=env)  # warm
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=_common.ROOT,
        env=env,
    )
    total = 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)", line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))  # top-level entries only: their cumulative covers all
    return total / 1e6


if __name__ == "__main__":
    main()
