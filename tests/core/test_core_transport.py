"""Faults the sandbox cannot produce yet, through httpx.MockTransport: retries and bad payloads.

Nothing here really sleeps: the retry policy's ``sleep`` records the delays.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from core_testlib import NoSleep, Sandbox, no_wait_retry

from carbontui.errors import ApiError, AuthError, NetworkError

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]
TOKEN = {"access_token": "tok", "token_type": "Bearer", "expires_in": 300}


class Script:
    """Answers the token endpoint normally and every other request from a script."""

    def __init__(self, *replies: Reply, token_replies: tuple[Reply, ...] = ()) -> None:
        self.replies = list(replies)
        self.token_replies = list(token_replies)
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/token"):
            queue = self.token_replies
            if not queue:
                return httpx.Response(200, json=TOKEN)
        else:
            queue = self.replies
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply(request) if callable(reply) else reply

    @property
    def api_calls(self) -> list[str]:
        return [c for c in self.calls if not c.endswith("/token")]


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


PAGE = {"items": [{"id": "a1", "clientId": "cbx_b2b_a", "displayName": "A"}], "totalPages": 1}
ok_page = httpx.Response(200, json=PAGE)


def api_error(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"statusCode": status, "message": "x"}, headers=headers)


async def run(sandbox: Sandbox, script: Script, sleep: NoSleep, call: str = "list_page"):
    async with sandbox.session(
        transport=httpx.MockTransport(script), retry=no_wait_retry(sleep)
    ) as session:
        assert session.carbonext is not None
        if call == "create":
            return await session.carbonext.create("new", "New", [])
        return await session.carbonext.list_page()


async def test_get_is_retried_on_500_and_503_then_succeeds(sandbox: Sandbox) -> None:
    script, sleep = Script(api_error(500), api_error(503), ok_page), NoSleep()
    page = await run(sandbox, script, sleep)
    assert [i.id for i in page.items] == ["a1"]
    assert len(script.api_calls) == 3
    # Exponential backoff with full jitter in [ceiling/2, ceiling]: 0.25 s, then 0.5 s ceilings.
    assert len(sleep.delays) == 2
    assert 0.125 <= sleep.delays[0] <= 0.25 and 0.25 <= sleep.delays[1] <= 0.5


async def test_429_retry_after_is_honoured(sandbox: Sandbox) -> None:
    script, sleep = Script(api_error(429, **{"Retry-After": "3"}), ok_page), NoSleep()
    await run(sandbox, script, sleep)
    assert sleep.delays == [3.0]
    assert len(script.api_calls) == 2


async def test_retry_after_beyond_the_budget_gives_up_at_once(sandbox: Sandbox) -> None:
    script, sleep = Script(api_error(429, **{"Retry-After": "120"}), ok_page), NoSleep()
    with pytest.raises(ApiError) as caught:
        await run(sandbox, script, sleep)
    assert caught.value.status == 429
    assert sleep.delays == [] and len(script.api_calls) == 1


@pytest.mark.parametrize("fault", [timeout, dropped])
async def test_get_is_retried_after_a_timeout_or_dropped_connection(
    sandbox: Sandbox, fault: Reply
) -> None:
    script, sleep = Script(fault, ok_page), NoSleep()
    await run(sandbox, script, sleep)
    assert len(script.api_calls) == 2 and len(sleep.delays) == 1


async def test_retries_are_bounded(sandbox: Sandbox) -> None:
    script, sleep = Script(api_error(503)), NoSleep()
    with pytest.raises(ApiError) as caught:
        await run(sandbox, script, sleep)
    assert caught.value.status == 503
    assert str(caught.value) == "GET /v1/customers/applications (503): x"
    assert len(script.api_calls) == 4 and len(sleep.delays) == 3


async def test_a_timeout_that_persists_is_a_network_error(sandbox: Sandbox) -> None:
    script, sleep = Script(timeout), NoSleep()
    with pytest.raises(NetworkError) as caught:
        await run(sandbox, script, sleep)
    assert caught.value.timeout
    assert str(caught.value) == "GET /v1/customers/applications: timed out waiting for the server"
    assert len(script.api_calls) == 4


async def test_4xx_is_not_retried(sandbox: Sandbox) -> None:
    script, sleep = Script(api_error(404), ok_page), NoSleep()
    with pytest.raises(ApiError):
        await run(sandbox, script, sleep)
    assert len(script.api_calls) == 1 and sleep.delays == []


async def test_token_grant_is_retried_like_a_get(sandbox: Sandbox) -> None:
    script = Script(ok_page, token_replies=(api_error(503), httpx.Response(200, json=TOKEN)))
    sleep = NoSleep()
    await run(sandbox, script, sleep)
    assert script.calls.count("POST /auth/realms/co2free/protocol/openid-connect/token") == 2


@pytest.mark.parametrize("fault", [api_error(503), api_error(500), timeout, dropped])
async def test_create_is_sent_exactly_once(sandbox: Sandbox, fault: Reply) -> None:
    created = httpx.Response(201, json={"id": "1", "clientId": "cbx_b2b_new", "clientSecret": "s"})
    script, sleep = Script(fault, created), NoSleep()
    with pytest.raises(ApiError):
        await run(sandbox, script, sleep, call="create")
    assert script.api_calls == ["POST /v1/customers/applications"]
    assert sleep.delays == []


async def test_garbage_json_is_one_api_error_naming_the_endpoint(sandbox: Sandbox) -> None:
    html = httpx.Response(
        200, text="<html><body>502 Bad Gateway</body></html>", headers={"content-type": "text/html"}
    )
    script, sleep = Script(html), NoSleep()
    with pytest.raises(ApiError) as caught:
        await run(sandbox, script, sleep)
    assert caught.value.endpoint == "GET /v1/customers/applications"
    assert "not JSON" in str(caught.value) and "<html><body>502 Bad Gateway" in str(caught.value)
    assert len(script.api_calls) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [{"id": 1, "clientId": "cbx_b2b_a"}]}, "$.items[0].id"),
        ({"items": [{"id": "a"}]}, "$.items[0].clientId"),
        ({"items": "nope"}, "$.items"),
        ([1, 2], None),
    ],
)
async def test_wrong_shape_json_names_the_field(
    sandbox: Sandbox, body: object, field: str | None
) -> None:
    script, sleep = Script(httpx.Response(200, json=body)), NoSleep()
    with pytest.raises(ApiError) as caught:
        await run(sandbox, script, sleep)
    err = caught.value
    assert type(err) is ApiError
    assert err.endpoint == "GET /v1/customers/applications"
    assert err.field == field
    if field:
        assert field in str(err)
    assert len(script.api_calls) == 1


async def test_wrong_shape_token_response_is_named(sandbox: Sandbox) -> None:
    script = Script(ok_page, token_replies=(httpx.Response(200, json={"token_type": "Bearer"}),))
    with pytest.raises(ApiError) as caught:
        await run(sandbox, script, NoSleep())
    assert caught.value.endpoint == "POST /auth/realms/co2free/protocol/openid-connect/token"
    assert caught.value.field == "$.access_token"


async def test_registry_wrong_shapes_are_named(sandbox: Sandbox) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/accessTokens"):
            return httpx.Response(201, json={"token": "crs_1", "expiresAt": "soon"})
        return httpx.Response(200, json={"id": "i1", "permissions": {}})

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        registry = session.registry
        assert registry is not None
        with pytest.raises(ApiError) as bad_time:
            await registry.app_token()
        with pytest.raises(ApiError) as missing:
            await registry.installation("i1")
    assert bad_time.value.field == "expiresAt"
    assert str(bad_time.value) == (
        "POST /app/accessTokens: `expiresAt` is not an ISO-8601 time: 'soon'"
    )
    assert missing.value.endpoint == "GET /app/installations/{id}"
    assert missing.value.field == "$.organization"


async def test_oauth_error_on_refresh_falls_back_but_a_network_error_does_not(
    sandbox: Sandbox,
) -> None:
    script = Script(ok_page, token_replies=(timeout,))
    with pytest.raises(NetworkError):
        await run(sandbox, script, NoSleep())
    # Four tries of the grant, then the error; the API is never called without a token.
    assert script.api_calls == []
    assert len(script.calls) == 4


def test_auth_error_is_an_api_error() -> None:
    assert issubclass(AuthError, ApiError) and issubclass(NetworkError, ApiError)
