"""Helpers shared by the core tests (fixtures live in conftest.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.clock import Clock, ManualClock
from carbontui.config import Config, Profile, SecretSource, load_config
from carbontui.sandbox import SandboxOptions, SandboxServer, SandboxState, write_config
from carbontui.transport import RetryPolicy

KEYCLOAK_TOKEN = "POST /auth/realms/co2free/protocol/openid-connect/token"
CONNECT_TOKEN = "POST /connect/token"
LIST_KEYS = "GET /v1/customers/applications"
CREATE_KEY = "POST /v1/customers/applications"
GET_KEY = "GET /v1/customers/applications/{id}"
USERINFO = "GET /connect/userinfo"
APP_TOKEN = "POST /app/accessTokens"
INSTALLATION_TOKEN = "POST /app/installations/{installation_id}/accessTokens"
LIST_INSTALLATIONS = "GET /app/installations"
GET_INSTALLATION = "GET /app/installations/{installation_id}"
REVOKE = "DELETE /app/installations/token"
ORGANIZATION = "GET /app/organizations/{organization_id}"


class NoSleep:
    """A ``RetryPolicy.sleep`` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def no_wait_retry(sleep: NoSleep | None = None) -> RetryPolicy:
    """The default retry policy, but never really sleeping (a NoSleep records the delays)."""
    import random

    return RetryPolicy(sleep=sleep or NoSleep(), rng=random.Random(0))


class Sandbox:
    """A running sandbox, its config dir, and ways to read its stats and build sessions."""

    def __init__(self, server: SandboxServer, config_dir: Path) -> None:
        self.server = server
        self.config_path = write_config(config_dir, server.url, server.app)
        self.config: Config = load_config(self.config_path)
        self._http = httpx.Client(base_url=server.url, timeout=10, verify=False)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def state(self) -> SandboxState:
        return self.server.state

    def stats(self) -> dict[str, int]:
        """Requests per route template, read over HTTP from ``/_sandbox/stats``."""
        response = self._http.get("/_sandbox/stats")
        response.raise_for_status()
        requests: dict[str, int] = response.json()["requests"]
        return requests

    def statuses(self) -> dict[str, int]:
        response = self._http.get("/_sandbox/stats")
        by_status: dict[str, int] = response.json()["by_status"]
        return by_status

    def close(self) -> None:
        """Drop the stats connection (a kept-alive one slows the server's shutdown)."""
        self._http.close()

    def reset_stats(self) -> None:
        self._http.delete("/_sandbox/stats").raise_for_status()

    def profile(self, name: str = "sandbox-hml", **carbonext: Any) -> Profile:
        """A profile of the generated config, optionally with Carbonext settings replaced."""
        profile = self.config.profile(name)
        if carbonext:
            assert profile.carbonext is not None
            if isinstance(carbonext.get("client_secret"), str):
                carbonext["client_secret"] = SecretSource.from_value(carbonext["client_secret"])
            settings = dataclasses.replace(profile.carbonext, **carbonext)
            profile = dataclasses.replace(profile, carbonext=settings)
        return profile

    def session(
        self,
        name: str = "sandbox-hml",
        *,
        clock: Clock | None = None,
        cache: TokenCache | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        profile: Profile | None = None,
        **carbonext: Any,
    ) -> ProfileSession:
        clock = clock or ManualClock(self.state.now())
        return ProfileSession(
            profile or self.profile(name, **carbonext),
            cache=cache or TokenCache(clock=clock),
            clock=clock,
            retry=retry or no_wait_retry(),
            transport=transport,
        )


SandboxFactory = Callable[..., Sandbox]


def start_sandbox(config_dir: Path, **options: Any) -> tuple[SandboxServer, Sandbox]:
    server = SandboxServer(SandboxOptions(**options)).start()
    return server, Sandbox(server, config_dir)
