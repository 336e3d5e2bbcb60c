"""Random and malformed payloads into every decoder: only ApiError (or a clean result) comes out.

Covers ``decoding.decode`` for every model, the token payloads (through the real token sources
on an ``httpx.MockTransport``), every API client read and create, and ``transport.error_details``.
Deterministic (``derandomize=True``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbontui.api import models
from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.auth.carbonext import CarbonextTokenSource, _TokenResponse
from carbontui.auth.registry import AccessTokenPayload
from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.config.models import CarbonextSettings
from carbontui.config.secrets import SecretSource
from carbontui.decoding import decode
from carbontui.errors import ApiError
from carbontui.sandbox import SandboxOptions, create_app, write_config
from carbontui.transport import RetryPolicy, Sender, error_details

NOW = 1_800_000_000.0
ONCE = RetryPolicy(attempts=1)
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

MODELS: list[type[msgspec.Struct]] = [
    obj
    for obj in vars(models).values()
    if isinstance(obj, type)
    and issubclass(obj, msgspec.Struct)
    and obj.__module__ == models.__name__
] + [AccessTokenPayload, _TokenResponse]

# -- payloads ------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def wire_names(model: type[msgspec.Struct]) -> list[str]:
    return [f.encode_name for f in msgspec.structs.fields(model)]


@st.composite
def wrong_typed(draw: st.DrawFn, model: type[msgspec.Struct] | None = None) -> bytes:
    """An object with (some of) the model's own field names, each holding any JSON value."""
    model = model or draw(st.sampled_from(MODELS))
    names = wire_names(model)
    keys = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    return encode({key: draw(json_values) for key in keys})


EDGE_CASES = [
    b"",
    b"null",
    b"1e400",
    b"-1e400",
    b"123456789012345678901234567890",
    b'{"items": [], "totalPages": 1e999}',
    b'{"token": "crs_x", "expiresAt": "not a time"}',
    b'{"token": "crs_x", "expiresAt": "2030-13-45T99:00:00Z"}',
    b'{"access_token": "eyJhbGciOiJub25lIn0.e30.", "expires_in": -5}',
    b'{"access_token": "x", "expires_in": 1e308}',
    b'{"message": "\xe9"}',  # latin-1, not UTF-8
    b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark
    '{"message": "\U0001f600 \u202e \\ud800"}'.encode(),
    b"<html><body>502 Bad Gateway</body></html>",
]
DEEP = [b"[" * 100_000, b'{"a":' * 100_000, b"[" * 5_000 + b"]" * 5_000]

shallow_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(encode),
    wrong_typed(),
    st.text(max_size=80).map(str.encode),
    st.sampled_from(EDGE_CASES),
)
bodies = st.one_of(shallow_bodies, st.sampled_from(DEEP))
statuses = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503])

# -- decoders ------------------------------------------------------------------------------


@FUZZ
@given(model=st.sampled_from(MODELS), body=bodies)
def test_decode_any_bytes(model: type[msgspec.Struct], body: bytes) -> None:
    try:
        result = decode(body, model, endpoint="GET /fuzz")
    except ApiError as exc:
        assert str(exc).startswith("GET /fuzz")
    else:
        assert isinstance(result, model)


@FUZZ
@given(data=st.data(), model=st.sampled_from(MODELS))
def test_decode_wrong_types_in_every_field(
    data: st.DataObject, model: type[msgspec.Struct]
) -> None:
    body = data.draw(wrong_typed(model))
    try:
        decode(body, model, endpoint="GET /fuzz")
    except ApiError as exc:
        assert exc.endpoint == "GET /fuzz"


@FUZZ
@given(status=statuses.filter(lambda s: s >= 400), body=shallow_bodies, json_type=st.booleans())
def test_error_details_never_raises(status: int, body: bytes, json_type: bool) -> None:
    headers = {"content-type": "application/json"} if json_type else {}
    message, code = error_details(httpx.Response(status, content=body, headers=headers))
    assert isinstance(message, str) and message
    assert code is None or isinstance(code, str)


def test_error_details_deeply_nested_body() -> None:
    message, code = error_details(httpx.Response(500, content=DEEP[0]))
    assert "not JSON" in message and code is None
    as_json = httpx.Response(500, content=DEEP[0], headers={"content-type": "application/json"})
    assert "could not be read" in error_details(as_json)[0]


# -- through the real token sources and clients ----------------------------------------------


