"""Typed async client for the Carbonext B2B API (API keys and userinfo)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from carbontui.api.models import (
    Application,
    ApplicationPage,
    ApplicationSummary,
    CreatedApplication,
    UserInfo,
)
from carbontui.api.paging import DEFAULT_CONCURRENCY, Progress, gather_pages, plan_pages
from carbontui.auth.bearer import CachedBearerAuth
from carbontui.auth.cache import TokenCache
from carbontui.auth.carbonext import CarbonextTokenSource
from carbontui.auth.token import Token, TokenKey
from carbontui.decoding import convert, decode, parse_json
from carbontui.errors import ApiError, NetworkError, OutcomeUnknownError
from carbontui.transport import Sender

CLIENT_ID_PREFIX = "cbx_b2b_"
APPLICATIONS = "/v1/customers/applications"
SERVICE = "carbonext"


def strip_prefix(client_id: str) -> str:
    """The platform always adds ``cbx_b2b_``; sending it too would double it."""
    return (
        client_id[len(CLIENT_ID_PREFIX) :] if client_id.startswith(CLIENT_ID_PREFIX) else client_id
    )


def preview_client_id(client_id: str) -> str:
    """The clientId the platform will assign for what the user typed."""
    return CLIENT_ID_PREFIX + strip_prefix(client_id.strip())


class CarbonextClient:
    """API keys (list, get, create), userinfo and the profile's own access token."""

    def __init__(
        self,
        send: Sender,
        tokens: CarbonextTokenSource,
        *,
        profile: str,
        cache: TokenCache,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._send = send
        self._tokens = tokens
        self._cache = cache
        self.userinfo_url = tokens.settings.userinfo_url
        self.concurrency = concurrency
        self.token_key = TokenKey(profile, SERVICE, tokens.settings.client_id)
        self._auth = CachedBearerAuth(cache, self.token_key, tokens.fetch)

    async def token(self, *, force: bool = False) -> Token:
        """The profile's access token (refreshed ahead of expiry; ``force`` renews now)."""
        return await self._cache.get(self.token_key, self._tokens.fetch, force=force)

    async def list_page(self, page: int = 1, page_size: int = 100) -> ApplicationPage:
        """One page of API keys. Pages are numbered from 1 (the doc's ``pageIndex: 1``)."""
        response = await self._get(APPLICATIONS, params={"page": page, "page-size": page_size})
        return decode(response.content, ApplicationPage, endpoint=f"GET {APPLICATIONS}")

    async def list_all(
        self, *, page_size: int = 100, on_progress: Progress | None = None
    ) -> list[ApplicationSummary]:
        """Every API key: the first page, then the rest concurrently (bounded)."""
        first = await self.list_page(1, page_size)
        loaded = len(first.items)
        total = max(first.total_count, loaded)
        per_page = min(page_size, loaded) if loaded else page_size
        pages = plan_pages(
            first.total_pages, first.total_count, per_page, endpoint=f"GET {APPLICATIONS}"
        )
        if first.has_next_page is False or not first.items:
            pages = 1
        total = min(total, max(pages * page_size, loaded))  # a row count is a claim too
        if on_progress is not None:
            on_progress(loaded, total)

        def progressed(_: int, page: ApplicationPage) -> None:
            nonlocal loaded
            loaded += len(page.items)
            if on_progress is not None:
                on_progress(loaded, total)

        rest = await gather_pages(
            lambda n: self.list_page(n, page_size),
            range(2, pages + 1),
            concurrency=self.concurrency,
            on_page=progressed,
            is_last=lambda page: page.has_next_page is False or not page.items,
        )
        return _unique(first.items, *(page.items for page in rest))

    async def get(self, application_id: str) -> Application:
        """One API key with its full permission objects."""
        path = f"{APPLICATIONS}/{application_id}"
        response = await self._get(path, endpoint=f"GET {APPLICATIONS}/{{id}}")
        return decode(response.content, Application, endpoint=f"GET {APPLICATIONS}/{{id}}")

    async def create(
        self, client_id: str, display_name: str, permission_ids: Iterable[str]
    ) -> CreatedApplication:
        """Create an API key. Sent exactly once: never retried, whatever happens.

        A ``NetworkError`` (including ``OutcomeUnknownError``) means the key may exist:
        list the keys to find out.
        """
        body = {
            "clientId": strip_prefix(client_id.strip()),
            "displayName": display_name,
            "permissions": [{"id": pid} for pid in permission_ids],
        }
        endpoint = f"POST {APPLICATIONS}"
        try:
            response = await self._send(
                "POST", APPLICATIONS, idempotent=False, json=body, auth=self._auth
            )
        except NetworkError:
            raise
        except ApiError as exc:
            # A gateway's 502/503/504 (or a 500) may come after the platform acted.
            if exc.status is None or exc.status < 500:
                raise
            raise OutcomeUnknownError(
                f"{exc.message} ({exc.status}); the key may have been created", endpoint=endpoint
            ) from None
        try:
            return decode(response.content, CreatedApplication, endpoint=endpoint)
        except ApiError as exc:
            raise OutcomeUnknownError(
                f"the key was probably created, but the answer cannot be read: {exc.message}",
                endpoint=endpoint,
            ) from None

    async def userinfo(self) -> UserInfo:
        """Who this key is (customer, legal name, tax id, permissions)."""
        if not self.userinfo_url:
            raise LookupError("this profile has no userinfo endpoint")
        response = await self._get(self.userinfo_url, endpoint="GET userinfo")
        body = parse_json(response.content, endpoint="GET userinfo")
        if isinstance(body, dict):
            # The /connect doc's attribute table spells fields in PascalCase (ClientId, ...);
            # its example in camelCase. Accept both.
            body = {
                (k[:1].lower() + k[1:] if isinstance(k, str) else k): v for k, v in body.items()
            }
        info = convert(body, UserInfo, endpoint="GET userinfo")
        if info == UserInfo():
            # Every field is optional, so only this tells an unrelated JSON object apart.
            raise ApiError("unexpected response shape: no userinfo field", endpoint="GET userinfo")
        return info

    async def _get(self, url: str, *, endpoint: str | None = None, **kwargs: Any) -> httpx.Response:
        return await self._send(
            "GET", url, idempotent=True, endpoint=endpoint, auth=self._auth, **kwargs
        )

    async def raw(
        self, method: str, path: str, *, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        """Any request to the API with the profile's token (renewed once on a 401), for
        ``carbontui api``. Retried only when ``idempotent``; errors are ``ApiError``."""
        return await self._send(method, path, idempotent=idempotent, auth=self._auth, **kwargs)


def _unique(*chunks: Iterable[ApplicationSummary]) -> list[ApplicationSummary]:
    # Rows may shift between pages while we read them; keep the first sighting of each id.
    seen: dict[str, ApplicationSummary] = {}
    for chunk in chunks:
        for item in chunk:
            seen.setdefault(item.id, item)
    return list(seen.values())
