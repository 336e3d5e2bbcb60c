"""Carbonext OAuth2 client-credentials tokens (Keycloak on hml, IdentityServer /connect on prod)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import httpx
import msgspec

from carbontui.auth.claims import typed_claims, unverified_claims
from carbontui.auth.token import Token, TokenKind
from carbontui.auth.validation import check_token, clamp_expiry, lifetime
from carbontui.clock import Clock
from carbontui.config.models import CarbonextSettings
from carbontui.decoding import convert, parse_json
from carbontui.errors import AuthError
from carbontui.redaction import register_secret
from carbontui.transport import MAX_TOKEN_BODY, Sender, endpoint_name


class _TokenResponse(msgspec.Struct, frozen=True):
    access_token: str
    token_type: str = "Bearer"
    # Real servers send "3600" as often as 3600.
    expires_in: float | str | None = None
    refresh_token: str | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.access_token)
        register_secret(self.refresh_token)

    def __repr__(self) -> str:
        return f"_TokenResponse(expires_in={self.expires_in!r}, scope={self.scope!r})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's own __rich_repr__ would list both tokens.
        return [("expires_in", self.expires_in), ("scope", self.scope)]


class CarbonextTokenSource:
    """Obtains Carbonext access tokens for one client; plug ``fetch`` into the TokenCache."""

    def __init__(
        self, send: Sender, settings: CarbonextSettings, *, client_secret: str, clock: Clock
    ) -> None:
        self._send = send
        self.settings = settings
        self._token_url = settings.token_url
        self._client_id = settings.client_id
        self._client_secret = client_secret
        self._scope = settings.scope
        self._basic_auth = settings.token_auth == "client_secret_basic"
        self._clock = clock
        self.endpoint = endpoint_name("POST", settings.token_url)

    def __repr__(self) -> str:
        return f"CarbonextTokenSource(client_id={self._client_id!r}, token_url={self._token_url!r})"

    async def fetch(self, previous: Token | None) -> Token:
        """Refresh ``previous`` when it has a refresh token, else make a new grant.

        A refused refresh (rotated, expired or revoked refresh token) falls back to a new
        client-credentials grant, which is always allowed for a confidential client.
        """
        if previous is not None and previous.refresh_token:
            try:
                return await self._grant(
                    {"grant_type": "refresh_token", "refresh_token": previous.refresh_token}
                )
            except AuthError:
                pass
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        return await self._grant(form)

    async def _grant(self, form: dict[str, str]) -> Token:
        headers = {"Accept": "application/json"}
        if self._basic_auth:
            # RFC 6749 §2.3.1: form-urlencode both parts before base64.
            user = quote(self._client_id, safe="")
            password = quote(self._client_secret, safe="")
            auth: Any = httpx.BasicAuth(user, password)
            register_secret(base64.b64encode(f"{user}:{password}".encode()).decode())
        else:
            form = {**form, "client_id": self._client_id, "client_secret": self._client_secret}
            auth = None
        response = await self._send(
            "POST",
            self._token_url,
            idempotent=True,
            endpoint=self.endpoint,
            error_class=AuthError,
            data=form,
            headers=headers,
            auth=auth,
            max_bytes=MAX_TOKEN_BODY,
        )
        issued = self._clock()
        body = parse_json(response.content, endpoint=self.endpoint)
        if isinstance(body, dict) and "access_token" not in body and "accessToken" in body:
            # The /connect doc's attribute table says `accessToken`; its example (and Keycloak)
            # say `access_token`. Accept both.
            body = {**body, "access_token": body["accessToken"]}
        payload = convert(body, _TokenResponse, endpoint=self.endpoint)
        value = check_token(payload.access_token, endpoint=self.endpoint, field="access_token")
        refresh = payload.refresh_token or None
        if refresh is not None:
            check_token(refresh, endpoint=self.endpoint, field="refresh_token")
        raw_claims = unverified_claims(value)
        claims = typed_claims(raw_claims, endpoint=self.endpoint)
        seconds = lifetime(payload.expires_in, endpoint=self.endpoint, field="expires_in")
        expires_at = issued + seconds if seconds is not None else clamp_expiry(issued, claims.exp)
        return Token(
            value=value,
            kind=TokenKind.CARBONEXT,
            issued_at=issued,
            expires_at=expires_at,
            scope=tuple((payload.scope or claims.scope or "").split()),
            roles=claims.roles,
            refresh_token=refresh,
            claims=raw_claims,
        )
