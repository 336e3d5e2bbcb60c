"""Bulk: 10 000 and 100 000 keys and installations at 50 ms latency.

1. Fetch every page with our clients (bounded concurrency) vs sequential paging with raw httpx,
   against a sandbox in its own process.
2. Time until the keys table is filled and painted (VirtualTable) vs Textual's DataTable on
   10 000 rows, then until it has scrolled to the last row.
3. Filter as you type over every row: ``set_filter`` + repaint per keystroke.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence

import _common
import httpx
from _sandbox_proc import sandbox_process
from _tables import SIZE, PaintedDataTable, TableApp, keys_table, until_painted

from carbontui.api.models import ApplicationSummary
from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import load_config

LATENCY_MS = 50
#: At 100 000 rows sequential paging takes minutes; time this many pages and scale up.
SEQUENTIAL_SAMPLE = 100


async def sequential(
    url: str, path: str, params: dict[str, int], headers: dict[str, str], pages: Sequence[int]
) -> float:
    """Seconds to GET every page one after another with a plain httpx client."""
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:
        start = time.perf_counter()
        for page in pages:
            response = await http.get(path, params={**params, "page": page})
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start


async def fetch(size: int, *, full: bool) -> list[ApplicationSummary]:
    """Print fetch figures for one size; returns the keys for the table benchmarks."""
    flags = ["--apps", str(size), "--installations", str(size), "--latency", str(LATENCY_MS)]
    with sandbox_process(*flags) as sandbox:
        profile = load_config(sandbox.config).profile("sandbox-prod")
        async with ProfileSession(profile, cache=TokenCache()) as session:
            carbonext, registry = session.carbonext, session.registry
            assert carbonext is not None and registry is not None
            token = (await carbonext.token()).value
            start = time.perf_counter()
            keys = await carbonext.list_all()
            ours_keys = time.perf_counter() - start
            start = time.perf_counter()
            installations = await registry.list_all()
            ours_inst = time.perf_counter() - start
            assert len(keys) == size and len(installations) == size, (len(keys), size)

            pages = -(-size // 100)
            sample = pages if full else min(pages, SEQUENTIAL_SAMPLE)
            scale = pages / sample
            note = "" if sample == pages else f", sequential extrapolated from {sample} pages"
            raw_keys = scale * await sequential(
                sandbox.url,
                "/v1/customers/applications",
                {"page-size": 100},
                {"Authorization": f"Bearer {token}"},
                range(1, sample + 1),
            )
            jwt = registry.auth.signer.sign().value
            raw_inst = scale * await sequential(
                sandbox.url,
                "/app/installations",
                {"limit": 100},
                {"Authorization": f"Bearer {jwt}", "x-icr-api-version": "2023-06-16"},
                range(1, sample + 1),
            )
    for name, ours, raw in (("keys", ours_keys, raw_keys), ("installations", ours_inst, raw_inst)):
        _common.figure(
            f"fetch {size} {name}",
            ours,
            "s",
            baseline=raw,
            speedup=True,
            target=f">= 4x speed-up{note}",
        )
    return keys


async def fill_virtual(keys: list[ApplicationSummary], *, typing: str) -> None:
    """Fill, scroll and filter the VirtualTable, printing the figures."""
    table = keys_table()
    app = TableApp(table)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        table.set_rows(keys)
        filled = await until_painted(pilot, table, start)
        start = time.perf_counter()
        await pilot.press("end")
        scrolled = await until_painted(pilot, table, start)
        start = time.perf_counter()
        table.refresh()
        redraw = await until_painted(pilot, table, start)
        keystrokes = []
        for text in [typing[:i] for i in range(1, len(typing) + 1)] + [
            typing[:i] for i in range(len(typing) - 1, -1, -1)
        ]:
            start = time.perf_counter()
            table.set_filter(text)
            keystrokes.append(await until_painted(pilot, table, start))
    n = len(keys)
    _common.figure(f"table fill {n} rows (VirtualTable)", filled, "s", target="<= 3 s")
    _common.figure(f"table scroll to last of {n}", scrolled, "s", baseline=redraw)
    _common.figure(
        f"filter {n} rows, worst keystroke of {len(keystrokes)}",
        max(keystrokes),
        "s",
        baseline=redraw,
        target="< 0.1 s",
    )
    _common.figure(f"filter {n} rows, median keystroke", statistics.median(keystrokes), "s")


async def fill_datatable(keys: list[ApplicationSummary]) -> float:
    """Seconds for Textual's DataTable to take ``keys`` and paint (the baseline)."""
    table = PaintedDataTable()
    app = TableApp(table)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        table.add_columns("CLIENT ID", "DISPLAY NAME", "ID")
        table.add_rows((k.client_id, k.display_name or "", k.id) for k in keys)
        return await until_painted(pilot, table, start)


async def compare_fill(keys: list[ApplicationSummary]) -> None:
    """VirtualTable vs DataTable on the same rows."""
    table = keys_table()
    async with TableApp(table).run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        table.set_rows(keys)
        ours = await until_painted(pilot, table, start)
    theirs = await fill_datatable(keys)
    _common.figure(
        f"table fill {len(keys)} rows vs DataTable", ours, "s", baseline=theirs, speedup=True
    )


def search_word(keys: list[ApplicationSummary]) -> str:
    """Something a user would type: a word from a display name in the middle of the list."""
    name = keys[len(keys) // 2].display_name or keys[len(keys) // 2].client_id
    return max(name.split(), key=len)[:8].lower()


async def run(sizes: Sequence[int], *, full: bool) -> None:
    for size in sizes:
        keys = await fetch(size, full=full)
        await compare_fill(keys[: min(size, 10_000)])
        if full and size > 10_000:
            theirs = await fill_datatable(keys)
            _common.figure(f"table fill {size} rows (DataTable)", theirs, "s")
        await fill_virtual(keys, typing=search_word(keys))


def main() -> None:
    p = _common.parser(__doc__ or "")
    p.add_argument("--full", action="store_true", help="sequential baseline and DataTable at 100k")
    args = p.parse_args()
    sizes = [300] if args.quick else [10_000, 100_000]
    asyncio.run(run(sizes, full=args.full))
    print(f"machine: {_common.machine()}")


if __name__ == "__main__":
    main()
