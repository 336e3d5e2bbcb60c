"""Reading (not verifying) JWT claims, for display, with the claims we use checked for type."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import msgspec

from carbontui.decoding import convert


class _Access(msgspec.Struct, frozen=True):
    roles: tuple[str, ...] = ()


class TokenClaims(msgspec.Struct, frozen=True):
    """The claims carbontui reads from an access token; any other claim is only displayed."""

    exp: float | None = None
    scope: str | None = None
    realm_access: _Access | None = None
    resource_access: dict[str, _Access] | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        """Keycloak realm roles plus any client roles, in order, without duplicates."""
        roles = list(self.realm_access.roles if self.realm_access else ())
        for access in (self.resource_access or {}).values():
            roles.extend(access.roles)
        return tuple(dict.fromkeys(roles))


def looks_like_jwt(value: str) -> bool:
    """Three dot-separated segments, as a compact JWS has."""
    return value.count(".") == 2


def _segment(text: str) -> Any:
    # base64url without padding, then JSON: what a compact JWS's first two parts are.
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return msgspec.json.decode(raw)


def unverified_claims(value: str) -> Mapping[str, Any] | None:
    """The payload of a JWT without checking its signature, or None if it is not a JWT.

    Decoded here rather than by PyJWT, which (with cryptography) would be imported at start
    only to read a token's claims for display.
    """
    if not looks_like_jwt(value):
        return None
    header, payload, _ = value.split(".")
    try:
        if not isinstance(_segment(header), dict):
            return None
        claims = _segment(payload)
    except (binascii.Error, msgspec.DecodeError, ValueError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


def typed_claims(claims: Mapping[str, Any] | None, *, endpoint: str) -> TokenClaims:
    """The claims carbontui relies on, checked: a wrong type is an ``ApiError`` naming it."""
    if not claims:
        return TokenClaims()
    return convert(dict(claims), TokenClaims, endpoint=endpoint, what="token claims")
