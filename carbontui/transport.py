"""Sending requests: caps, deadlines, error mapping, and retries for idempotent requests only.

Idempotent requests (GETs and token grants) are retried on transient failures with exponential
backoff and full jitter, honouring ``Retry-After``, and give up after a bounded time.
Non-idempotent ones (key create, revoke) are sent exactly once: after an ambiguous failure the
caller must find out what happened, never guess by sending again.

Every answer is untrusted: its body is streamed and cut off at a cap (``MAX_TOKEN_BODY`` for
token endpoints, ``MAX_API_BODY`` for API pages), each attempt has a total deadline (connect to
last byte, so a server trickling one byte a second cannot hold a caller), and a redirect is
reported, never followed (it would carry credentials to wherever the server points).
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from carbontui.errors import ApiError, NetworkError, ResponseTooLargeError
from carbontui.sanitize import neutralize

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

#: A token answer is a few KB (a Keycloak JWT with many roles stays well under 16 KB).
MAX_TOKEN_BODY = 256 * 1024
#: A page of 100 keys or installations is some hundred KB; bulk pages of 1,000 some MB.
MAX_API_BODY = 16 * 1024 * 1024
#: An error answer is read only for its message.
MAX_ERROR_BODY = 64 * 1024
#: Seconds one attempt may take from connect to last byte when the profile does not say.
DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try an idempotent request before giving up."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 4.0
    #: Never keep a caller waiting for retries longer than this (seconds of sleeping).
    budget: float = 15.0
    #: Total seconds for one attempt, connect to last byte (the profile's ``timeout``).
    timeout: float = DEFAULT_TIMEOUT
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try number ``attempt + 1``.

        A server's ``Retry-After`` is never shortened: past the budget the caller gives up.
        """
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return self.rng.uniform(ceiling / 2, ceiling)


def _ignore(*_: object) -> None:
    pass


@dataclass
class RequestWatch:
    """Someone watching the requests sent in this context (the dashboard's poll).

    It hears of retries and waits, and bounds how long the requests may go without any
    answer: ``patience`` seconds after the watch started or the last answer arrived, no
    attempt is started or kept waiting, and the request fails with what it has.
    """

    patience: float
    #: Called with the number of the try (2, 3, …) as a retry starts.
    on_retry: Callable[[int], None] = _ignore
    #: Called with the seconds to wait and the number of the try that follows.
    on_wait: Callable[[float, int], None] = _ignore
    _last_answer: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        """Seconds of patience left."""
        return self._last_answer + self.patience - time.monotonic()

    def answered(self) -> None:
        """The server answered: patience starts again."""
        self._last_answer = time.monotonic()


_watch: ContextVar[RequestWatch | None] = ContextVar("carbontui_request_watch", default=None)


