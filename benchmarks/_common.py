"""Shared helpers for the benchmarks: timing, argument parsing and uniform output lines.

Every figure is printed as ``NAME: value unit (baseline: value unit, ratio: r, target: t)`` so
the smoke test and a reader can find it; ratios are against a baseline from the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a clean clone without installing: still find carbontui
    sys.path.insert(1, str(ROOT))


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the ``--quick`` flag every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test uses this)")
    return p


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    target: str = "",
    ratio: float | None = None,
    speedup: bool = False,
) -> None:
    """Print one result line; ``ratio`` defaults to value / baseline, or with ``speedup`` to
    baseline / value (for "N times faster than the baseline")."""
    line = f"{name}: {_fmt(value)} {unit}"
    extras = []
    if baseline is not None:
        extras.append(f"baseline: {_fmt(baseline)} {unit}")
        if ratio is None and baseline and value:
            ratio = baseline / value if speedup else value / baseline
    if ratio is not None:
        extras.append(f"{'speed-up' if speedup else 'ratio'}: {ratio:.2f}x")
    if target:
        extras.append(f"target: {target}")
    print(f"{line} ({', '.join(extras)})" if extras else line, flush=True)


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) >= 1:
        return f"{int(value)}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def machine() -> str:
    """``nproc``, the CPU model and the Python version, for the README table."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {model}, Python {platform.python_version()}"
