"""CarbonRegistry tokens: the app JWT, the app access token and installation access tokens."""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from carbontui.auth.app_jwt import AppJwtSigner
from carbontui.auth.bearer import CachedBearerAuth
from carbontui.auth.cache import Fetcher, TokenCache
from carbontui.auth.token import Token, TokenKey, TokenKind
from carbontui.auth.validation import check_token, clamp_expiry
from carbontui.clock import Clock
from carbontui.decoding import decode
from carbontui.errors import ApiError, AuthError
from carbontui.redaction import register_secret
from carbontui.transport import MAX_TOKEN_BODY, Sender

SERVICE = "registry"


class AccessTokenPayload(msgspec.Struct, frozen=True, rename="camel"):
    """Body of ``POST /app/accessTokens`` and ``POST /app/installations/{id}/accessTokens``."""

    token: str
    expires_at: str
    id: str | None = None
    created_at: str | None = None
    is_active: bool = True
    permissions: dict[str, str] = msgspec.field(default_factory=dict)
    app_id: str | None = None
    installation_id: str | None = None
    organization_id: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.token)

    def __repr__(self) -> str:
        return f"AccessTokenPayload(id={self.id!r}, expires_at={self.expires_at!r})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's own __rich_repr__ would list the token.
        return [("id", self.id), ("expires_at", self.expires_at)]


