"""CarbonRegistry credentials: app JWT claims and skew re-sign, ES256, tokens, revoke."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import jwt
import pytest
from core_testlib import APP_TOKEN, INSTALLATION_TOKEN, LIST_INSTALLATIONS, REVOKE, Sandbox
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from carbontui.auth.app_jwt import AppJwtSigner
from carbontui.auth.token import TokenKind
from carbontui.clock import ManualClock
from carbontui.errors import ApiError, NetworkError


def first_installation(sandbox: Sandbox) -> str:
    return sandbox.state.registry_apps["67890"].installations.page(0, 1)[0].id


def test_app_jwt_claims_are_backdated_short_and_signed_rs256(sandbox: Sandbox) -> None:
    profile = sandbox.profile()
    assert profile.registry is not None
    clock = ManualClock(1_900_000_000.5)
    signer = AppJwtSigner("67890", profile.registry.load_private_key().reveal(), clock)
    token = signer.sign()
    public = sandbox.state.app_private_key.public_key()
    claims = jwt.decode(
        token.value,
        public,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert jwt.get_unverified_header(token.value)["alg"] == "RS256"
    assert claims == {"iat": 1_900_000_000 - 60, "exp": 1_900_000_000 - 60 + 600, "iss": "67890"}
    assert claims["exp"] - claims["iat"] <= 600
    assert token.kind is TokenKind.REGISTRY_APP_JWT
    assert token.expires_at == claims["exp"]
    assert token.claims == claims


@pytest.mark.parametrize("skew", [3600.0, -3600.0, 900.0, -120.0])
async def test_skewed_server_clock_rejects_once_then_the_signer_corrects(
    make_sandbox, skew: float
) -> None:
    server_clock = ManualClock(1_900_000_000.0)
    box: Sandbox = make_sandbox(now=server_clock, apps=2, installations=3)
    box.state.clock_offset = skew
    client_clock = ManualClock(server_clock())
    async with box.session(clock=client_clock) as session:
        registry = session.registry
        assert registry is not None
        token = await registry.app_token()
        assert box.stats() == {APP_TOKEN: 2}
        assert box.statuses() == {"401": 1, "201": 1}
        assert registry.auth.signer.offset == skew
        # Later JWT calls reuse the corrected JWT: no more rejections.
        await registry.list_page(0, 10)
        await registry.installation_token(first_installation(box))
    assert box.stats() == {APP_TOKEN: 2, LIST_INSTALLATIONS: 1, INSTALLATION_TOKEN: 1}
    # The server's expiresAt is moved onto the client's clock.
    assert token.expires_at == client_clock() + 3600


async def test_small_skew_needs_no_resign(make_sandbox) -> None:
    server_clock = ManualClock(1_900_000_000.0)
    box: Sandbox = make_sandbox(now=server_clock, apps=2, installations=1)
    box.state.clock_offset = -25.0  # within the 60 s backdate and the server's 30 s leeway
    async with box.session(clock=ManualClock(server_clock())) as session:
        assert session.registry is not None
        await session.registry.app_token()
        assert session.registry.auth.signer.offset == 0.0
    assert box.stats() == {APP_TOKEN: 1}


async def test_es256_with_an_ec_key_registered_in_the_sandbox(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    sandbox.state.register_app(
        "67890",
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )
    pem = tmp_path / "ec.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pem.chmod(0o600)
    profile = sandbox.profile()
    assert profile.registry is not None
    profile = dataclasses.replace(
        profile, registry=dataclasses.replace(profile.registry, private_key_file=pem)
    )
    async with sandbox.session(profile=profile) as session:
        registry = session.registry
        assert registry is not None
        assert registry.auth.signer.algorithm == "ES256"
        token = await registry.app_token()
        jwt_token = session.cache.peek(registry.auth.key("jwt"))
    assert jwt_token is not None
    assert jwt.get_unverified_header(jwt_token.value)["alg"] == "ES256"
    assert token.kind is TokenKind.REGISTRY_APP
    assert token.value.startswith("crs_")
    assert sandbox.stats() == {APP_TOKEN: 1}


async def test_installation_token_carries_what_a_ui_needs(sandbox: Sandbox) -> None:
    inst = sandbox.state.registry_apps["67890"].installations.page(0, 1)[0]
    async with sandbox.session() as session:
        assert session.registry is not None
        token = await session.registry.installation_token(inst.id)
        again = await session.registry.installation_token(inst.id)
    assert again is token  # cached
    assert token.kind is TokenKind.REGISTRY_INSTALLATION
    assert token.installation_id == inst.id
    assert token.organization_id == inst.organization.id
    assert dict(token.permissions) == dict(inst.permissions)
    assert token.expires_at is not None and abs(token.lifetime - 3600) < 1
    assert sandbox.stats() == {INSTALLATION_TOKEN: 1}


async def test_revoke_invalidates_on_the_server_and_drops_the_cache_entry(
    sandbox: Sandbox,
) -> None:
    inst = first_installation(sandbox)
    async with sandbox.session() as session:
        registry = session.registry
        assert registry is not None
        token = await registry.installation_token(inst)
        assert await registry.revoke(inst) is True
        assert session.cache.peek(registry.auth.key(inst)) is None
        assert sandbox.state.registry_tokens[token.value].is_active is False
        # Nothing cached any more: nothing to revoke, and no request is made.
        assert await registry.revoke(inst) is False
        fresh = await registry.installation_token(inst)
    assert fresh.value != token.value
    assert sandbox.stats() == {INSTALLATION_TOKEN: 2, REVOKE: 1}


@pytest.mark.parametrize("fault", ["503", "timeout"])
async def test_revoke_is_never_retried(sandbox: Sandbox, fault: str) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.method == "DELETE":
            if fault == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            return httpx.Response(503, json={"statusCode": 503, "message": "busy"})
        return httpx.Response(
            201, json={"token": "crs_x", "expiresAt": "2030-01-01T00:00:00Z", "isActive": True}
        )

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        registry = session.registry
        assert registry is not None
        await registry.installation_token("i-1")
        with pytest.raises(NetworkError if fault == "timeout" else ApiError):
            await registry.revoke("i-1")
    assert calls == ["POST /app/installations/i-1/accessTokens", "DELETE /app/installations/token"]
