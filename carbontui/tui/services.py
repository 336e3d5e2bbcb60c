"""What the dashboard runs on: the config, the active profile's session, the shared cache."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from carbontui import logging_setup
from carbontui.api.carbonext import CarbonextClient
from carbontui.api.registry import RegistryClient
from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.auth.shared_store import SharedTokenStore
from carbontui.clock import Clock, system_clock
from carbontui.config import Config, Profile, load_config
from carbontui.transport import RetryPolicy


@dataclass
class Services:
    """One per running dashboard; ``open`` builds a session for a profile, closing the last."""

    config: Config
    clock: Clock = system_clock
    force_read_only: bool = False
    #: Tests and snapshots route HTTP to an in-process sandbox through this.
    transport: httpx.AsyncBaseTransport | None = None
    #: How sessions retry idempotent requests (tests pass one that does not really sleep).
    retry: RetryPolicy | None = None
    #: Tokens shared with other carbontui processes (None: this dashboard's memory only).
    token_store: SharedTokenStore | None = None
    cache: TokenCache = field(init=False)
    session: ProfileSession | None = field(default=None, init=False)
    #: The profile asked for by the last ``open`` (None: the config's default).
    profile_name: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.cache = TokenCache(clock=self.clock, store=self.token_store)

    @property
    def profile(self) -> Profile:
        """The active profile."""
        assert self.session is not None, "no profile is open"
        return self.session.profile

    @property
    def carbonext(self) -> CarbonextClient | None:
        """The open profile's Carbonext client, if it has one."""
        return self.session.carbonext if self.session else None

    @property
    def registry(self) -> RegistryClient | None:
        """The open profile's Registry client, if it has one."""
        return self.session.registry if self.session else None

    @property
    def read_only(self) -> bool:
        """Whether create and revoke are blocked for the active profile."""
        return self.force_read_only or self.profile.read_only

    def open(self, name: str | None) -> ProfileSession:
        """Build the session of profile ``name`` (raises ConfigError for bad secrets/keys)."""
        self.profile_name = name
        self.session = self._build(self.config.profile(name))
        return self.session

    async def reload(self) -> ProfileSession:
        """Re-read config.toml, credentials.toml and key files; rebuild the same profile.

        The old session is closed only once the new one is built: a config that no longer
        loads, or a secret or key that no longer resolves, raises (a ``ConfigError``) and
        leaves everything as it was. The token cache is kept.
        """
        name = self.session.profile.name if self.session is not None else self.profile_name
        config = load_config(self.config.path)
        session = self._build(config.profile(name))
        old, self.config, self.session = self.session, config, session
        self.profile_name = name
        if old is not None:
            await old.aclose()
        return session

    def _build(self, profile: Profile) -> ProfileSession:
        logging_setup.apply_profile(profile)
        return ProfileSession(
            profile,
            cache=self.cache,
            clock=self.clock,
            retry=self.retry,
            transport=self.transport,
        )
