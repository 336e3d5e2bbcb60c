"""Carbonext tokens over real HTTP: both auth flavours, refresh and rotation, Basic, bad secret."""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest
from core_testlib import CONNECT_TOKEN, KEYCLOAK_TOKEN, LIST_KEYS, Sandbox

from carbontui.auth.token import TokenKind
from carbontui.clock import ManualClock
from carbontui.errors import AuthError


async def test_keycloak_flavour_gives_a_jwt_with_roles_and_no_refresh(sandbox: Sandbox) -> None:
    clock = ManualClock(1_900_000_000.0)
    async with sandbox.session("sandbox-hml", clock=clock) as session:
        assert session.carbonext is not None
        token = await session.carbonext.token()
    admin = sandbox.state.admin_application("hml")
    claims = jwt.decode(token.value, options={"verify_signature": False})
    assert claims["azp"] == admin.client_id
    assert token.kind is TokenKind.CARBONEXT
    assert token.issued_at == clock()
    assert token.expires_at == clock() + 3600  # expires_in on the injected clock
    assert token.scope == ("profile", "email", "roles")
    assert "customer_applications_read" in token.roles
    assert token.refresh_token is None and not token.can_refresh
    assert token.claims is not None and token.claims["sub"] == admin.id
    assert sandbox.stats() == {KEYCLOAK_TOKEN: 1}


async def test_connect_flavour_gives_an_opaque_token_with_refresh_and_userinfo(
    sandbox: Sandbox,
) -> None:
    async with sandbox.session("sandbox-prod") as session:
        assert session.carbonext is not None
        token = await session.carbonext.token()
        info = await session.carbonext.userinfo()
    admin = sandbox.state.admin_application("prod")
    assert token.value.count(".") != 2 and token.claims is None
    assert token.scope == ("offline_access",)
    assert token.can_refresh
    assert token.refresh_token in sandbox.state.refresh_grants
    assert info.client_id == admin.client_id
    assert info.customer_application_id == admin.id
    assert info.customer_legal_name == sandbox.state.customer.legal_name
    # /connect/userinfo spells the keys permission as the auth-connect doc does.
    assert "customerApplication_read" in info.permissions
    assert sandbox.stats() == {CONNECT_TOKEN: 1, "GET /connect/userinfo": 1}


async def test_userinfo_in_the_doc_tables_pascal_case(sandbox: Sandbox) -> None:
    from carbontui.sandbox.faults import Fault

    body = {"ClientId": "cbx_b2b_x", "CustomerLegalName": "Acme Ltda.", "Permissions": ["a"]}
    sandbox.state.faults.add([Fault("shape", route="GET /connect/userinfo", body=body)])
    try:  # the server is shared by the module's tests
        async with sandbox.session("sandbox-prod") as session:
            assert session.carbonext is not None
            info = await session.carbonext.userinfo()
    finally:
        sandbox.state.faults.clear()
    assert (info.client_id, info.customer_legal_name, info.permissions) == (
        "cbx_b2b_x",
        "Acme Ltda.",
        ("a",),
    )


async def test_refresh_token_is_used_and_rotated(make_sandbox) -> None:
    box: Sandbox = make_sandbox(token_ttl=100)
    clock = ManualClock(box.state.now())
    async with box.session("sandbox-prod", clock=clock) as session:
        client = session.carbonext
        assert client is not None
        first = await client.token()
        clock.advance(95)  # inside the refresh-ahead margin (10 % of 100 s)
        second = await client.token()
        await client.list_page(1, 5)  # the refreshed token works
    assert second.value != first.value
    assert second.refresh_token not in (None, first.refresh_token)
    # The refresh grant consumed (rotated) the first refresh token; a new grant would not have.
    assert first.refresh_token not in box.state.refresh_grants
    assert second.refresh_token in box.state.refresh_grants
    assert second.scope == ("offline_access",)
    assert box.stats() == {CONNECT_TOKEN: 2, LIST_KEYS: 1}


async def test_rejected_refresh_token_falls_back_to_a_new_grant(make_sandbox) -> None:
    box: Sandbox = make_sandbox(token_ttl=100)
    clock = ManualClock(box.state.now())
    async with box.session("sandbox-prod", clock=clock) as session:
        client = session.carbonext
        assert client is not None
        first = await client.token()
        await client.token(force=True)  # rotates first.refresh_token away
        box.reset_stats()
        # Put the stale token back, as if another process had rotated its refresh token.
        session.cache.put(client.token_key, first)
        third = await client.token(force=True)
        await client.list_page(1, 5)
    assert third.value != first.value and third.can_refresh
    assert box.stats() == {CONNECT_TOKEN: 2, LIST_KEYS: 1}
    assert box.statuses() == {"400": 1, "200": 2}


async def test_client_secret_basic(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []

    async def spy(request: httpx.Request) -> None:
        seen.append(request)

    session = sandbox.session("sandbox-prod", token_auth="client_secret_basic")
    for client in session._clients:
        client.event_hooks["request"].append(spy)
    async with session:
        assert session.carbonext is not None
        token = await session.carbonext.token()
        await session.carbonext.list_page(1, 5)
    assert token.can_refresh
    grant = seen[0]
    admin = sandbox.state.admin_application("prod")
    expected = base64.b64encode(f"{admin.client_id}:{admin.client_secret}".encode()).decode()
    assert grant.headers["authorization"] == f"Basic {expected}"
    assert b"client_secret" not in grant.content and b"client_id" not in grant.content
    assert sandbox.stats() == {CONNECT_TOKEN: 1, LIST_KEYS: 1}


@pytest.mark.parametrize(
    ("profile", "status", "description"),
    [
        ("sandbox-hml", 401, "Invalid client or Invalid client credentials"),
        ("sandbox-prod", 400, "Invalid client or Invalid client credentials"),
    ],
)
async def test_wrong_secret_is_an_auth_error_with_the_servers_description(
    sandbox: Sandbox, profile: str, status: int, description: str
) -> None:
    async with sandbox.session(profile, client_secret="not-the-secret") as session:
        assert session.carbonext is not None
        with pytest.raises(AuthError) as caught:
            await session.carbonext.list_page()
    err = caught.value
    assert err.status == status
    assert err.code == "invalid_client"
    assert err.message == f"invalid_client: {description}"
    token_route = KEYCLOAK_TOKEN if profile == "sandbox-hml" else CONNECT_TOKEN
    assert str(err) == f"{token_route} ({status}): invalid_client: {description}"
    # An auth failure is final: not retried, and the API was never called.
    assert sandbox.stats() == {token_route: 1}
