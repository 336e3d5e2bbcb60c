"""Run by ``memory.py`` in a fresh interpreter; prints ``peak_rss_mb <n>`` and exits.

``baseline``: import Textual only. ``keys CONFIG``: every key of the sandbox behind CONFIG
fetched with our client into the Keys tab's table, painted and filtered (headless). ``both
CONFIG``: also every installation, as the Installations tab loads them (slim list rows), in
that tab's table beside it.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def baseline() -> None:
    import textual.app
    import textual.widgets  # noqa: F401


def rows(config: str, with_installations: bool) -> None:
    import _common  # noqa: F401  (puts the repository on sys.path)
    from _tables import SIZE, TableApp

    from carbontui.api.session import ProfileSession
    from carbontui.auth.cache import TokenCache
    from carbontui.config import load_config
    from carbontui.tui.views.installations import installations_table
    from carbontui.tui.views.keys import keys_table
    from carbontui.tui.widgets.virtual_table import VirtualTable

    async def show() -> None:
        profile = load_config(Path(config)).profile("sandbox-prod")
        async with ProfileSession(profile, cache=TokenCache()) as session:
            carbonext, registry = session.carbonext, session.registry
            assert carbonext is not None and registry is not None
            keys = await carbonext.list_all()
            installations = await registry.list_rows() if with_installations else []
            tables: list[VirtualTable[Any]] = [keys_table()]
            if with_installations:
                table = installations_table(registry.cached_installation_token, time.time)
                tables.append(table)
            async with TableApp(*tables).run_test(size=SIZE) as pilot:
                loaded: list[list[Any]] = [keys, installations]
                for table, batch in zip(tables, loaded, strict=False):
                    table.set_rows(batch)
                await pilot.pause()
                for table in tables:
                    table.set_filter("a")
                await pilot.pause()
                # Each table is on screen (the two share it) and shows rows.
                assert all(table.region.height and table.row_count for table in tables)
        print(f"rows {len(keys)} keys {len(installations)} installations", flush=True)

    asyncio.run(show())


if __name__ == "__main__":
    if sys.argv[1] == "baseline":
        baseline()
    else:
        rows(sys.argv[2], with_installations=sys.argv[1] == "both")
    print(f"peak_rss_mb {peak_rss_mb():.1f}")
