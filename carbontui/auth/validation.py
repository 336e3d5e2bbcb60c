"""Checks every token answer goes through before a token is cached or shown.

Servers send odd things: an empty ``access_token``, ``expires_in`` as a string (common and
harmless), as ``1e17`` (past what a date can hold) or negative (which would mean a new grant per
call), and tokens with CR/LF that would end up in a header. Lifetimes are clamped to a sane
range; anything unusable is an ``AuthError`` that names the field.
"""

from __future__ import annotations

import math
import re

from carbontui.errors import AuthError

#: Longer than any real access or refresh token (Keycloak JWTs with many roles are a few KB).
MAX_TOKEN_LENGTH = 16 * 1024
#: A lifetime below this is raised to it, so a server saying "expired already" costs one grant
#: per half minute, not one per request.
MIN_LIFETIME = 30.0
#: A lifetime above this (a year) is cut to it: nothing is cached forever, dates stay printable.
MAX_LIFETIME = 365 * 24 * 3600.0

# RFC 6750 §2.1 b64token: what may follow "Bearer " in a header.
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def check_token(value: str, *, endpoint: str, field: str) -> str:
    """``value`` if it can be used as a bearer token, else an ``AuthError`` naming ``field``."""
    if not value:
        raise AuthError(f"`{field}` is empty", endpoint=endpoint, field=field)
    if len(value) > MAX_TOKEN_LENGTH:
        raise AuthError(
            f"`{field}` is {len(value):,} characters long (at most {MAX_TOKEN_LENGTH:,})",
            endpoint=endpoint,
            field=field,
        )
    if _B64TOKEN.fullmatch(value) is None:
        raise AuthError(
            f"`{field}` holds characters a bearer token cannot have", endpoint=endpoint, field=field
        )
    return value


def lifetime(value: float | str | None, *, endpoint: str, field: str) -> float | None:
    """Seconds a token lives, from a number or a numeric string, clamped to a sane range.

    0 (or an empty string) reads as "not given", as the client always has.
    """
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        raise AuthError(f"`{field}` is not a number of seconds", endpoint=endpoint, field=field)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise AuthError(
            f"`{field}` is not a number of seconds", endpoint=endpoint, field=field
        ) from None
    if math.isnan(seconds):
        raise AuthError(f"`{field}` is not a number of seconds", endpoint=endpoint, field=field)
    return min(max(seconds, MIN_LIFETIME), MAX_LIFETIME)


def clamp_expiry(issued_at: float, expires_at: float | None) -> float | None:
    """An absolute expiry moved into [issued + MIN_LIFETIME, issued + MAX_LIFETIME]."""
    if expires_at is None or math.isnan(expires_at):
        return None
    return min(max(expires_at, issued_at + MIN_LIFETIME), issued_at + MAX_LIFETIME)
