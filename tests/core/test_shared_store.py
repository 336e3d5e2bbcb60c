"""SharedTokenStore and TokenCache's sharing rules, with counting fetchers (no network)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from carbontui.auth.cache import TokenCache
from carbontui.auth.shared_store import (
    MAX_ENTRY_BYTES,
    PRUNE_AFTER,
    SharedTokenStore,
    fingerprint,
    secret_fingerprint,
)
from carbontui.auth.token import Token, TokenKey, TokenKind
from carbontui.clock import ManualClock

NOW = 1_800_000_000.0
KEY = TokenKey("hml", "carbonext", "client-a")
BINDING = fingerprint("https://idp/token", "client-a", secret_fingerprint("s3cret"))


class Minter:
    """A fetcher that counts its calls and hands out numbered tokens."""

    def __init__(self, clock: ManualClock, ttl: float = 300.0, delay: float = 0.0) -> None:
        self.clock, self.ttl, self.delay, self.calls = clock, ttl, delay, 0

    async def __call__(self, previous: Token | None = None) -> Token:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        now = self.clock()
        return Token(f"tok-{self.calls}", TokenKind.CARBONEXT, now, now + self.ttl)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def cache(clock: ManualClock, root: Path, binding: str = BINDING) -> TokenCache:
    """A new cache on the same directory: what another process would have."""
    made = TokenCache(clock=clock, store=SharedTokenStore(root))
    made.share(KEY.profile, KEY.service, binding)
    return made


async def test_processes_share_a_token_until_it_nears_expiry(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock)
    first = await cache(clock, tmp_path).get(KEY, mint)
    for _ in range(5):
        assert await cache(clock, tmp_path).get(KEY, mint) == first
    assert mint.calls == 1
    clock.advance(300 - 29)  # inside the refresh margin (10 % of 300 s)
    renewed = await cache(clock, tmp_path).get(KEY, mint)
    assert renewed.value == "tok-2" and mint.calls == 2


async def test_a_changed_credential_never_reuses_a_token(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock)
    await cache(clock, tmp_path).get(KEY, mint)
    other_secret = fingerprint("https://idp/token", "client-a", secret_fingerprint("rotated"))
    other_url = fingerprint("https://other/token", "client-a", secret_fingerprint("s3cret"))
    for binding in (other_secret, other_url):
        await cache(clock, tmp_path, binding).get(KEY, mint)
    assert mint.calls == 3
    assert (await cache(clock, tmp_path).get(KEY, mint)).value == "tok-1"


async def test_concurrent_caches_on_a_cold_entry_fetch_once(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock, delay=0.2)
    caches = [cache(clock, tmp_path) for _ in range(8)]
    tokens = await asyncio.gather(*(c.get(KEY, mint) for c in caches))
    assert {t.value for t in tokens} == {"tok-1"} and mint.calls == 1
    assert sum(c.stats.shared_hits for c in caches) == 7


async def test_force_after_a_401_reuses_what_another_process_already_renewed(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock)
    a, b = cache(clock, tmp_path), cache(clock, tmp_path)
    old = await a.get(KEY, mint)
    assert await b.get(KEY, mint) == old
    renewed = await a.get(KEY, mint, force=True)  # a saw the 401 first
    assert renewed.value == "tok-2"
    assert await b.get(KEY, mint, force=True) == renewed  # b's 401 was for the old token
    assert mint.calls == 2


async def test_invalidate_drops_the_entry_for_every_process(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock)
    a = cache(clock, tmp_path)
    await a.get(KEY, mint)
    a.invalidate(KEY)
    b = cache(clock, tmp_path)
    assert b.lookup(KEY) is None
    assert (await b.get(KEY, mint)).value == "tok-2"


async def test_sync_takes_in_and_drops_what_others_changed(
    clock: ManualClock, tmp_path: Path
) -> None:
    mint = Minter(clock)
    dashboard, cli = cache(clock, tmp_path), cache(clock, tmp_path)
    assert dashboard.sync() is False
    await cli.get(KEY, mint)
    version = dashboard.version
    assert dashboard.sync() is True and dashboard.version > version
    assert dashboard.peek(KEY) is not None and dashboard.peek(KEY).value == "tok-1"  # type: ignore[union-attr]
    assert dashboard.sync() is False  # unchanged: nothing to do
    cli.invalidate(KEY)
    assert dashboard.sync() is True and dashboard.peek(KEY) is None


def test_the_jwt_is_never_stored(clock: ManualClock, tmp_path: Path) -> None:
    store = SharedTokenStore(tmp_path)
    jwt_key = TokenKey("hml", "registry", "67890", "jwt")
    store.save(jwt_key, BINDING, Token("eyJ.jwt.sig", TokenKind.REGISTRY_APP_JWT, NOW, NOW + 60))
    app_key = TokenKey("hml", "registry", "67890", "app")
    store.save(app_key, BINDING, Token("eyJ.jwt.sig", TokenKind.REGISTRY_APP_JWT, NOW, NOW + 60))
    assert list(tmp_path.glob("*.json")) == []


def test_bad_files_are_removed_not_raised(clock: ManualClock, tmp_path: Path) -> None:
    store = SharedTokenStore(tmp_path)
    token = Token("tok", TokenKind.CARBONEXT, NOW, NOW + 300)
    store.save(KEY, BINDING, token)
    path = store.entry_path(KEY, BINDING)
    assert store.load(KEY, BINDING) == token
    data = json.loads(path.read_bytes())
    for bad in (
        b"\xff\xfe",
        json.dumps({**data, "extra": 1}).encode(),
        json.dumps({**data, "expiresAt": "soon"}).encode(),
        json.dumps({**data, "kind": "registry-app-jwt"}).encode(),
        b" " * (MAX_ENTRY_BYTES + 1),
    ):
        path.write_bytes(bad)
        os.chmod(path, 0o600)
        assert store.load(KEY, BINDING) is None
        assert not path.exists()
    # A file copied under another entry's name belongs to that entry only.
    store.save(KEY, BINDING, token)
    other = TokenKey("prod", "carbonext", "client-a")
    path.rename(store.entry_path(other, BINDING))
    assert store.load(other, BINDING) is None


def test_prune_removes_long_expired_entries(tmp_path: Path) -> None:
    store = SharedTokenStore(tmp_path)
    old = Token("old", TokenKind.CARBONEXT, NOW - 400, NOW - 100)
    store.save(KEY, BINDING, old)
    other = TokenKey("hml", "registry", "67890", "app")
    store.save(other, BINDING, Token("new", TokenKind.REGISTRY_APP, NOW, NOW + 3600))
    assert store.prune(NOW) == 0  # expired, but its refresh token may still be useful
    assert store.prune(NOW + PRUNE_AFTER) == 1
    assert [s.key for s in store.scan()] == [other]


def test_an_unusable_directory_means_memory_only(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = SharedTokenStore(blocker / "tokens")
    token = Token("tok", TokenKind.CARBONEXT, NOW, NOW + 300)
    store.save(KEY, BINDING, token)  # no raise
    assert store.load(KEY, BINDING) is None and list(store.scan()) == []
    assert store.usable() is False
