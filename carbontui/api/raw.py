"""Raw requests to either service (``carbontui api``): the credential a Registry path takes,
which methods are retried, and following both platforms' paging.

Everything goes through the typed clients' ``raw`` methods, so a raw request has the same
caps, deadlines, redirect refusal, retries and redacted errors as the typed calls.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from carbontui.api.paging import MAX_PAGES, plan_pages
from carbontui.decoding import parse_json
from carbontui.errors import ApiError

#: Methods that only read: allowed on a read-only profile, and retried on transient failures.
#: Every other method is sent exactly once (a DELETE revokes, a PUT may not be idempotent on
#: a server we do not know), as the typed clients send creates and revokes.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Page size asked for when the caller names none: the largest both platforms accept.
DEFAULT_PAGE_SIZE = 100
#: ``--slurp`` keeps every page in memory: refuse past this many bytes of pages in all.
MAX_SLURP_BYTES = 256 * 1024 * 1024

Params = Sequence[tuple[str, str]]
#: ``send(params) -> response`` for one fixed method and path.
PageSender = Callable[[Params], Awaitable[httpx.Response]]


class RegistryCredential(StrEnum):
    """Which credential a Registry request carries."""

    JWT = "jwt"
    APP = "app"
    INSTALLATION = "installation"


# The App API doc's endpoints "with an App signed JWT": minting tokens, listing and reading
# installations. "/app/installations/token" (revoke) takes an access token instead.
_JWT_PATHS = re.compile(
    r"/app/accessTokens|/app/installations(?:/(?!token/?$)[^/]+(?:/accessTokens)?)?/?"
)
#: ``DELETE`` here revokes the token it carries; ``installations revoke`` also forgets it.
REVOKE_PATH = "/app/installations/token"


def registry_credential(path: str, installation: str | None) -> RegistryCredential:
    """The credential the doc names for ``path``: the app JWT for the app endpoints, else an
    installation token when ``installation`` is given, else the app access token."""
    if _JWT_PATHS.fullmatch(httpx.URL(path).path):
        return RegistryCredential.JWT
    return RegistryCredential.INSTALLATION if installation else RegistryCredential.APP


def is_revoke(method: str, path: str) -> bool:
    """Whether this request would revoke the token it carries."""
    return method == "DELETE" and httpx.URL(path).path.rstrip("/") == REVOKE_PATH


class BearerToken(httpx.Auth):
    """One fixed token, never renewed (renewing an installation token is a gated mint)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def split_path(path: str) -> tuple[str, list[tuple[str, str]]]:
    """``/p?a=1`` -> (``/p``, [("a", "1")]); a bare ``p`` gets its leading slash.

    The path stays percent-encoded (``%2F`` is not a separator). A URL, or anything with a
    scheme or host, is a ``ValueError``: a token goes only to the profile's own host.
    """
    url = httpx.URL(path)
    if url.scheme or url.host or path.startswith("//"):
        raise ValueError("give a path of the service (e.g. /app/installations), not a URL")
    encoded = url.copy_with(query=None, fragment=None).raw_path.decode("ascii")
    return "/" + encoded.lstrip("/"), list(url.params.multi_items())


@dataclass(frozen=True)
class Page:
    """One answer of a paged listing, its rows, and the page to ask for next."""

    response: httpx.Response
    rows: list[Any] | None
    next: int | None


def rows_of(body: Any) -> list[Any] | None:
    """The rows of a page of either platform; None when ``body`` is not a page.

    Carbonext pages hold ``items``; Registry pages a ``pagination`` block beside one list
    (``installations``).
    """
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("items"), list):
        return body["items"]
    if isinstance(body.get("pagination"), dict):
        lists = [v for k, v in body.items() if k != "pagination" and isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def next_page(body: Any, asked: int | None) -> int | None:
    """The page number after ``body`` (which answered a request for page ``asked``).

    Registry: the server's ``nextPage`` (null on the last page; one not past ``currentPage``
    would loop, so it ends the list too). Carbonext: the page after
    ``pageIndex`` unless ``hasNextPage`` is false or ``totalPages`` is reached. None at the end.
    """
    rows = rows_of(body)
    if not rows:
        return None
    pagination = body.get("pagination")
    if isinstance(pagination, dict):
        following, current = _int(pagination.get("nextPage")), _int(pagination.get("currentPage"))
        if following is None or (current is not None and following <= current):
            return None
        return following
    if body.get("hasNextPage") is False:
        return None
    current = _int(body.get("pageIndex")) or asked or 1
    total = _int(body.get("totalPages"))
    if body.get("hasNextPage") is not True and total is not None and current >= total:
        return None
    return current + 1


def page_budget(body: Any, *, endpoint: str) -> int:
    """How many pages the first page's counts make worth reading (at most ``MAX_PAGES``)."""
    rows = rows_of(body) or []
    pagination = body.get("pagination") if isinstance(body, dict) else None
    if isinstance(pagination, dict):
        claimed, total = _int(pagination.get("pageCount")), _int(pagination.get("total"))
    elif isinstance(body, dict):
        claimed, total = _int(body.get("totalPages")), _int(body.get("totalCount"))
    else:
        return 1
    if claimed is None or claimed < 1:
        return MAX_PAGES
    return plan_pages(claimed, total or 0, len(rows), endpoint=endpoint)


def _with_page(params: Params, name: str, value: int) -> list[tuple[str, str]]:
    return [(k, v) for k, v in params if k != name] + [(name, str(value))]


def _asked_page(params: Params) -> int | None:
    values = [v for k, v in params if k == "page"]
    return int(values[-1]) if values and values[-1].isdigit() else None


async def follow_pages(
    send: PageSender, params: Params, *, size_param: str, endpoint: str
) -> AsyncIterator[Page]:
    """Every page of a listing, in order, one request at a time.

    Starts at the caller's ``page`` (or the server's first) with ``size_param`` defaulted to
    ``DEFAULT_PAGE_SIZE``; stops after a page that says it is the last, at an empty page, at a
    next page number that does not move forward, or at the budget the first page's counts
    allow. A listing that goes on past ``MAX_PAGES`` is an ``ApiError`` after that many.
    """
    if not any(k == size_param for k, _ in params):
        params = [*params, (size_param, str(DEFAULT_PAGE_SIZE))]
    asked = _asked_page(params)
    budget = MAX_PAGES
    count = 0
    while True:
        response = await send(params)
        count += 1
        body = _json_or_none(response)
        rows = rows_of(body)
        if count == 1:
            budget = page_budget(body, endpoint=endpoint)
        elif not rows:
            return  # an empty page past the first ends the listing
        following = next_page(body, asked)
        yield Page(response, rows, following)
        if following is None or (asked is not None and following <= asked):
            return  # the last page, or a server pointing back (which would loop for ever)
        if count >= budget:
            if budget < MAX_PAGES:
                return  # as many pages as the first one said there are
            raise ApiError(f"stopped after {MAX_PAGES:,} pages", endpoint=endpoint)
        asked = following
        params = _with_page(params, "page", following)


def _json_or_none(response: httpx.Response) -> Any:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return parse_json(response.content, endpoint="")
    except ApiError:
        return None
