"""The fault matrix: endpoint families, fault kinds, and what the client must do for each."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.clock import system_clock
from carbontui.config import Config
from carbontui.sandbox import SandboxServer
from carbontui.transport import RetryPolicy

#: The profile timeout bounds a whole attempt, including a 401's token renewal and retry
#: inside the auth flow (three requests); short enough that four timed-out tries of a hung
#: request take two seconds, long enough that a loaded CI machine finishes a healthy attempt.
TIMEOUT = 0.5
ATTEMPTS = RetryPolicy().attempts
RETRY_AFTER = 2

_names = itertools.count()


class NoSleep:
    """A ``RetryPolicy.sleep`` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class Sandbox:
    """The shared loopback sandbox, seen through its control endpoints."""

    def __init__(self, server: SandboxServer, config: Config) -> None:
        self.server = server
        self.config = config
        self.http = httpx.Client(base_url=server.url, timeout=10)

    @property
    def state(self) -> Any:
        return self.server.state

    def add_fault(self, **fault: Any) -> None:
        self.http.post("/_sandbox/faults", json=fault).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/_sandbox/faults").raise_for_status()

    def reset_stats(self) -> None:
        self.http.delete("/_sandbox/stats").raise_for_status()

    def requests(self, route: str) -> int:
        counts: dict[str, int] = self.http.get("/_sandbox/stats").json()["requests"]
        return counts.get(route, 0)

    def session(self, profile: str, sleep: NoSleep) -> ProfileSession:
        chosen = dataclasses.replace(self.config.profile(profile), timeout=TIMEOUT)
        return ProfileSession(
            chosen,
            cache=TokenCache(clock=system_clock),
            clock=system_clock,
            retry=RetryPolicy(sleep=sleep, rng=random.Random(0)),
        )


Call = Callable[[ProfileSession], Awaitable[Any]]


@dataclass(frozen=True)
class Family:
    """An endpoint family: the route it hits, how to warm the caches, how to call it."""

    name: str
    route: str
    profile: str
    call: Call
    warm: Call | None = None
    #: GETs and token grants are retried; create and revoke never.
    idempotent: bool = True
    #: How the request authenticates: bearer (renew + retry once on 401), jwt (the same, after
    #: learning skew), form (client credentials in the body), revoke (the token being revoked).
    auth: str = "bearer"


def _carbonext(session: ProfileSession) -> Any:
    assert session.carbonext is not None
    return session.carbonext


def _registry(session: ProfileSession) -> Any:
    assert session.registry is not None
    return session.registry


async def _first_installation(session: ProfileSession) -> Any:
    page = await _registry(session).list_page(0, 5)
    return page.installations[0]


async def _warm_keys(session: ProfileSession) -> None:
    await _carbonext(session).list_page(1, 5)


async def _get_key(session: ProfileSession) -> Any:
    client = _carbonext(session)
    first = (await client.list_page(1, 1)).items[0]
    return await client.get(first.id)


async def _create(session: ProfileSession) -> Any:
    return await _carbonext(session).create(f"fault_matrix_{next(_names)}", "Fault matrix", [])


async def _warm_registry(session: ProfileSession) -> None:
    await _registry(session).list_page(0, 5)


async def _installation(session: ProfileSession) -> Any:
    item = await _first_installation(session)
    return await _registry(session).installation(item.id)


async def _installation_token(session: ProfileSession) -> Any:
    item = await _first_installation(session)
    return await _registry(session).installation_token(item.id, force=True)


async def _warm_installation_token(session: ProfileSession) -> None:
    item = await _first_installation(session)
    await _registry(session).installation_token(item.id)


async def _revoke(session: ProfileSession) -> Any:
    item = await _first_installation(session)
    registry = _registry(session)
    if session.cache.peek(registry.auth.key(item.id)) is None:
        await registry.installation_token(item.id)  # a token to revoke after a recovery
    return await registry.revoke(item.id)


async def _organization(session: ProfileSession) -> Any:
    item = await _first_installation(session)
    return await _registry(session).organization(item.id, item.organization.id)


