"""Every benchmark runs at a tiny size and prints its figures, so none can rot.

No timing is asserted: the machines are noisy and the figures live in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

#: Benchmark -> (extra arguments, the start of every line it must print).
EXPECTED = {
    "startup": (
        [],
        [
            "startup demo to first key row, headless:",
            "startup external server to first key row, headless:",
            "startup demo to first key row, pty 120x40:",
            "startup external server to first key row, pty 120x40:",
            "external server start, token requests each (empty token cache):",
            "import dashboard (no demo):",
        ],
    ),
    "bulk": (
        [],
        [
            "fetch 300 keys:",
            "fetch 300 installations:",
            "table fill 300 rows vs DataTable:",
            "table fill 300 rows (VirtualTable):",
            "filter 300 rows, worst keystroke",
        ],
    ),
    "tokens": (
        [],
        [
            "cold cache 100 callers, carbonext token requests: 1 requests",
            "cold cache 100 callers, registry app token requests: 1 requests",
            "60 s of polling, carbonext token requests per credential:",
        ],
    ),
    "token_cache": (
        [],
        [
            "5 invocations, carbonext token requests: 1 requests",
            "5 invocations, carbonext median wall time per invocation:",
            "5 invocations, registry app token requests: 1 requests",
            "8 concurrent cold invocations, carbonext token requests: 1 requests",
        ],
    ),
    "idle": ([], ["idle CPU,", "idle requests in"]),
    "matrix": (
        [],
        [
            "matrix of 200 keys, requests: 202 requests (baseline: 2 requests",
            "matrix of 200 keys, wall time at 50 ms latency:",
        ],
    ),
    "memory": ([], ["peak RSS, rows 1000 keys 0 installations:", "peak RSS, rows 1000 keys"]),
    "redaction": (
        [],
        ["redact 100 KB with 10 known secrets:", "worst rebuild after a new token, 100 known:"],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_runs(name: str) -> None:
    extra, prefixes = EXPECTED[name]
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick", *extra],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=BENCHMARKS.parent,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for prefix in prefixes:
        assert any(line.startswith(prefix) for line in lines), (prefix, result.stdout)
    assert any(line.startswith("machine:") or "machine:" in line for line in lines)


def test_readme_lists_every_benchmark() -> None:
    readme = (BENCHMARKS / "README.md").read_text()
    for name in EXPECTED:
        assert f"benchmarks/{name}.py" in readme
