"""How each service has been answering lately: recent latencies and error counts.

Fed by httpx event hooks (time to response headers, status), read by the dashboard's health
line. Bounded: only the last ``KEEP`` requests per service are kept.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

KEEP = 30
_STARTED = "carbontui.health.started"


@dataclass
class ServiceHealth:
    """One service's recent requests."""

    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=KEEP))
    #: Whether each of the recent requests failed (5xx, 429, or no answer).
    failures: deque[bool] = field(default_factory=lambda: deque(maxlen=KEEP))
    requests: int = 0

    @property
    def errors(self) -> int:
        """Failures among the recent requests."""
        return sum(self.failures)

    @property
    def median(self) -> float | None:
        """Median latency of the recent requests, in seconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[len(ordered) // 2]


@dataclass
class RequestHealth:
    """Per-service health for one profile's session."""

    services: dict[str, ServiceHealth] = field(default_factory=dict)
    #: What latency is measured with: the session's clock, so an injected clock (tests,
    #: pictures) makes the figures repeatable.
    timer: Callable[[], float] = time.perf_counter
    #: Called after every record (the dashboard's health line redraws from here).
    listeners: list[Callable[[], object]] = field(default_factory=list)
    #: Bumped on every record, so a view redraws only when something happened.
    version: int = 0

    def record(self, service: str, seconds: float, *, failed: bool) -> None:
        """Note one finished request."""
        health = self.services.setdefault(service, ServiceHealth())
        health.latencies.append(seconds)
        health.failures.append(failed)
        health.requests += 1
        self.version += 1
        for listener in list(self.listeners):
            listener()

    def hooks(self, service: str) -> Mapping[str, list[Callable[..., Any]]]:
        """httpx ``event_hooks`` recording ``service``'s requests here."""

        async def started(request: httpx.Request) -> None:
            request.extensions[_STARTED] = self.timer()

        async def answered(response: httpx.Response) -> None:
            begun = response.request.extensions.get(_STARTED)
            took = self.timer() - begun if isinstance(begun, float) else 0.0
            status = response.status_code
            self.record(service, took, failed=status >= 500 or status == 429)

        return {"request": [started], "response": [answered]}

    def record_no_answer(self, service: str, seconds: float) -> None:
        """A request that got no answer at all (refused, timed out)."""
        self.record(service, seconds, failed=True)
