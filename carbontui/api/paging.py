"""Fetching every page of a paged list with bounded concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

P = TypeVar("P")

#: Called after each page arrives with (rows loaded so far, total rows expected).
Progress = Callable[[int, int], object]

DEFAULT_CONCURRENCY = 8


async def gather_pages(
    fetch: Callable[[int], Awaitable[P]],
    numbers: Sequence[int],
    *,
    concurrency: int,
    on_page: Callable[[int, P], object] | None = None,
) -> list[P]:
    """Fetch the given page numbers, at most ``concurrency`` at once, returned in order.

    If one page fails the others are cancelled and the error propagates: a partial list
    presented as complete would mislead.
    """
    limit = asyncio.Semaphore(max(1, concurrency))

    async def one(number: int) -> P:
        async with limit:
            page = await fetch(number)
        if on_page is not None:
            on_page(number, page)
        return page

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(n)) for n in numbers]
    except BaseExceptionGroup as failed:
        # Callers (and the dashboard's poll loop) expect our ApiError, not an ExceptionGroup.
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]
