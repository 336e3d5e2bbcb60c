"""Fetching every page of a paged list: lazily, with bounded concurrency and a page budget.

A server's page count is a claim, not a plan: a hostile or broken one may report a billion
pages. ``plan_pages`` turns the first page's counts into a number of pages worth asking for
(never more than the counts make plausible, never more than ``MAX_PAGES``) and refuses a claim
past the cap with a clear error; ``gather_pages`` asks for pages one window at a time and stops
at the first page that says it is the last.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from carbontui.errors import ApiError

P = TypeVar("P")

#: Called after each page arrives with (rows loaded so far, total rows expected).
Progress = Callable[[int, int], object]

DEFAULT_CONCURRENCY = 8
#: No list is read past this many pages (a million rows at 100 a page).
MAX_PAGES = 10_000


def plan_pages(claimed_pages: int, total_rows: int, rows_per_page: int, *, endpoint: str) -> int:
    """How many pages to read in all, from what the first page claims.

    The smaller of the claimed page count and the pages the row count needs (when both are
    given); an ``ApiError`` when even that is past ``MAX_PAGES``.
    """
    pages = max(claimed_pages, 1)
    if total_rows > 0 and rows_per_page > 0:
        pages = min(pages, math.ceil(total_rows / rows_per_page))
    if pages > MAX_PAGES:
        raise ApiError(
            f"server reports {claimed_pages:,} pages of {total_rows:,} rows; carbontui reads "
            f"at most {MAX_PAGES:,} pages",
            endpoint=endpoint,
        )
    return max(pages, 1)


async def gather_pages(
    fetch: Callable[[int], Awaitable[P]],
    numbers: Iterable[int],
    *,
    concurrency: int,
    on_page: Callable[[int, P], object] | None = None,
    is_last: Callable[[P], bool] | None = None,
) -> list[P]:
    """Fetch the given (ascending) page numbers, at most ``concurrency`` at once, in order.

    Numbers are taken lazily, so nothing is created per page up front. A page for which
    ``is_last`` is true ends the list: no later page is asked for, and any already fetched is
    dropped. If one page fails the others are cancelled and the error propagates: a partial
    list presented as complete would mislead.
    """
    pending = iter(numbers)
    pages: dict[int, P] = {}
    last: int | None = None

    async def worker() -> None:
        nonlocal last
        for number in pending:  # shared by the workers: each takes the next number
            if last is not None and number > last:
                return
            page = await fetch(number)
            pages[number] = page
            if on_page is not None:
                on_page(number, page)
            if is_last is not None and is_last(page):
                last = number if last is None else min(last, number)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, concurrency)):
                group.create_task(worker())
    except BaseExceptionGroup as failed:
        # Callers (and the dashboard's poll loop) expect our ApiError, not an ExceptionGroup.
        raise failed.exceptions[0] from None
    return [pages[n] for n in sorted(pages) if last is None or n <= last]
