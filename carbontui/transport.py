"""Sending requests: error mapping, and retries for idempotent requests only.

Idempotent requests (GETs and token grants) are retried on transient failures with exponential
backoff and full jitter, honouring ``Retry-After``, and give up after a bounded time.
Non-idempotent ones (key create, revoke) are sent exactly once: after an ambiguous failure the
caller must find out what happened, never guess by sending again.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from carbontui.errors import ApiError, NetworkError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try an idempotent request before giving up."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    #: Never keep a caller waiting for retries longer than this (seconds of sleeping).
    budget: float = 15.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try number ``attempt + 1``."""
        if retry_after is not None:
            return min(retry_after, self.max_delay * 4)
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return self.rng.uniform(ceiling / 2, ceiling)


NO_RETRY = RetryPolicy(attempts=1)


def endpoint_name(method: str, url: httpx.URL | str) -> str:
    """A short, secret-free name for a request: method and path."""
    return f"{method.upper()} {httpx.URL(str(url)).path}"


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    idempotent: bool,
    retry: RetryPolicy,
    endpoint: str | None = None,
    error_class: type[ApiError] = ApiError,
    **kwargs: Any,
) -> httpx.Response:
    """Send one logical request; returns a 2xx response or raises an ``ApiError``."""
    name = endpoint or endpoint_name(method, url)
    policy = retry if idempotent else NO_RETRY
    slept = 0.0
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            failure: ApiError = NetworkError(
                "timed out waiting for the server", endpoint=name, timeout=True
            )
            retry_after = None
        except httpx.TransportError as exc:
            failure = NetworkError(f"connection failed: {_transport_reason(exc)}", endpoint=name)
            retry_after = None
        else:
            if response.status_code < 400:
                return response
            failure = response_error(response, endpoint=name, error_class=error_class)
            if response.status_code not in RETRYABLE_STATUS:
                raise failure
            retry_after = _retry_after(response)
        wait = policy.delay(attempt, retry_after)
        if last or slept + wait > policy.budget:
            raise failure
        slept += wait
        await policy.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def response_error(
    response: httpx.Response, *, endpoint: str, error_class: type[ApiError] = ApiError
) -> ApiError:
    """Turn an error response into an ApiError carrying the server's own explanation."""
    message, code = error_details(response)
    return error_class(message, endpoint=endpoint, status=response.status_code, code=code)


def error_details(response: httpx.Response) -> tuple[str, str | None]:
    """The human message and machine code from an OAuth- or API-shaped error body."""
    reason = response.reason_phrase or "error"
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON, bad UTF-8, or nested past the parser
        kind = response.headers.get("content-type", "unknown content").split(";")[0]
        if "json" in kind:
            return f"{reason} (the server's JSON error body could not be read)", None
        return f"{reason} (the server answered with {kind}, not JSON)", None
    if not isinstance(body, dict):
        return reason, None
    # OAuth servers (Keycloak, IdentityServer) answer {"error", "error_description"};
    # the APIs answer {"statusCode", "message", "error"} (message may be a list of validation
    # errors, and "error" is only the HTTP reason phrase, so it is no code).
    error = body.get("error")
    code = error if isinstance(error, str) and "statusCode" not in body else None
    detail = body.get("error_description") or body.get("message") or body.get("title")
    if isinstance(detail, list):
        detail = "; ".join(str(item) for item in detail)
    if detail and code:
        return f"{code}: {detail}", code
    return str(detail or code or reason), code


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
        now = email.utils.parsedate_to_datetime(response.headers.get("date", value))
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
