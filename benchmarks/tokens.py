"""Tokens: single-flight on a cold cache, and token traffic over a simulated hour of polling.

1. 100 concurrent callers ask a cold cache for each credential's token: token requests made
   (from ``/_sandbox/stats``) vs the minimum of 1.
2. A simulated hour (ManualClock shared with the sandbox, no real waiting) of polling every
   screen's data every second with a 300 s token lifetime: token requests per credential vs
   ``ceil(3600 / (300 - margin))``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

import _common
import httpx

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.sandbox import SandboxOptions, create_app, write_config

TTL = 300
CALLERS = 100
INSTALLATIONS = 3
URL = "http://sandbox.test"
#: Token endpoints, by the credential they serve (``/_sandbox/stats`` route names).
TOKEN_ROUTES = {
    "carbonext": "POST /connect/token",
    "registry app": "POST /app/accessTokens",
    "registry installations": "POST /app/installations/{installation_id}/accessTokens",
}


async def token_requests(http: httpx.AsyncClient) -> dict[str, int]:
    """Token requests per credential kind so far."""
    stats = (await http.get("/_sandbox/stats")).json()["requests"]
    return {name: stats.get(route, 0) for name, route in TOKEN_ROUTES.items()}


async def run(seconds: int, tmp: str) -> None:
    clock = ManualClock()
    sandbox = create_app(SandboxOptions(token_ttl=TTL, now=clock))
    config = write_config(tmp, URL, sandbox)
    transport = httpx.ASGITransport(app=sandbox)
    cache = TokenCache(clock=clock)
    profile = load_config(config).profile("sandbox-prod")
    async with (
        ProfileSession(profile, cache=cache, clock=clock, transport=transport) as session,
        httpx.AsyncClient(transport=transport, base_url=URL) as admin,
    ):
        carbonext, registry = session.carbonext, session.registry
        assert carbonext is not None and registry is not None
        ids = [i.id for i in (await registry.list_all())[:INSTALLATIONS]]

        # 1. cold cache, 100 callers at once per credential
        await admin.delete("/_sandbox/stats")
        getters: list[Callable[[], Awaitable[object]]] = [
            carbonext.token,
            registry.app_token,
            lambda: registry.installation_token(ids[0]),
        ]
        for get in getters:
            await asyncio.gather(*(get() for _ in range(CALLERS)))
        cold = await token_requests(admin)
        for name, made in cold.items():
            _common.figure(
                f"cold cache {CALLERS} callers, {name} token requests",
                made,
                "requests",
                baseline=1,
                target="exactly 1",
            )

        # 2. a simulated hour of polling every screen every second
        cache.clear()
        await admin.delete("/_sandbox/stats")
        for _ in range(seconds):
            await poll_everything(session, ids)
            clock.advance(1)
        made = await token_requests(admin)
    margin = min(cache.refresh_margin, 0.1 * TTL)
    minimum = math.ceil(seconds / (TTL - margin))
    counts = {
        "carbonext": made["carbonext"],
        "registry app": made["registry app"],
        "registry installation": made["registry installations"] / INSTALLATIONS,
    }
    for name, count in counts.items():
        _common.figure(
            f"{seconds} s of polling, {name} token requests per credential",
            count,
            "requests",
            baseline=minimum,
            target=f"<= ceil({seconds} / ({TTL} - {margin:g})) = {minimum}",
        )


async def poll_everything(session: ProfileSession, installation_ids: list[str]) -> None:
    """What every screen's poll reads: keys, identity, installations, installation orgs."""
    carbonext, registry = session.carbonext, session.registry
    assert carbonext is not None and registry is not None
    await carbonext.list_all()
    await carbonext.userinfo()
    await registry.app_token()
    installations = await registry.list_all()
    by_id = {i.id: i for i in installations}
    for installation_id in installation_ids:
        await registry.organization(installation_id, by_id[installation_id].organization.id)


def main() -> None:
    import tempfile

    p = _common.parser(__doc__ or "")
    p.add_argument("--seconds", type=int, default=3600, help="simulated seconds of polling")
    args = p.parse_args()
    seconds = 60 if args.quick else args.seconds
    with tempfile.TemporaryDirectory(prefix="carbontui-bench-") as tmp:
        asyncio.run(run(seconds, tmp))
    print(f"machine: {_common.machine()}")


if __name__ == "__main__":
    main()
