"""Run by ``memory.py`` in a fresh interpreter; prints ``peak_rss_mb <n>`` and exits.

``baseline``: import Textual only. ``keys CONFIG``: every key of the sandbox behind CONFIG
fetched with our client into a painted, filtered table (headless); ``both CONFIG`` also holds
every installation.
"""

from __future__ import annotations

import asyncio
import resource
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def baseline() -> None:
    import textual.app
    import textual.widgets  # noqa: F401


def rows(config: str, with_installations: bool) -> None:
    import _common  # noqa: F401  (puts the repository on sys.path)
    from _tables import SIZE, TableApp, keys_table

    from carbontui.api.session import ProfileSession
    from carbontui.auth.cache import TokenCache
    from carbontui.config import load_config

    async def show() -> None:
        profile = load_config(Path(config)).profile("sandbox-prod")
        async with ProfileSession(profile, cache=TokenCache()) as session:
            assert session.carbonext is not None and session.registry is not None
            keys = await session.carbonext.list_all()
            installations = await session.registry.list_all() if with_installations else []
        table = keys_table()
        async with TableApp(table).run_test(size=SIZE) as pilot:
            table.set_rows(keys)
            await pilot.pause()
            table.set_filter("a")
            await pilot.pause()
            print(f"rows {len(keys)} keys {len(installations)} installations", flush=True)

    asyncio.run(show())


if __name__ == "__main__":
    if sys.argv[1] == "baseline":
        baseline()
    else:
        rows(sys.argv[2], with_installations=sys.argv[1] == "both")
    print(f"peak_rss_mb {peak_rss_mb():.1f}")