def parse_timestamp(value: str, *, endpoint: str, field: str) -> float:
    """ISO-8601 (``Z`` or offset) to epoch seconds."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        raise ApiError(
            f"`{field}` is not an ISO-8601 time: {value!r}", endpoint=endpoint, field=field
        ) from None


class RegistryAuth:
    """Mints and caches the three kinds of Registry credential for one app of one profile."""

    def __init__(
        self,
        send: Sender,
        *,
        profile: str,
        signer: AppJwtSigner,
        cache: TokenCache,
        clock: Clock,
    ) -> None:
        self._send = send
        self._profile = profile
        self.signer = signer
        self._cache = cache
        self._clock = clock

    def key(self, installation: str) -> TokenKey:
        """Cache key for the JWT ("jwt"), the app token ("app") or an installation id."""
        return TokenKey(self._profile, SERVICE, self.signer.app_id, installation)

    @functools.cached_property
    def jwt_auth(self) -> CachedBearerAuth:
        """Auth for endpoints that take the app JWT; re-signs once after a skew rejection."""
        return CachedBearerAuth(
            self._cache, self.key("jwt"), self.signer.sign_async, self.signer.learn_skew
        )

    def app_token_auth(self) -> CachedBearerAuth:
        """Auth carrying the app access token."""
        return CachedBearerAuth(self._cache, self.key("app"), self.fetch_app_token)

    def installation_auth(self, installation_id: str) -> CachedBearerAuth:
        """Auth carrying an installation access token (minted on first use)."""
        return CachedBearerAuth(
            self._cache, self.key(installation_id), self.installation_fetcher(installation_id)
        )

    async def app_token(self, *, force: bool = False) -> Token:
        """The cached app access token, minted when missing or about to expire."""
        return await self._cache.get(self.key("app"), self.fetch_app_token, force=force)

    async def installation_token(self, installation_id: str, *, force: bool = False) -> Token:
        """The cached installation token, minted when missing or about to expire."""
        return await self._cache.get(
            self.key(installation_id), self.installation_fetcher(installation_id), force=force
        )

    async def obtain_installation_token(self, installation_id: str) -> tuple[Token, bool]:
        """A fresh installation token and whether this call minted it.

        Not minted when one is held here or, with the shared cache, when another process
        minted it while this one waited on the entry's lock (cross-process single-flight).
        """
        minted = False
        fetch = self.installation_fetcher(installation_id)

        async def fetch_noting(previous: Token | None = None) -> Token:
            nonlocal minted
            token = await fetch(previous)
            minted = True
            return token

        token = await self._cache.get(self.key(installation_id), fetch_noting)
        return token, minted

    async def fetch_app_token(self, previous: Token | None = None) -> Token:
        """``POST /app/accessTokens``."""
        return await self._mint("/app/accessTokens", TokenKind.REGISTRY_APP)

    def installation_fetcher(self, installation_id: str) -> Fetcher:
        """A fetcher that mints a token for one installation."""
        path = f"/app/installations/{installation_id}/accessTokens"

        async def fetch(previous: Token | None = None) -> Token:
            return await self._mint(path, TokenKind.REGISTRY_INSTALLATION)

        return fetch

    async def _mint(self, path: str, kind: TokenKind) -> Token:
        endpoint = (
            f"POST {path}"
            if kind is TokenKind.REGISTRY_APP
            else "POST /app/installations/{id}/accessTokens"
        )
        response = await self._send(
            "POST",
            path,
            idempotent=True,
            endpoint=endpoint,
            error_class=AuthError,
            auth=self.jwt_auth,
            max_bytes=MAX_TOKEN_BODY,
        )
        issued = self._clock()
        payload = decode(response.content, AccessTokenPayload, endpoint=endpoint)
        value = check_token(payload.token, endpoint=endpoint, field="token")
        expires = parse_timestamp(payload.expires_at, endpoint=endpoint, field="expiresAt")
        return Token(
            value=value,
            kind=kind,
            issued_at=issued,
            # Server times are on the server's clock; shift them onto ours.
            expires_at=clamp_expiry(issued, expires - self.signer.offset),
            permissions=dict(payload.permissions),
            installation_id=payload.installation_id,
            organization_id=payload.organization_id,
        )

    def cached_installation_token(self, installation_id: str) -> Token | None:
        """The installation token held in the cache (no network), possibly expired."""
        return self._cache.peek(self.key(installation_id))

    def held_installation_token(self, installation_id: str) -> Token | None:
        """As :meth:`cached_installation_token`, including one another carbontui process
        holds in the shared token cache (a file read, no network)."""
        return self._cache.lookup(self.key(installation_id))

    def is_fresh(self, token: Token) -> bool:
        """Whether the cache would hand ``token`` out without a new mint."""
        return self._cache.is_fresh(token)

    async def revoke(self, installation_id: str, *, token: str | None = None) -> bool:
        """Revoke (see :meth:`revoke_status`); True when the token can no longer be used.

        That is revoked now or already invalid; False when there was no token or the server
        did not confirm.
        """
        status = await self.revoke_status(installation_id, token=token)
        return status in (RevokeStatus.REVOKED, RevokeStatus.ALREADY_INVALID)

    async def revoke_status(
        self, installation_id: str, *, token: str | None = None
    ) -> RevokeStatus:
        """``DELETE /app/installations/token`` with the installation's token, then forget it.

        ``token`` revokes that token value instead of the cached one (e.g. one minted by
        another process). Never retried automatically. With no token there is nothing to
        revoke and nothing is sent (``NO_TOKEN``). A 401 means the token was already invalid
        (expired or revoked): ``ALREADY_INVALID``, not ``REVOKED``.
        """
        key = self.key(installation_id)
        cached = self._cache.lookup(key)
        value = token or (cached.value if cached is not None else None)
        if value is None:
            return RevokeStatus.NO_TOKEN
        endpoint = "DELETE /app/installations/token"
        try:
            response = await self._send(
                "DELETE",
                "/app/installations/token",
                idempotent=False,
                endpoint=endpoint,
                headers={"Authorization": f"Bearer {value}"},
                max_bytes=MAX_TOKEN_BODY,
            )
        except ApiError as exc:
            if exc.status != 401:
                raise
            status = RevokeStatus.ALREADY_INVALID
        else:
            confirmed = response.content.strip() in (b"true", b"")
            status = RevokeStatus.REVOKED if confirmed else RevokeStatus.UNCONFIRMED
        if cached is not None and cached.value == value:
            self._cache.invalidate(key)
        return status


class RevokeStatus(StrEnum):
    """How ``DELETE /app/installations/token`` ended."""

    REVOKED = "revoked"
    #: 401: the token was already expired or revoked, so nothing was revoked now.
    ALREADY_INVALID = "already invalid"
    #: A 2xx whose body is not the documented ``true``.
    UNCONFIRMED = "unconfirmed"
    #: No token given and none cached: nothing was sent.
    NO_TOKEN = "no token"
