"""Typed async client for the CarbonRegistry App API."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import httpx

from carbontui.api.models import (
    Installation,
    InstallationPage,
    InstallationRow,
    InstallationRowPage,
    Organization,
    Pagination,
)
from carbontui.api.paging import DEFAULT_CONCURRENCY, Progress, gather_pages, plan_pages
from carbontui.auth.registry import RegistryAuth, RevokeStatus
from carbontui.auth.token import Token
from carbontui.decoding import decode
from carbontui.transport import Sender

INSTALLATIONS = "/app/installations"

T = TypeVar("T")
R = TypeVar("R", bound="_Row", covariant=True)
P = TypeVar("P", bound="_Page[Any]")


class _Row(Protocol):
    @property
    def id(self) -> str: ...


class _Page(Protocol[R]):
    """A decoded page of ``GET /app/installations``, whatever its rows are read as."""

    @property
    def installations(self) -> tuple[R, ...]: ...

    @property
    def pagination(self) -> Pagination: ...


class RegistryClient:
    """App token, installations, installation tokens (mint/revoke) and organizations."""

    def __init__(
        self,
        send: Sender,
        *,
        auth: RegistryAuth,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._send = send
        self.auth = auth
        self.concurrency = concurrency

    @property
    def app_id(self) -> str:
        """The app this client acts for."""
        return self.auth.signer.app_id

    async def app_token(self, *, force: bool = False) -> Token:
        """The app access token (cached)."""
        return await self.auth.app_token(force=force)

    async def installation_token(self, installation_id: str, *, force: bool = False) -> Token:
        """An installation access token (cached; ``force`` mints a new one now)."""
        return await self.auth.installation_token(installation_id, force=force)

    async def revoke(self, installation_id: str, *, token: str | None = None) -> bool:
        """Invalidate an installation's cached token (or ``token``) on the server. Never retried."""
        return await self.auth.revoke(installation_id, token=token)

    async def revoke_status(
        self, installation_id: str, *, token: str | None = None
    ) -> RevokeStatus:
        """As :meth:`revoke`, telling revoked, already invalid, unconfirmed and no token apart."""
        return await self.auth.revoke_status(installation_id, token=token)

    async def obtain_installation_token(self, installation_id: str) -> tuple[Token, bool]:
        """A fresh installation token, reusing a held or shared one; and whether it is new."""
        return await self.auth.obtain_installation_token(installation_id)

    def cached_installation_token(self, installation_id: str) -> Token | None:
        """The installation token this process holds (no network), possibly expired."""
        return self.auth.cached_installation_token(installation_id)

    def held_installation_token(self, installation_id: str) -> Token | None:
        """The installation token held here or in the shared cache (no network)."""
        return self.auth.held_installation_token(installation_id)

    def is_fresh(self, token: Token) -> bool:
        """Whether ``token`` may still be used without minting a new one (no network)."""
        return self.auth.is_fresh(token)

    async def list_page(self, page: int = 0, limit: int = 100) -> InstallationPage:
        """One page of installations, as the server numbers request pages."""
        return await self._page(InstallationPage, page, limit)

    async def list_all(
        self, *, limit: int = 100, on_progress: Progress | None = None
    ) -> list[Installation]:
        """Every installation, whole (organization, permission map, URLs, times)."""
        return await self._every(InstallationPage, limit, on_progress)

    async def list_rows(
        self, *, limit: int = 100, on_progress: Progress | None = None
    ) -> list[InstallationRow]:
        """Every installation as a slim list row (the dashboard's table), read straight from
        the bytes; ``installation(id)`` reads the rest of one."""
        return await self._every(InstallationRowPage, limit, on_progress)

    async def _page(self, model: type[P], page: int, limit: int) -> P:
        return await self._get(
            INSTALLATIONS,
            model,
            endpoint=f"GET {INSTALLATIONS}",
            auth=self.auth.jwt_auth,
            params={"limit": limit, "page": page},
        )

    async def _every(
        self, model: type[_Page[R]], limit: int, on_progress: Progress | None
    ) -> list[R]:
        """Every page read as ``model``: the first pages in turn, the rest concurrently
        (bounded); rows deduplicated by id, the first sighting kept.

        The doc asks for ``page=0`` yet answers ``currentPage: 1``, so whether request pages
        start at 0 or 1 is unclear. Asking for page 0 and then page 1 settles it: if both
        answers report the same ``currentPage`` the server clamps 0 to 1 and counts from 1.
        """
        first = await self._page(model, 0, limit)
        rows = len(first.installations)
        count = plan_pages(
            first.pagination.page_count,
            first.pagination.total,
            min(limit, rows) if rows else limit,
            endpoint=f"GET {INSTALLATIONS}",
        )
        pages = [first]
        numbers: range = range(0)
        if count > 1 and rows:
            second = await self._page(model, 1, limit)
            if second.pagination.current_page != first.pagination.current_page:
                pages.append(second)
                numbers = range(2, count)
            else:
                numbers = range(2, count + 1)
        total = max(first.pagination.total, sum(len(p.installations) for p in pages))
        total = min(total, count * limit)  # a row count is a claim too
        loaded = 0

        def progressed(_: int, page: _Page[R]) -> None:
            nonlocal loaded
            loaded += len(page.installations)
            if on_progress is not None:
                on_progress(loaded, total)

        for page in pages:
            progressed(0, page)
        pages += await gather_pages(
            lambda n: self._page(model, n, limit),
            numbers,
            concurrency=self.concurrency,
            on_page=progressed,
            is_last=lambda page: not page.installations,
        )
        seen: dict[str, R] = {}
        for page in pages:
            for item in page.installations:
                seen.setdefault(item.id, item)
        return list(seen.values())

    async def installation(self, installation_id: str) -> Installation:
        """One installation with its organization and permission map."""
        return await self._get(
            f"{INSTALLATIONS}/{installation_id}",
            Installation,
            endpoint=f"GET {INSTALLATIONS}/{{id}}",
            auth=self.auth.jwt_auth,
        )

    async def organization(self, installation_id: str, organization_id: str) -> Organization:
        """The organization of an installation, read with that installation's token."""
        return await self._get(
            f"/app/organizations/{organization_id}",
            Organization,
            endpoint="GET /app/organizations/{id}",
            auth=self.auth.installation_auth(installation_id),
        )

    async def _get(
        self, url: str, model: type[T], *, endpoint: str, auth: httpx.Auth, **kwargs: Any
    ) -> T:
        """``GET`` (retried: it is idempotent) and decode the body as ``model``."""
        response = await self._send(
            "GET", url, idempotent=True, endpoint=endpoint, auth=auth, **kwargs
        )
        return decode(response.content, model, endpoint=endpoint)

    async def raw(
        self, method: str, path: str, *, idempotent: bool, auth: httpx.Auth, **kwargs: Any
    ) -> httpx.Response:
        """Any request to the App API with ``auth`` (the JWT's, the app token's or an
        installation's), for ``carbontui api``. Retried only when ``idempotent``."""
        return await self._send(method, path, idempotent=idempotent, auth=auth, **kwargs)
