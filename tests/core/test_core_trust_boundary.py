"""The trust boundary in the shared plumbing: caps, deadlines, redirects, token checks, paging.

These are answers the sandbox does not give (it is a well-behaved server), so they come from
``httpx.MockTransport``; the whole stack above the transport is real. The hostile-server suite
in ``tests/hostile`` drives the same attacks over real sockets through the CLI and dashboard.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import gzip
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from core_testlib import Sandbox, no_wait_retry
from test_core_transport import PAGE, Script

from carbontui.api.paging import MAX_PAGES
from carbontui.auth.validation import MAX_LIFETIME, MIN_LIFETIME
from carbontui.errors import ApiError, AuthError, NetworkError, ResponseTooLargeError
from carbontui.transport import MAX_API_BODY, MAX_TOKEN_BODY

MIB = 1024 * 1024


class Endless:
    """An async body of 1 MiB chunks that counts how many were asked for."""

    def __init__(self, chunks: int | None = None) -> None:
        self.limit = chunks
        self.served = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.limit is None or self.served < self.limit:
            self.served += 1
            yield b" " * MIB


def fake_jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


async def list_keys(sandbox: Sandbox, script: Script, timeout: float = 15.0, **retry: object):
    policy = dataclasses.replace(no_wait_retry(), **retry)
    profile = dataclasses.replace(sandbox.profile(), timeout=timeout)
    async with sandbox.session(
        transport=httpx.MockTransport(script), retry=policy, profile=profile
    ) as session:
        assert session.carbonext is not None
        return await session.carbonext.list_all()


async def carbonext_token(sandbox: Sandbox, reply: httpx.Response | Script):
    script = reply if isinstance(reply, Script) else Script(PAGE, token_replies=(reply,))
    async with sandbox.session(
        transport=httpx.MockTransport(script), retry=no_wait_retry()
    ) as session:
        assert session.carbonext is not None
        return await session.carbonext.token()


# -- caps -------------------------------------------------------------------------------------


async def test_an_endless_api_body_stops_at_the_cap(sandbox: Sandbox) -> None:
    body = Endless()
    script = Script(httpx.Response(200, content=body))
    with pytest.raises(ResponseTooLargeError) as caught:
        await list_keys(sandbox, script)
    assert body.served <= MAX_API_BODY // MIB + 2
    assert "16 MiB cap" in str(caught.value)
    assert len(script.api_calls) == 1  # a too-large answer is not retried


async def test_a_declared_length_past_the_cap_is_refused_before_reading(sandbox: Sandbox) -> None:
    body = Endless(chunks=300)
    reply = httpx.Response(200, content=body, headers={"content-length": str(300 * MIB)})
    with pytest.raises(ResponseTooLargeError):
        await list_keys(sandbox, Script(reply))
    assert body.served == 0


async def test_a_large_token_answer_stops_at_the_token_cap(sandbox: Sandbox) -> None:
    body = Endless()
    with pytest.raises(ResponseTooLargeError) as caught:
        await carbonext_token(sandbox, httpx.Response(200, content=body))
    assert body.served == 1 and MAX_TOKEN_BODY < MIB
    assert "256 KiB cap" in str(caught.value)


async def test_a_compression_bomb_is_decoded_under_the_cap(sandbox: Sandbox) -> None:
    bomb = gzip.compress(b"0" * (64 * MIB))
    assert len(bomb) < MIB // 4
    reply = httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})
    with pytest.raises(ResponseTooLargeError):
        await list_keys(sandbox, Script(reply))


async def test_a_compressed_page_that_fits_is_read(sandbox: Sandbox) -> None:
    reply = httpx.Response(
        200, content=gzip.compress(json.dumps(PAGE).encode()), headers={"content-encoding": "gzip"}
    )
    keys = await list_keys(sandbox, Script(reply))
    assert [k.id for k in keys] == ["a1"]


# -- deadlines and redirects ------------------------------------------------------------------


async def test_a_trickling_body_is_cut_by_the_total_deadline(sandbox: Sandbox) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        for _ in range(600):  # bounded: 10 minutes if nothing stopped it
            yield b" "
            await asyncio.sleep(1)

    script = Script(lambda request: httpx.Response(200, content=trickle()))
    with pytest.raises(NetworkError) as caught:
        await list_keys(sandbox, script, timeout=0.5, attempts=2)
    assert caught.value.timeout
    assert "no complete answer within 0.5 s" in str(caught.value)
    assert len(script.api_calls) == 2  # an idempotent GET is retried, each attempt bounded


async def test_a_redirect_is_reported_and_never_followed(sandbox: Sandbox) -> None:
    redirect = httpx.Response(302, headers={"location": "https://evil.example/steal"})
    script = Script(PAGE, token_replies=(redirect,))
    with pytest.raises(AuthError) as caught:
        await carbonext_token(sandbox, script)
    assert "redirect to evil.example" in str(caught.value)
    assert caught.value.status == 302
    assert all("steal" not in call for call in script.calls)


async def test_a_header_error_never_quotes_the_header(sandbox: Sandbox) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError("Illegal header value b'Bearer sekrit-token-value\\r\\nX'")

    with pytest.raises(NetworkError) as caught:
        await list_keys(sandbox, Script(refuse))
    assert "sekrit" not in str(caught.value)
    assert "header or URL is invalid" in str(caught.value)


async def test_escape_sequences_in_an_error_text_are_neutralised(sandbox: Sandbox) -> None:
    reply = httpx.Response(403, json={"statusCode": 403, "message": "no\x1b]52;c;aGk=\x07pe\x9b2J"})
    with pytest.raises(ApiError) as caught:
        await list_keys(sandbox, Script(reply))
    assert "\x1b" not in str(caught.value) and "\x9b" not in str(caught.value)
    assert "no" in caught.value.message and "pe" in caught.value.message


# -- token answers ----------------------------------------------------------------------------


def token_answer(**fields: object) -> httpx.Response:
    return httpx.Response(200, json={"token_type": "Bearer", **fields})


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"access_token": ""}, "access_token"),
        ({"access_token": "abc\r\nX-Evil: 1"}, "access_token"),
        ({"access_token": "a" * 20_000}, "access_token"),
        ({"access_token": "good", "refresh_token": "bad\nvalue"}, "refresh_token"),
        ({"access_token": "good", "expires_in": "soon"}, "expires_in"),
        ({"access_token": "good", "expires_in": True}, "expires_in"),
    ],
    ids=["empty", "crlf", "huge", "refresh-crlf", "expires-word", "expires-bool"],
)
async def test_unusable_token_answers_are_auth_errors(
    sandbox: Sandbox, answer: dict[str, object], field: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await carbonext_token(sandbox, token_answer(**answer))
    assert field in (caught.value.field or "")
    assert "\r" not in str(caught.value) and "X-Evil" not in str(caught.value)


@pytest.mark.parametrize(
    ("expires_in", "lifetime"),
    [("3600", 3600.0), (1e17, MAX_LIFETIME), (-5, MIN_LIFETIME), (3.5, MIN_LIFETIME)],
)
async def test_lifetimes_are_read_from_strings_and_clamped(
    sandbox: Sandbox, expires_in: object, lifetime: float
) -> None:
    token = await carbonext_token(
        sandbox, token_answer(access_token="good-token", expires_in=expires_in)
    )
    assert token.lifetime == lifetime


@pytest.mark.parametrize(
    ("claims", "field"),
    [
        ({"realm_access": {"roles": 5}}, "realm_access.roles"),
        ({"resource_access": {"x": {"roles": "abc"}}}, "resource_access[...].roles"),
        ({"exp": "soon"}, "exp"),
        ({"scope": ["a"]}, "scope"),
    ],
)
async def test_claims_of_the_wrong_type_are_one_api_error(
    sandbox: Sandbox, claims: dict[str, object], field: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await carbonext_token(sandbox, token_answer(access_token=fake_jwt(claims)))
    assert "token claims" in str(caught.value) and field in str(caught.value)


async def test_well_typed_claims_give_roles_and_expiry(sandbox: Sandbox) -> None:
    claims = {
        "exp": sandbox.state.now() + 600,
        "realm_access": {"roles": ["a", "b"]},
        "resource_access": {"x": {"roles": ["b", "c"]}},
    }
    token = await carbonext_token(sandbox, token_answer(access_token=fake_jwt(claims)))
    assert token.roles == ("a", "b", "c")
    assert token.expires_at == claims["exp"]


# -- paging -----------------------------------------------------------------------------------


def page(number: int, *, pages: int, count: int, has_next: bool | None = None) -> httpx.Response:
    body: dict[str, object] = {
        "items": [{"id": f"k{number}-{i}", "clientId": f"cbx_b2b_{number}_{i}"} for i in range(2)],
        "pageIndex": number,
        "totalPages": pages,
        "totalCount": count,
    }
    if has_next is not None:
        body["hasNextPage"] = has_next
    return httpx.Response(200, json=body)


async def test_a_billion_pages_is_refused_after_one_request(sandbox: Sandbox) -> None:
    script = Script(page(1, pages=10**9, count=10**11))
    with pytest.raises(ApiError) as caught:
        await list_keys(sandbox, script)
    assert "server reports 1,000,000,000 pages" in str(caught.value)
    assert f"at most {MAX_PAGES:,} pages" in str(caught.value)
    assert len(script.api_calls) == 1


async def test_a_page_count_the_row_count_does_not_support_is_not_followed(
    sandbox: Sandbox,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        return page(number, pages=10**9, count=5)

    script = Script(answer)
    keys = await list_keys(sandbox, script)
    assert len(script.api_calls) == 3  # ceil(5 rows / 2 per page)
    assert len(keys) == 6


async def test_has_next_page_false_ends_the_listing(sandbox: Sandbox) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        return page(number, pages=5000, count=10_000, has_next=number < 3)

    script = Script(answer)
    keys = await list_keys(sandbox, script)
    assert sorted({k.id.split("-")[0] for k in keys}) == ["k1", "k2", "k3"]
    # Pages already in flight when page 3 said "last" may have been asked, no more.
    assert len(script.api_calls) <= 3 + 8


async def test_registry_billion_pages_is_refused(sandbox: Sandbox) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/accessTokens"):
            return httpx.Response(201, json={"token": "crs_1", "expiresAt": "2099-01-01T00:00:00Z"})
        organization = {"id": "o1"}
        body = {
            "installations": [{"id": "i1", "organization": organization}],
            "pagination": {"total": 10**11, "currentPage": 1, "pageCount": 10**9},
        }
        return httpx.Response(200, json=body)

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        assert session.registry is not None
        with pytest.raises(ApiError) as caught:
            await session.registry.list_all()
    assert "1,000,000,000 pages" in str(caught.value)


# -- local files the session reads ------------------------------------------------------------


def test_a_ca_bundle_that_is_a_device_is_a_config_error() -> None:
    from carbontui.api.session import tls_context
    from carbontui.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        tls_context("/dev/zero")
    assert "/dev/zero" in str(caught.value)
