"""No secret value in any repr(), exception message or log record (httpx/httpcore included)."""

from __future__ import annotations

import logging

import httpx
import pytest
from core_testlib import Sandbox

from carbontui.auth.carbonext import _TokenResponse
from carbontui.auth.registry import AccessTokenPayload
from carbontui.errors import ApiError


def secret_parts(sandbox: Sandbox) -> list[str]:
    """The private key's PEM body lines plus both admin client secrets."""
    pem = (sandbox.config_path.parent / "registry-app.pem").read_text()
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return [
        *body,
        sandbox.state.admin_application("hml").client_secret,
        sandbox.state.admin_application("prod").client_secret,
    ]


async def test_main_flows_leak_no_secret(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "httpx", "httpcore", "carbontui"):
        caplog.set_level(logging.DEBUG, logger=name or None)
    seen: list[str] = []  # reprs and messages to search
    errors: list[BaseException] = []
    secrets = secret_parts(sandbox)
    inst = sandbox.state.registry_apps["67890"].installations.page(0, 1)[0]

    for profile, basic in (("sandbox-hml", False), ("sandbox-prod", False), ("sandbox-prod", True)):
        extra = {"token_auth": "client_secret_basic"} if basic else {}
        async with sandbox.session(profile, **extra) as session:
            carbonext, registry = session.carbonext, session.registry
            assert carbonext is not None and registry is not None
            token = await carbonext.token()
            refreshed = await carbonext.token(force=True)  # a refresh grant on /connect
            await carbonext.list_page(1, 5)
            app_token = await registry.app_token()
            inst_token = await registry.installation_token(inst.id)
            await registry.organization(inst.id, inst.organization.id)
            await registry.revoke(inst.id)
            secrets += [token.value, refreshed.value, app_token.value, inst_token.value]
            secrets += [t.refresh_token for t in (token, refreshed) if t.refresh_token]
            jwt_token = session.cache.peek(registry.auth.key("jwt"))
            assert jwt_token is not None
            secrets.append(jwt_token.value)
            seen += [repr(x) for x in (session, session.cache, carbonext, registry, registry.auth)]
            seen += [repr(x) for x in (registry.auth.signer, carbonext._tokens, token, refreshed)]
            seen += [
                repr(x) for x in (app_token, inst_token, jwt_token, list(session.cache.items()))
            ]
            # Server-side revoke, then the 401 -> renew -> retry path.
            sandbox.state.carbonext_tokens.pop(refreshed.value, None)

    async with sandbox.session("sandbox-hml") as session:
        assert session.carbonext is not None
        created = await session.carbonext.create("hygiene", "Hygiene", [])
        secrets.append(created.client_secret)
        seen.append(repr(created))
    for profile in ("sandbox-hml", "sandbox-prod"):
        async with sandbox.session(profile, client_secret="wrong-but-secret-value") as session:
            assert session.carbonext is not None
            with pytest.raises(ApiError) as caught:
                await session.carbonext.list_page()
            errors.append(caught.value)
            seen.append(repr(session.carbonext._tokens))
    secrets.append("wrong-but-secret-value")

    seen += [repr(e) for e in errors] + [str(e) for e in errors]
    seen.append(caplog.text)
    seen += [r.getMessage() for r in caplog.records]
    seen += [repr(r.args) for r in caplog.records]
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # logs were captured
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    haystack = "\n".join(seen)
    leaks = [s[:8] for s in secrets if s and s in haystack]
    assert leaks == []


def test_payload_reprs_mask_tokens() -> None:
    response = _TokenResponse(access_token="AT-secret-1", refresh_token="RT-secret-2")
    payload = AccessTokenPayload(token="crs_secret_3", expires_at="2030-01-01T00:00:00Z")
    text = repr(response) + repr(payload)
    assert "secret" not in text


async def test_cut_off_token_answer_is_not_quoted_in_the_error(sandbox: Sandbox) -> None:
    body = b'{"access_token": "eyJhbGciOiJSUzI1NiJ9.cut-off-secret'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        assert session.carbonext is not None
        with pytest.raises(ApiError) as caught:
            await session.carbonext.token()
    assert "cut-off-secret" not in str(caught.value)
    assert "eyJ" not in str(caught.value)
    assert str(caught.value).startswith(
        "POST /auth/realms/co2free/protocol/openid-connect/token: response is malformed JSON"
    )