FAMILIES = [
    Family(
        "carbonext-token",
        "POST /connect/token",
        "sandbox-prod",
        lambda s: _carbonext(s).token(force=True),
        auth="form",
    ),
    Family(
        "keys-list",
        "GET /v1/customers/applications",
        "sandbox-hml",
        lambda s: _carbonext(s).list_page(1, 5),
        warm=lambda s: _carbonext(s).token(),
    ),
    Family(
        "keys-get",
        "GET /v1/customers/applications/{id}",
        "sandbox-hml",
        _get_key,
        warm=_warm_keys,
    ),
    Family(
        "keys-create",
        "POST /v1/customers/applications",
        "sandbox-hml",
        _create,
        warm=_warm_keys,
        idempotent=False,
    ),
    Family(
        "userinfo",
        "GET /connect/userinfo",
        "sandbox-prod",
        lambda s: _carbonext(s).userinfo(),
        warm=lambda s: _carbonext(s).token(),
    ),
    Family(
        "registry-app-token",
        "POST /app/accessTokens",
        "sandbox-hml",
        lambda s: _registry(s).app_token(force=True),
        auth="jwt",
    ),
    Family(
        "installations-list",
        "GET /app/installations",
        "sandbox-hml",
        lambda s: _registry(s).list_page(0, 5),
        auth="jwt",
    ),
    Family(
        "installation-get",
        "GET /app/installations/{installation_id}",
        "sandbox-hml",
        _installation,
        warm=_warm_registry,
        auth="jwt",
    ),
    Family(
        "installation-token",
        "POST /app/installations/{installation_id}/accessTokens",
        "sandbox-hml",
        _installation_token,
        warm=_warm_registry,
        auth="jwt",
    ),
    Family(
        "revoke",
        "DELETE /app/installations/token",
        "sandbox-hml",
        _revoke,
        warm=_warm_installation_token,
        idempotent=False,
        auth="revoke",
    ),
    Family(
        "organization",
        "GET /app/organizations/{organization_id}",
        "sandbox-hml",
        _organization,
        warm=_warm_installation_token,
    ),
]

#: Each kind of fault, as installed with ``/_sandbox/faults`` (the route is added per family).
KINDS: dict[str, dict[str, Any]] = {
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "429": {"kind": "ratelimit", "retry_after": RETRY_AFTER},
    "latency": {"kind": "latency", "ms": 30},
    "hang": {"kind": "hang"},
    "drop": {"kind": "drop"},
    "html": {"kind": "html"},
    "shape": {"kind": "shape"},
    "401": {"kind": "unauthorized"},
    "clock": {"kind": "clock", "offset": 3600},
}


@dataclass(frozen=True)
class Expected:
    """What the client must do: requests the route sees, and whether the call succeeds."""

    attempts: int
    ok: bool


def expected(kind: str, family: Family) -> Expected:
    """The behaviour the design asks for, per fault kind and family."""
    retried = ATTEMPTS if family.idempotent else 1
    if kind in ("500", "502", "503", "429", "hang", "drop"):
        return Expected(retried, ok=False)
    if kind == "latency":
        return Expected(1, ok=True)
    if kind in ("html", "shape"):
        # A 200 that cannot be read is not retried. Revoke only reads "true": unconfirmed.
        return Expected(1, ok=family.auth == "revoke")
    if kind == "401":
        if family.auth == "revoke":
            return Expected(1, ok=True)  # the token is dead either way: that is what was asked
        # A bearer or JWT request renews its credential and tries exactly once more.
        return Expected(2 if family.auth in ("bearer", "jwt") else 1, ok=False)
    assert kind == "clock"
    if family.auth == "jwt":
        return Expected(2, ok=True)  # rejected, skew learnt from Date, re-signed
    if family.auth == "bearer":
        # Tokens from the unskewed token endpoint look expired to the skewed route.
        return Expected(2, ok=False)
    return Expected(1, ok=True)
