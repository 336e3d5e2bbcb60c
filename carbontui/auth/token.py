"""What the cache holds: a token plus everything a UI needs to describe it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from carbontui.redaction import register_secret


class TokenKind(enum.StrEnum):
    """The kinds of credential the cache manages."""

    CARBONEXT = "carbonext"
    REGISTRY_APP_JWT = "registry-app-jwt"
    REGISTRY_APP = "registry-app"
    REGISTRY_INSTALLATION = "registry-installation"

    @property
    def label(self) -> str:
        """Human name for tables."""
        return _LABELS[self]


_LABELS = {
    TokenKind.CARBONEXT: "Carbonext access token",
    TokenKind.REGISTRY_APP_JWT: "Registry app JWT",
    TokenKind.REGISTRY_APP: "Registry app token",
    TokenKind.REGISTRY_INSTALLATION: "Registry installation token",
}


class TokenKey(NamedTuple):
    """Cache key: (profile, service, credential, installation)."""

    profile: str
    service: str
    credential: str
    installation: str = ""


@dataclass(frozen=True)
class Token:
    """An access token and its metadata. ``value`` never appears in ``repr``."""

    value: str = field(repr=False)
    kind: TokenKind
    issued_at: float
    expires_at: float | None
    scope: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    permissions: Mapping[str, str] = field(default_factory=dict)
    refresh_token: str | None = field(default=None, repr=False)
    claims: Mapping[str, Any] | None = field(default=None, repr=False)
    installation_id: str | None = None
    organization_id: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.value)
        register_secret(self.refresh_token)

    @property
    def can_refresh(self) -> bool:
        """Whether the server gave a refresh token for this one."""
        return self.refresh_token is not None

    @property
    def lifetime(self) -> float | None:
        """Seconds between issue and expiry, when both are known."""
        if self.expires_at is None:
            return None
        return max(0.0, self.expires_at - self.issued_at)

    def seconds_left(self, now: float) -> float | None:
        """Seconds until real expiry (negative once expired)."""
        return None if self.expires_at is None else self.expires_at - now

    def masked(self, keep: int = 4) -> str:
        """The token with all but its first ``keep`` characters hidden."""
        return mask(self.value, keep)


def mask(value: str, keep: int = 4) -> str:
    """Hide a secret for display: a short recognisable prefix, then bullets."""
    if len(value) <= keep * 2:
        return "•" * 8
    return value[:keep] + "•" * 8
