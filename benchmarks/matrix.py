"""Matrix: the permission matrix of 10 000 keys at 50 ms latency.

Building it needs the list and then every key's details (the list has no permissions), read
with the clients' bounded concurrency. Baseline, in the same run against the same sandbox
process: fetching the key list alone. Printed: requests made and wall time of each.
"""

from __future__ import annotations

import asyncio
import time

import _common
import httpx
from _sandbox_proc import sandbox_process

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import load_config
from carbontui.usecases.audit import build_matrix

LATENCY_MS = 50


def requests_so_far(url: str) -> dict[str, int]:
    """Requests per route, from the sandbox's stats endpoint."""
    with httpx.Client(base_url=url) as http:
        counts: dict[str, int] = http.get("/_sandbox/stats").json()["requests"]
        return counts


def spent(before: dict[str, int], after: dict[str, int]) -> int:
    """Requests made between two stats readings (token requests included)."""
    return sum(after.values()) - sum(before.values())


async def measure(size: int) -> None:
    flags = ["--apps", str(size), "--latency", str(LATENCY_MS)]
    with sandbox_process(*flags) as sandbox:
        profile = load_config(sandbox.config).profile("sandbox-prod")
        async with ProfileSession(profile, cache=TokenCache()) as session:
            carbonext = session.require_carbonext()
            await carbonext.token()
            before = requests_so_far(sandbox.url)
            start = time.perf_counter()
            keys = await carbonext.list_all()
            list_time = time.perf_counter() - start
            middle = requests_so_far(sandbox.url)
            start = time.perf_counter()
            matrix = await build_matrix(carbonext)
            matrix_time = time.perf_counter() - start
            after = requests_so_far(sandbox.url)
    assert len(keys) == size and len(matrix.rows) == size, (len(keys), len(matrix.rows))
    list_requests, matrix_requests = spent(before, middle), spent(middle, after)
    _common.figure(
        f"matrix of {size} keys, requests",
        matrix_requests,
        "requests",
        baseline=list_requests,
        target=f"list pages + {size} details, no more",
    )
    _common.figure(
        f"matrix of {size} keys, wall time at {LATENCY_MS} ms latency",
        matrix_time,
        "s",
        baseline=list_time,
        target="bounded by the client's concurrency",
    )
    _common.figure(
        f"matrix of {size} keys, {len(matrix.columns)} permission columns, keys per second",
        size / matrix_time,
        "keys/s",
    )


def main() -> None:
    args = _common.parser(__doc__ or "").parse_args()
    print(f"machine: {_common.machine()}", flush=True)
    asyncio.run(measure(200 if args.quick else 10_000))


if __name__ == "__main__":
    main()