@contextmanager
def watching(watch: RequestWatch) -> Iterator[RequestWatch]:
    """Let ``watch`` see (and bound) every request sent from this context."""
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)


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
    max_bytes: int = MAX_API_BODY,
    auth: httpx.Auth | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one logical request; returns a 2xx response (body read) or raises an ``ApiError``.

    ``max_bytes`` caps the body of a success; ``retry.timeout`` bounds each attempt as a whole.
    """
    name = endpoint or endpoint_name(method, url)
    policy = retry if idempotent else replace(retry, attempts=1)
    watch = _watch.get()
    slept = 0.0
    failure: ApiError | None = None
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        timeout = policy.timeout
        cut_short = False  # by the watch's patience, not this attempt's own deadline
        if watch is not None:
            if attempt and watch.left() <= 0 and failure is not None:
                raise failure
            cut_short = watch.left() < timeout
            timeout = max(0.001, min(timeout, watch.left()))
            if attempt:
                watch.on_retry(attempt + 1)
        try:
            async with asyncio.timeout(timeout):
                response = await _attempt(client, method, url, auth, max_bytes, name, kwargs)
        except TimeoutError:
            failure = NetworkError(
                f"no answer for {watch.patience:g} s; gave up"
                if cut_short and watch is not None
                else f"no complete answer within {timeout:g} s",
                endpoint=name,
                timeout=True,
            )
            retry_after = None
        except httpx.TimeoutException as exc:
            failure = NetworkError(_timeout_reason(exc), endpoint=name, timeout=True)
            retry_after = None
        except httpx.TransportError as exc:
            failure = NetworkError(_transport_reason(exc), endpoint=name)
            retry_after = None
        else:
            if watch is not None:
                watch.answered()
            if response.status_code < 300:
                return response
            if response.status_code < 400:
                raise _redirect_error(response, name, error_class)
            failure = response_error(response, endpoint=name, error_class=error_class)
            retry_after = _retry_after(response)
            failure.retry_after = retry_after
            if response.status_code not in RETRYABLE_STATUS:
                raise failure
        wait = policy.delay(attempt, retry_after)
        if last or slept + wait > policy.budget:
            raise failure
        if watch is not None:
            if wait >= watch.left():
                raise failure
            watch.on_wait(wait, attempt + 2)
        slept += wait
        await policy.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Sender:
    """:func:`send` bound to one HTTP client and the retry policy of all its requests."""

    client: httpx.AsyncClient
    retry: RetryPolicy

    async def __call__(
        self, method: str, url: str, *, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        return await send(
            self.client, method, url, idempotent=idempotent, retry=self.retry, **kwargs
        )


async def _attempt(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    auth: httpx.Auth | None,
    max_bytes: int,
    name: str,
    kwargs: dict[str, Any],
) -> httpx.Response:
    """One request with its body streamed under a cap; the answer comes back fully read."""
    request = client.build_request(method, url, **kwargs)
    streamed = await client.send(
        request, auth=auth or httpx.USE_CLIENT_DEFAULT, stream=True, follow_redirects=False
    )
    try:
        ok = streamed.status_code < 300
        body = await read_capped(streamed, max_bytes if ok else MAX_ERROR_BODY, name, strict=ok)
    finally:
        await streamed.aclose()
    headers = streamed.headers.copy()
    for decoded in ("content-encoding", "content-length", "transfer-encoding"):
        headers.pop(decoded, None)  # the body below is whole and decoded
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=body,
        request=streamed.request,
        extensions={"reason_phrase": streamed.reason_phrase.encode("ascii", "replace")},
    )


async def read_capped(
    response: httpx.Response, max_bytes: int, endpoint: str, *, strict: bool = True
) -> bytes:
    """The body of a streamed response, at most ``max_bytes`` of it.

    Past the cap a ``strict`` read raises ``ResponseTooLargeError``; otherwise (error bodies,
    read only for a message) the body is cut off there.
    """
    declared = response.headers.get("content-length", "")
    if strict and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(endpoint=endpoint, cap=max_bytes)
    try:
        content = response.content  # already in memory (a test's mock transport), decoded
    except httpx.ResponseNotRead:
        pass
    else:
        if strict and len(content) > max_bytes:
            raise ResponseTooLargeError(endpoint=endpoint, cap=max_bytes)
        return content[:max_bytes]
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > max_bytes:
            if strict:
                raise ResponseTooLargeError(endpoint=endpoint, cap=max_bytes)
            chunks.append(chunk[: len(chunk) - (size - max_bytes)])
            break
        chunks.append(chunk)
    raw = b"".join(chunks)
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return raw
    return _decompress(raw, encoding, max_bytes, endpoint, strict=strict)


def _decompress(raw: bytes, encoding: str, max_bytes: int, endpoint: str, *, strict: bool) -> bytes:
    # A small compressed body can expand a thousandfold: decode with the same cap.
    if encoding not in ("gzip", "deflate", "x-gzip"):
        raise ApiError(f"unsupported content-encoding {neutralize(encoding)!r}", endpoint=endpoint)
    # gzip or zlib header, detected; "deflate" is also sent raw (no header) by some servers.
    for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS)[: 2 if encoding == "deflate" else 1]:
        try:
            out = zlib.decompressobj(wbits).decompress(raw, max_bytes + 1)
            break
        except zlib.error:
            continue
    else:
        raise ApiError("compressed response is corrupt", endpoint=endpoint)
    if len(out) > max_bytes:
        if strict:
            raise ResponseTooLargeError(endpoint=endpoint, cap=max_bytes)
        out = out[:max_bytes]
    return out


def _redirect_error(
    response: httpx.Response, endpoint: str, error_class: type[ApiError]
) -> ApiError:
    location = response.headers.get("location", "")
    target = httpx.URL(location) if location else None
    where = f" to {target.host or 'the same host'}" if target is not None else ""
    return error_class(
        f"the server answered with a redirect{where}; carbontui does not follow redirects "
        "(they would carry credentials elsewhere): check the URL in the profile",
        endpoint=endpoint,
        status=response.status_code,
    )


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


def _address(exc: httpx.TransportError) -> str:
    """``host:port`` of the request that failed (the scheme's port when the URL has none)."""
    try:
        url = exc.request.url
    except RuntimeError:  # an error raised without its request
        return "the server"
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{port}" if port else host


#: What resolvers say when a host name does not exist (glibc, macOS, Windows).
_UNKNOWN_HOST = ("name or service not known", "nodename nor servname", "getaddrinfo failed")


def _timeout_reason(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"cannot connect to {_address(exc)}: no answer to the connection attempt"
    return "timed out waiting for the server"


def _transport_reason(exc: httpx.TransportError) -> str:
    """A transport failure in plain words (httpx says "All connection attempts failed")."""
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
        # h11's text quotes the offending header value, which may be a token.
        return f"the request could not be sent ({type(exc).__name__}: a header or URL is invalid)"
    text = (str(exc) or type(exc).__name__).splitlines()[0][:200]
    if isinstance(exc, httpx.ConnectError):
        where = _address(exc)
        lowered = text.lower()
        if any(marker in lowered for marker in _UNKNOWN_HOST):
            return f"cannot connect to {where}: the host name is unknown (check the profile's URL)"
        if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
            return f"cannot connect to {where}: the TLS handshake failed ({text})"
        return f"cannot connect to {where}: is the server running?"
    return f"connection failed: {text}"
