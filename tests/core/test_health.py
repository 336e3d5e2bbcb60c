"""RequestHealth: latencies and failures recorded from real requests to the sandbox."""

from __future__ import annotations

import httpx
from core_testlib import SandboxFactory

from carbontui.api.health import KEEP, RequestHealth
from carbontui.sandbox.faults import Fault


async def test_health_records_latency_and_failures(make_sandbox: SandboxFactory) -> None:
    box = make_sandbox()
    health = RequestHealth()
    box.state.faults.add([Fault("status", route="GET /v1/customers/applications", count=2)])
    async with httpx.AsyncClient(base_url=box.url, event_hooks=health.hooks("carbonext")) as http:
        for _ in range(3):
            await http.get("/v1/customers/applications")  # 503, 503, then 401 (no token)
        await http.get("/_sandbox/stats")
    carbonext = health.services["carbonext"]
    assert carbonext.requests == 4 and carbonext.errors == 2
    assert all(latency >= 0 for latency in carbonext.latencies)
    assert carbonext.median is not None and health.version == 4
    for _ in range(KEEP + 5):
        health.record("registry", 0.01, failed=False)
    assert len(health.services["registry"].latencies) == KEEP
    health.record_no_answer("registry", 5.0)
    assert health.services["registry"].errors == 1
