"""Startup: ``carbontui --demo`` (headless) to the first screen with data, vs a bare Textual app.

Both run in fresh interpreters, alternating, so imports count; the figure is the median wall
time from spawning the process to the app saying it is ready. Also prints the import time of
the non-demo dashboard path (``python -X importtime``) against importing Textual alone.

Children cache bytecode in a private directory (warmed by an untimed run), as an installed
carbontui has it: pip compiles it, as it did Textual. A shell with PYTHONDONTWRITEBYTECODE=1
would otherwise recompile carbontui, and only carbontui, on every start; that figure is
printed too.
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
from pathlib import Path

import _common

CHILD = Path(__file__).with_name("_startup_child.py")
DASHBOARD_IMPORTS = (
    "import carbontui.cli as c; c.dashboard_parser(); import carbontui.launch, carbontui.tui.app"
)


def child_env(pycache: Path | None) -> dict[str, str]:
    """The environment for a child: bytecode cached under ``pycache``, or never written."""
    env = dict(os.environ)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)  # not the working tree's __pycache__
    return env


def time_child(mode: str, env: dict[str, str]) -> float:
    """Seconds from spawning the child to its ``ready`` line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), mode],
        stdout=subprocess.PIPE,
        text=True,
        cwd=_common.ROOT,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{mode} app exited without becoming ready (code {proc.wait()})")
    proc.wait(30)
    return elapsed


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


def startup_figures(env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median seconds to ready of the bare app and of the demo, interleaved."""
    time_child("bare", env)  # warm the OS file cache (and the bytecode cache, if any)
    time_child("demo", env)
    bare: list[float] = []
    demo: list[float] = []
    for _ in range(runs):
        bare.append(time_child("bare", env))
        demo.append(time_child("demo", env))
    return statistics.median(bare), statistics.median(demo)


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    runs = 1 if args.quick else 7
    pycache = Path(tempfile.mkdtemp(prefix="carbontui-bench-pycache-"))
    try:
        cached = child_env(pycache)
        b, d = startup_figures(cached, runs)
        _common.figure("startup demo to first data", d, "s", baseline=b, target="<= 1.5x")
        b, d = startup_figures(child_env(None), runs)
        _common.figure("startup, no bytecode cache (PYTHONDONTWRITEBYTECODE=1)", d, "s", baseline=b)
        dashboard = import_time(DASHBOARD_IMPORTS, cached)
        textual = import_time("import textual.app, textual.widgets", cached)
        _common.figure("import dashboard (no demo)", dashboard, "s", baseline=textual)
        sandbox = import_time("import carbontui.sandbox", cached)
        _common.figure("import sandbox alone", sandbox, "s")
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    print(f"runs: {runs} each, interleaved; machine: {_common.machine()}")


if __name__ == "__main__":
    main()
