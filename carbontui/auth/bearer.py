"""An ``httpx.Auth`` that attaches a cached bearer token and recovers from one 401."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator

import httpx

from carbontui.auth.cache import Fetcher, TokenCache
from carbontui.auth.token import TokenKey


class CachedBearerAuth(httpx.Auth):
    """Asks the TokenCache for a token; on a 401, renews that token and retries exactly once."""

    def __init__(
        self,
        cache: TokenCache,
        key: TokenKey,
        fetch: Fetcher,
        on_unauthorized: Callable[[httpx.Response], object] | None = None,
    ) -> None:
        self._cache = cache
        self._key = key
        self._fetch = fetch
        self._on_unauthorized = on_unauthorized

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("CachedBearerAuth works only with httpx.AsyncClient")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._cache.get(self._key, self._fetch)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        if self._on_unauthorized is not None:
            self._on_unauthorized(response)
        # Another caller may already have replaced the rejected token; only force a new fetch
        # if the cache still holds the one the server refused.
        current = self._cache.peek(self._key)
        force = current is None or current.value == token.value
        token = await self._cache.get(self._key, self._fetch, force=force)
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request