class Replies:
    """A MockTransport handler: fixed good answers for auth, the fuzzed answer for the target."""

    def __init__(self) -> None:
        self.target = ""
        self.status = 200
        self.body = b"{}"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == self.target:
            return httpx.Response(self.status, content=self.body)
        if path.endswith("/token"):
            body = {"access_token": "good-access-token", "expires_in": 300}
            return httpx.Response(200, json=body)
        if path.endswith("/accessTokens"):
            body = {"token": "crs_good", "expiresAt": "2030-01-01T00:00:00Z"}
            return httpx.Response(201, json=body)
        return httpx.Response(404, json={"message": "not here"})


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def sessions(
    tmp_path_factory: pytest.TempPathFactory, loop: asyncio.AbstractEventLoop
) -> Iterator[tuple[Replies, dict[str, ProfileSession]]]:
    """One session per profile for every example (loading an RSA key takes ~50 ms)."""
    sandbox = create_app(SandboxOptions(seed=0))
    config = load_config(
        write_config(tmp_path_factory.mktemp("fuzz-cfg"), "http://fuzz.test", sandbox)
    )
    replies = Replies()
    clock = ManualClock(NOW)
    built = {
        name: ProfileSession(
            config.profile(name),
            cache=TokenCache(clock=clock),
            clock=clock,
            retry=ONCE,
            transport=httpx.MockTransport(replies),
        )
        for name in ("sandbox-hml", "sandbox-prod")
    }
    yield replies, built
    for session in built.values():
        loop.run_until_complete(session.aclose())


Call = Callable[[ProfileSession], Any]
CALLS: dict[str, tuple[str, str, Call]] = {
    "keycloak token": (
        "sandbox-hml",
        "/auth/realms/co2free/protocol/openid-connect/token",
        lambda s: s.carbonext.token(),
    ),
    "connect token": ("sandbox-prod", "/connect/token", lambda s: s.carbonext.token()),
    "keys page": ("sandbox-hml", "/v1/customers/applications", lambda s: s.carbonext.list_page()),
    "key": ("sandbox-hml", "/v1/customers/applications/k1", lambda s: s.carbonext.get("k1")),
    "create": (
        "sandbox-hml",
        "/v1/customers/applications",
        lambda s: s.carbonext.create("fuzz", "Fuzz", []),
    ),
    "userinfo": ("sandbox-prod", "/connect/userinfo", lambda s: s.carbonext.userinfo()),
    "app token": ("sandbox-hml", "/app/accessTokens", lambda s: s.registry.app_token()),
    "installation token": (
        "sandbox-hml",
        "/app/installations/i1/accessTokens",
        lambda s: s.registry.installation_token("i1"),
    ),
    "installations page": ("sandbox-hml", "/app/installations", lambda s: s.registry.list_page()),
    "installation": (
        "sandbox-hml",
        "/app/installations/i1",
        lambda s: s.registry.installation("i1"),
    ),
    "organization": (
        "sandbox-hml",
        "/app/organizations/o1",
        lambda s: s.registry.organization("i1", "o1"),
    ),
}


@settings(FUZZ, max_examples=300)
@given(call=st.sampled_from(sorted(CALLS)), status=statuses, body=shallow_bodies, data=st.data())
def test_clients_turn_any_answer_into_a_result_or_api_error(
    sessions: tuple[Replies, dict[str, ProfileSession]],
    loop: asyncio.AbstractEventLoop,
    call: str,
    status: int,
    body: bytes,
    data: st.DataObject,
) -> None:
    if status < 400:  # a success may be anything, nested as deep as it likes
        body = data.draw(st.one_of(st.just(body), st.sampled_from(DEEP)), label="body")
    profile_name, target, run = CALLS[call]
    replies, by_profile = sessions
    replies.target, replies.status, replies.body = target, status, body
    session = by_profile[profile_name]
    session.cache.clear()

    async def go() -> None:
        try:
            await run(session)
        except ApiError as exc:
            assert exc.endpoint

    loop.run_until_complete(go())


@FUZZ
@given(body=bodies, basic=st.booleans())
def test_carbonext_grant_decodes_any_success(
    loop: asyncio.AbstractEventLoop, body: bytes, basic: bool
) -> None:
    async def go() -> None:
        handler = lambda request: httpx.Response(200, content=body)  # noqa: E731
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            settings = CarbonextSettings(
                api_url="http://fuzz.test",
                token_url="http://fuzz.test/connect/token",
                client_id="cbx_b2b_fuzz",
                client_secret=SecretSource.from_value("fuzz-secret"),
                scope="roles",
                token_auth="client_secret_basic" if basic else "client_secret_post",
            )
            source = CarbonextTokenSource(
                Sender(http, ONCE), settings, client_secret="fuzz-secret", clock=ManualClock(NOW)
            )
            try:
                token = await source._grant({"grant_type": "client_credentials"})
            except ApiError as exc:
                assert exc.endpoint == "POST /connect/token"
            else:
                assert isinstance(token.value, str)

    loop.run_until_complete(go())
