"""Reading (not verifying) JWT claims, for display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt


def looks_like_jwt(value: str) -> bool:
    """Three dot-separated segments, as a compact JWS has."""
    return value.count(".") == 2


def unverified_claims(value: str) -> Mapping[str, Any] | None:
    """The payload of a JWT without checking its signature, or None if it is not a JWT."""
    if not looks_like_jwt(value):
        return None
    try:
        claims = jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def roles_from_claims(claims: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Keycloak realm roles plus any client roles, in order, without duplicates."""
    if not claims:
        return ()
    roles: list[str] = []
    realm = claims.get("realm_access")
    if isinstance(realm, Mapping):
        roles.extend(str(r) for r in realm.get("roles") or ())
    resources = claims.get("resource_access")
    if isinstance(resources, Mapping):
        for access in resources.values():
            if isinstance(access, Mapping):
                roles.extend(str(r) for r in access.get("roles") or ())
    return tuple(dict.fromkeys(roles))
