"""Errors shared by the auth and API layers.

Every message is meant for a person: it names the endpoint and, for bad payloads, the field.
No message ever carries a secret or a token: ``ApiError`` redacts its message, and neutralises
the terminal escapes a server may have put into it.
"""

from __future__ import annotations

from carbontui.redaction import redact
from carbontui.sanitize import neutralize


class CarbontuiError(Exception):
    """Base class for every error carbontui reports to a user."""


class ApiError(CarbontuiError):
    """A request to one of the platforms failed, or its answer could not be understood."""

    #: Seconds the server asked the client to wait (``Retry-After``), when it said so.
    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        # A server may echo what it was sent (a form field, a header) in its error text.
        self.message = neutralize(redact(message))
        self.endpoint = neutralize(endpoint)
        self.status = status
        self.code = neutralize(redact(code)) if code is not None else None
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        status = f" ({self.status})" if self.status is not None else ""
        return f"{self.endpoint}{status}: {self.message}"


class ResponseTooLargeError(ApiError):
    """An answer's body went past the cap for its kind of endpoint; nothing of it is used."""

    def __init__(self, *, endpoint: str, cap: int) -> None:
        self.cap = cap
        super().__init__(
            f"response body is larger than the {format_bytes(cap)} cap for this endpoint",
            endpoint=endpoint,
        )


def format_bytes(size: int) -> str:
    """``65536`` -> ``64 KiB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:g} KiB"
    return f"{size / 1024 / 1024:g} MiB"


class AuthError(ApiError):
    """A token could not be obtained (wrong credentials, rejected JWT, ...)."""


class NetworkError(ApiError):
    """No usable HTTP answer: connection refused or dropped, or a timeout.

    For a non-idempotent request the outcome is unknown: the server may have acted.
    """

    def __init__(self, message: str, *, endpoint: str, timeout: bool = False) -> None:
        self.timeout = timeout
        super().__init__(message, endpoint=endpoint)


class OutcomeUnknownError(NetworkError):
    """A non-idempotent request got an answer that does not say whether it took effect
    (a 5xx, or a success whose body cannot be read); like no answer, the caller must look."""


class ReadOnlyError(CarbontuiError):
    """A create or revoke was attempted on a read-only profile."""
