"""Memory: peak RSS of a process holding 100 000 keys in the Keys tab's painted table (then
also 100 000 installations, as the Installations tab holds them, in that tab's table), against
a process that only imports Textual.

Each is measured in its own fresh interpreter (``ru_maxrss``); the sandbox serving the rows
runs in a third process so its memory is not counted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import _common
from _sandbox_proc import sandbox_process

CHILD = Path(__file__).with_name("_memory_child.py")


def peak(*args: str) -> tuple[float, str]:
    """Peak RSS in MB of the child run with ``args``, and its other output."""
    out = subprocess.run(
        [sys.executable, str(CHILD), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=_common.ROOT,
    ).stdout
    lines = out.splitlines()
    mb = float(next(line for line in lines if line.startswith("peak_rss_mb ")).split()[1])
    return mb, " ".join(line for line in lines if not line.startswith("peak_rss_mb "))


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    size = 1000 if args.quick else 100_000
    base, _ = peak("baseline")
    with sandbox_process("--apps", str(size), "--installations", str(size)) as sandbox:
        for mode in ("keys", "both"):
            loaded, what = peak(mode, str(sandbox.config))
            _common.figure(f"peak RSS, {what}", loaded, "MB", baseline=base, target="< 300 MB")
    print(f"machine: {_common.machine()}")


if __name__ == "__main__":
    main()
