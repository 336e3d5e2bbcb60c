"""Small request helpers shared by the route modules."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from starlette.requests import Request

from carbontui.sandbox.errors import ApiError
from carbontui.sandbox.state import SandboxState


def sandbox(request: Request) -> SandboxState:
    """The state object behind this app."""
    state: SandboxState = request.app.state.sandbox
    return state


def base_url(request: Request) -> str:
    """Scheme and authority the client used, without a trailing slash."""
    return str(request.base_url).rstrip("/")


def bearer_token(request: Request) -> str | None:
    """The ``Authorization: Bearer`` credential, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``Authorization: Basic`` client credentials (RFC 6749 §2.3.1 form-decodes each part)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return unquote_plus(user), unquote_plus(password)


def int_param(request: Request, name: str, default: int, *, label: str | None = None) -> int:
    """Query parameter ``name`` as an int, ``default`` if absent or empty.

    Anything else is a 400 ``ApiError`` "``label`` must be an integer" (``label`` defaults to
    ``name``; each API words it its own way).
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"{label or name} must be an integer") from None
