"""The token cache: single-flight fetches, refresh ahead of expiry, optionally shared on disk.

In memory, N concurrent callers on a cold entry cause one fetch. With a ``SharedTokenStore``
and a *binding* registered for a (profile, service) pair (``share``), the entry is also shared
with every other carbontui process of the user: a cold fetch holds the entry's file lock, so N
processes on a cold entry cause one request too (the others wait and read its result).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from carbontui.auth.shared_store import NOT_SHARED, SharedTokenStore
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
    #: Tokens taken from the shared store instead of fetched.
    shared_hits: int = 0


@dataclass
class _Entry:
    token: Token | None = None
    inflight: asyncio.Task[Token] | None = None
    version: int = 0


@dataclass
class TokenCache:
    """Tokens keyed by (profile, service, credential, installation).

    N concurrent callers on a cold or expiring entry cause exactly one fetch; the others await
    it. A failed fetch is not cached and every waiter gets its error. A token counts as expired
    ``min(refresh_margin, 10 % of its lifetime)`` seconds before its real expiry. Entries of
    a (profile, service) registered with :meth:`share` also live in ``store``.
    """

    clock: Clock = system_clock
    refresh_margin: float = DEFAULT_REFRESH_MARGIN
    stats: CacheStats = field(default_factory=CacheStats)
    store: SharedTokenStore | None = None
    #: Bumped on every change, so a UI can redraw only when something happened.
    version: int = field(default=0, init=False)
    _entries: dict[TokenKey, _Entry] = field(default_factory=dict, init=False, repr=False)
    _bindings: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False)
    _stamps: dict[TokenKey, tuple[int, int]] = field(default_factory=dict, init=False, repr=False)

    def share(self, profile: str, service: str, binding: str) -> None:
        """Share ``profile``'s ``service`` tokens through the store, bound to ``binding``
        (a fingerprint of the credential they are obtained with). No-op without a store."""
        if self.store is not None:
            self._bindings[(profile, service)] = binding

    def _binding(self, key: TokenKey) -> str | None:
        if self.store is None or key.installation in NOT_SHARED:
            return None
        return self._bindings.get((key.profile, key.service))

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
            entry.inflight = asyncio.ensure_future(self._obtain(key, entry, fetch, force))
        # shield: a cancelled caller must not cancel the fetch other callers wait on.
        return await asyncio.shield(entry.inflight)

    async def _obtain(self, key: TokenKey, entry: _Entry, fetch: Fetcher, force: bool) -> Token:
        binding = self._binding(key)
        if binding is None or self.store is None:
            return await self._fetch(key, entry, fetch, None)
        store = self.store
        try:
            async with store.locked(key, binding):
                stored = store.load(key, binding)
                if stored is not None and self._reusable(stored, entry, force):
                    self.stats.shared_hits += 1
                    self._keep(key, entry, stored)
                    return stored
                if entry.token is None and stored is not None:
                    entry.token = stored  # its refresh token may still work
                return await self._fetch(key, entry, fetch, binding)
        finally:
            entry.inflight = None

    def _reusable(self, stored: Token, entry: _Entry, force: bool) -> bool:
        """Whether a token another process stored may be handed out instead of fetching.

        Not when it is about to expire. Under ``force`` only when it differs from the token
        being replaced (another process already renewed it after the same 401).
        """
        if not self.is_fresh(stored):
            return False
        if not force:
            return True
        return entry.token is not None and stored.value != entry.token.value

    async def _fetch(
        self, key: TokenKey, entry: _Entry, fetch: Fetcher, binding: str | None
    ) -> Token:
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
            self._keep(key, entry, token)
            if binding is not None and self.store is not None:
                self.store.save(key, binding, token)
            return token
        finally:
            entry.inflight = None

    def _keep(self, key: TokenKey, entry: _Entry, token: Token) -> None:
        entry.token = token
        entry.version += 1
        self._bump()

    def peek(self, key: TokenKey) -> Token | None:
        """The token held in memory for ``key`` (fresh or not): no network, no disk."""
        entry = self._entries.get(key)
        return entry.token if entry else None

    def lookup(self, key: TokenKey) -> Token | None:
        """As :meth:`peek`, falling back to the shared store (what another process holds)."""
        token = self.peek(key)
        binding = self._binding(key)
        if token is not None or binding is None or self.store is None:
            return token
        stored = self.store.load(key, binding)
        if stored is not None:
            self._keep(key, self._entries.setdefault(key, _Entry()), stored)
        return stored

    def put(self, key: TokenKey, token: Token) -> None:
        """Store a token obtained outside ``get`` (e.g. minted explicitly by the user)."""
        self._keep(key, self._entries.setdefault(key, _Entry()), token)
        binding = self._binding(key)
        if binding is not None and self.store is not None:
            self.store.save(key, binding, token)

    def invalidate(self, key: TokenKey) -> Token | None:
        """Drop the token for ``key`` (after a revoke or ``--force``), for every process.

        Returns what was dropped from memory.
        """
        binding = self._binding(key)
        if binding is not None and self.store is not None:
            self.store.drop(key, binding)
        entry = self._entries.get(key)
        if entry is None or entry.token is None:
            return None
        dropped, entry.token = entry.token, None
        self._bump()
        return dropped

    def sync(self) -> bool:
        """Take in what other processes changed in the shared store; True if anything did.

        Tokens stored by others appear; tokens others dropped (revoked, renewed after a
        401, ``cache clear``) disappear. Only entries of shared (profile, service) pairs are
        touched; the store reads a file again only when it changed since the last scan.
        """
        if self.store is None or not self._bindings or not self.store.usable():
            return False
        changed = False
        present: set[TokenKey] = set()
        for seen in self.store.scan():
            key = seen.key
            if self._bindings.get((key.profile, key.service)) != seen.binding:
                continue
            present.add(key)
            if self._stamps.get(key) == seen.stamp:
                continue
            self._stamps[key] = seen.stamp
            entry = self._entries.setdefault(key, _Entry())
            if entry.token is None or entry.token.value != seen.token.value:
                self._keep(key, entry, seen.token)
                changed = True
        for key, entry in self._entries.items():
            if key in present or entry.token is None or entry.inflight is not None:
                continue
            if self._binding(key) is not None:
                self._stamps.pop(key, None)
                entry.token = None
                changed = True
        if changed:
            self._bump()
        return changed

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
