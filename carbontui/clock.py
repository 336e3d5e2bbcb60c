"""Injectable time sources.

Logic and widgets never call ``time.time()`` directly; they take a ``Clock`` so that expiry,
countdowns and snapshots are testable.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything that returns the current wall-clock time in epoch seconds."""

    def __call__(self) -> float: ...


def system_clock() -> float:
    """The real wall clock."""
    return time.time()


class ManualClock:
    """A clock that only moves when told to (tests, snapshots, benchmarks)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self._now += seconds

    def set(self, now: float) -> None:
        """Jump to an absolute time."""
        self._now = now
