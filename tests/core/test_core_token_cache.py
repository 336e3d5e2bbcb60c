"""The shared TokenCache: single-flight, failures not cached, refresh ahead, 401 -> retry once."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
import pytest
from core_testlib import (
    APP_TOKEN,
    INSTALLATION_TOKEN,
    KEYCLOAK_TOKEN,
    LIST_KEYS,
    ORGANIZATION,
    Sandbox,
    SandboxFactory,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from carbontui.auth.cache import TokenCache
from carbontui.auth.token import Token, TokenKey, TokenKind
from carbontui.clock import ManualClock
from carbontui.errors import ApiError, AuthError


async def test_100_concurrent_callers_on_a_cold_cache_make_one_token_request(
    sandbox: Sandbox,
) -> None:
    async with sandbox.session("sandbox-hml") as session:
        client = session.carbonext
        assert client is not None
        tokens = await asyncio.gather(*(client.token() for _ in range(100)))
    assert len({t.value for t in tokens}) == 1
    assert sandbox.stats() == {KEYCLOAK_TOKEN: 1}
    assert session.cache.stats.fetches == 1


async def test_100_concurrent_api_calls_on_a_cold_cache_share_one_token(
    sandbox: Sandbox,
) -> None:
    async with sandbox.session("sandbox-hml") as session:
        client = session.carbonext
        assert client is not None
        pages = await asyncio.gather(*(client.list_page(1, 5) for _ in range(100)))
    assert all(len(p.items) == 5 for p in pages)
    assert sandbox.stats() == {KEYCLOAK_TOKEN: 1, LIST_KEYS: 100}


async def test_a_failed_fetch_reaches_every_waiter_and_is_not_cached(sandbox: Sandbox) -> None:
    async with sandbox.session("sandbox-hml", client_secret="wrong") as session:
        client = session.carbonext
        assert client is not None
        results = await asyncio.gather(
            *(client.token() for _ in range(100)), return_exceptions=True
        )
        assert all(isinstance(r, AuthError) and r.status == 401 for r in results)
        assert sandbox.stats() == {KEYCLOAK_TOKEN: 1}
        assert session.cache.peek(client.token_key) is None
        with pytest.raises(AuthError):
            await client.token()
    assert sandbox.stats() == {KEYCLOAK_TOKEN: 2}  # the failure was not cached
    assert session.cache.stats.failures == 2


async def test_a_cancelled_waiter_does_not_cancel_the_shared_fetch() -> None:
    release = asyncio.Event()
    calls = 0

    async def fetch(previous: Token | None) -> Token:
        nonlocal calls
        calls += 1
        await release.wait()
        return Token("t", TokenKind.CARBONEXT, 0.0, None)

    cache = TokenCache(clock=ManualClock(0))
    key = TokenKey("p", "carbonext", "c")
    first = asyncio.create_task(cache.get(key, fetch))
    second = asyncio.create_task(cache.get(key, fetch))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert (await second).value == "t"
    assert first.cancelled() and calls == 1


@pytest.mark.parametrize(
    ("ttl", "margin"),
    [(30, 3.0), (3600, 60.0)],  # min(60 s, 10 % of the lifetime)
)
async def test_refresh_ahead_of_expiry(
    make_sandbox: SandboxFactory, ttl: int, margin: float
) -> None:
    box = make_sandbox(token_ttl=ttl, apps=2, installations=0)
    clock = ManualClock(box.state.now())
    async with box.session("sandbox-hml", clock=clock) as session:
        client = session.carbonext
        assert client is not None
        first = await client.token()
        assert session.cache.margin_for(first) == margin
        clock.advance(ttl - margin - 1)
        assert (await client.token()).value == first.value
        assert box.stats() == {KEYCLOAK_TOKEN: 1}
        clock.advance(1)  # now exactly `margin` seconds before real expiry
        renewed = await asyncio.gather(*(client.token() for _ in range(50)))
    second = renewed[0]
    assert {t.value for t in renewed} == {second.value}  # one refresh for 50 callers
    assert second.value != first.value
    assert second.expires_at == clock() + ttl
    assert box.stats() == {KEYCLOAK_TOKEN: 2}


async def test_401_on_an_api_call_renews_the_token_and_retries_once(
    make_sandbox: SandboxFactory,
) -> None:
    server_clock = ManualClock(1_900_000_000.0)
    box = make_sandbox(token_ttl=300, now=server_clock, apps=5, installations=0)
    client_clock = ManualClock(server_clock())
    async with box.session("sandbox-hml", clock=client_clock) as session:
        client = session.carbonext
        assert client is not None
        first = await client.token()
        server_clock.advance(301)  # the server now thinks it expired; the client does not
        page = await client.list_page(1, 5)
        renewed = session.cache.peek(client.token_key)
    assert len(page.items) == 5
    assert renewed is not None and renewed.value != first.value
    assert box.stats() == {KEYCLOAK_TOKEN: 2, LIST_KEYS: 2}
    assert box.statuses() == {"200": 3, "401": 1}


async def test_revoked_installation_token_is_reminted_once(sandbox: Sandbox) -> None:
    installation = next(
        i
        for i in sandbox.state.registry_apps["67890"].installations.page(0, 12)
        if "organization_info" in i.permissions
    )
    async with sandbox.session("sandbox-hml") as session:
        registry = session.registry
        assert registry is not None
        first = await registry.installation_token(installation.id)
        sandbox.state.registry_tokens[first.value].is_active = False  # revoked elsewhere
        org = await registry.organization(installation.id, installation.organization.id)
        second = await registry.installation_token(installation.id)
    assert org.id == installation.organization.id
    assert second.value != first.value
    assert sandbox.stats() == {INSTALLATION_TOKEN: 2, ORGANIZATION: 2}
    assert sandbox.statuses() == {"201": 2, "200": 1, "401": 1}


async def test_a_permanent_401_gives_up_after_one_retry(sandbox: Sandbox, tmp_path: Path) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "stranger.pem"
    pem.write_bytes(
        stranger.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pem.chmod(0o600)
    profile = sandbox.profile("sandbox-hml")
    assert profile.registry is not None
    profile = dataclasses.replace(
        profile, registry=dataclasses.replace(profile.registry, private_key_file=pem)
    )
    async with sandbox.session(profile=profile) as session:
        assert session.registry is not None
        with pytest.raises(AuthError) as caught:
            await session.registry.app_token()
    assert caught.value.status == 401
    assert "Invalid JWT signature" in caught.value.message
    assert sandbox.stats() == {APP_TOKEN: 2}


async def test_a_permanent_401_from_the_api_is_not_looped(sandbox: Sandbox) -> None:
    hits = {"token": 0, "api": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            hits["token"] += 1
            return httpx.Response(200, json={"access_token": f"t{hits['token']}", "expires_in": 60})
        hits["api"] += 1
        return httpx.Response(401, json={"statusCode": 401, "message": "nope"})

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        assert session.carbonext is not None
        with pytest.raises(ApiError) as caught:
            await session.carbonext.list_page()
    assert caught.value.status == 401
    assert hits == {"token": 2, "api": 2}
