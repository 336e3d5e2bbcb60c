"""Startup: ``carbontui --demo`` (headless) to the first screen with data, vs a bare Textual app.

Both run in fresh interpreters, alternating, so imports count; the figure is the median wall
time from spawning the process to the app saying it is ready. Also prints the import time of
the non-demo dashboard path (``python -X importtime``) against importing Textual alone.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _common

CHILD = Path(__file__).with_name("_startup_child.py")


def time_child(mode: str) -> float:
    """Seconds from spawning the child to its ``ready`` line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), mode], stdout=subprocess.PIPE, text=True, cwd=_common.ROOT
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


def import_time(code: str) -> float:
    """Total import time in seconds of running ``code`` under ``-X importtime``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=_common.ROOT,
    )
    total = 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)", line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))  # top-level entries only: their cumulative covers all
    return total / 1e6


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    runs = 1 if args.quick else 7
    bare: list[float] = []
    demo: list[float] = []
    time_child("bare")  # warm the OS file cache so the first timed run is not an outlier
    for _ in range(runs):
        bare.append(time_child("bare"))
        demo.append(time_child("demo"))
    b, d = statistics.median(bare), statistics.median(demo)
    _common.figure("startup demo to first data", d, "s", baseline=b, target="<= 1.5x")
    dashboard = import_time(
        "import carbontui.cli as c; c.build_parser(); import carbontui.launch, carbontui.tui.app"
    )
    textual = import_time("import textual.app, textual.widgets")
    _common.figure("import dashboard (no demo)", dashboard, "s", baseline=textual)
    sandbox = import_time("import carbontui.sandbox")
    _common.figure("import sandbox alone", sandbox, "s")
    print(f"runs: {runs} each, interleaved; machine: {_common.machine()}")


if __name__ == "__main__":
    main()
