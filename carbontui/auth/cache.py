"""The process-wide token cache: single-flight fetches, refresh ahead of expiry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from carbontui.auth.token import Token, TokenKey
from carbontui.clock import Clock, system_clock

#: Fetches a fresh token; receives the previous one (possibly expired) so it can refresh.
Fetcher = Callable[[Token | None], Awaitable[Token]]

log = logging.getLogger(__name__)

DEFAULT_REFRESH_MARGIN = 60.0
MARGIN_FRACTION = 0.1


@dataclass
class CacheStats:
    """Counters for tests, benchmarks and the UI."""

    fetches: int = 0
    failures: int = 0
    hits: int = 0


@dataclass
class _Entry:
    token: Token | None = None
    inflight: asyncio.Task[Token] | None = None
    version: int = 0


@dataclass
class TokenCache:
    """Tokens keyed by (profile, service, credential, installation), held in memory only.

    N concurrent callers on a cold or expiring entry cause exactly one fetch; the others await
    it. A failed fetch is not cached and every waiter gets its error. A token counts as expired
    ``min(refresh_margin, 10 % of its lifetime)`` seconds before its real expiry.
    """

    clock: Clock = system_clock
    refresh_margin: float = DEFAULT_REFRESH_MARGIN
    stats: CacheStats = field(default_factory=CacheStats)
    #: Bumped on every change, so a UI can redraw only when something happened.
    version: int = field(default=0, init=False)
    _entries: dict[TokenKey, _Entry] = field(default_factory=dict, init=False, repr=False)

    def margin_for(self, token: Token) -> float:
        """How long before real expiry this token is treated as expired."""
        lifetime = token.lifetime
        if lifetime is None:
            return 0.0
        return min(self.refresh_margin, MARGIN_FRACTION * lifetime)

    def is_fresh(self, token: Token) -> bool:
        """Whether ``token`` may still be handed out without a new fetch."""
        if token.expires_at is None:
            return True
        return self.clock() < token.expires_at - self.margin_for(token)

    async def get(self, key: TokenKey, fetch: Fetcher, *, force: bool = False) -> Token:
        """A fresh token for ``key``, fetching (once, for all callers) when needed."""
        entry = self._entries.setdefault(key, _Entry())
        if not force and entry.token is not None and self.is_fresh(entry.token):
            self.stats.hits += 1
            return entry.token
        if entry.inflight is None:
            entry.inflight = asyncio.ensure_future(self._fetch(key, entry, fetch))
        # shield: a cancelled caller must not cancel the fetch other callers wait on.
        return await asyncio.shield(entry.inflight)

    async def _fetch(self, key: TokenKey, entry: _Entry, fetch: Fetcher) -> Token:
        self.stats.fetches += 1
        try:
            token = await fetch(entry.token)
        except BaseException as exc:
            self.stats.failures += 1
            log.info("token fetch for %s failed: %s", _describe(key), exc or type(exc).__name__)
            raise
        else:
            # Kind and expiry only: the value is never logged.
            left = token.seconds_left(self.clock())
            log.info(
                "new %s for %s, expires in %s, renews by %s",
                token.kind.label,
                _describe(key),
                "?" if left is None else f"{left:.0f}s",
                "refresh token" if token.can_refresh else "new grant",
            )
            entry.token = token
            entry.version += 1
            self._bump()
            return token
        finally:
            entry.inflight = None

    def peek(self, key: TokenKey) -> Token | None:
        """The cached token for ``key`` (fresh or not), without any network."""
        entry = self._entries.get(key)
        return entry.token if entry else None

    def put(self, key: TokenKey, token: Token) -> None:
        """Store a token obtained outside ``get`` (e.g. minted explicitly by the user)."""
        entry = self._entries.setdefault(key, _Entry())
        entry.token = token
        entry.version += 1
        self._bump()

    def invalidate(self, key: TokenKey) -> Token | None:
        """Drop the token for ``key`` (after a 401 or a revoke); returns what was dropped."""
        entry = self._entries.get(key)
        if entry is None or entry.token is None:
            return None
        dropped, entry.token = entry.token, None
        self._bump()
        return dropped

    def items(self, profile: str | None = None) -> Iterator[tuple[TokenKey, Token]]:
        """Every cached token, optionally only one profile's."""
        for key, entry in list(self._entries.items()):
            if entry.token is not None and (profile is None or key.profile == profile):
                yield key, entry.token

    def clear(self, profile: str | None = None) -> None:
        """Forget every token (of one profile)."""
        for key in [k for k in self._entries if profile is None or k.profile == profile]:
            entry = self._entries.pop(key)
            if entry.inflight is not None:
                entry.inflight.cancel()
        self._bump()

    def _bump(self) -> None:
        self.version += 1


def _describe(key: TokenKey) -> str:
    # Profile, service and installation: the credential part (client or app id) is left out.
    return "/".join(part for part in (key.profile, key.service, key.installation) if part)
