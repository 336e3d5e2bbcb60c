"""How the tables look on narrow terminals, sorted, and when a filter matches nothing.

Frozen clock, seed 0, the in-process sandbox behind a fixed URL (as ``test_snapshots``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_testlib import in_process_app, settle, wait_until

from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView

Snap = Callable[..., bool]


def after(*keys: str, tab: str = "1") -> Callable[[Pilot[Any]], Any]:
    """Wait for Keys, open ``tab``, wait for its rows, press ``keys``, settle."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        keys_view = app.query_one(KeysView)
        await wait_until(pilot, lambda: keys_view.table.total_count > 0)
        await pilot.press(tab)
        view_type = {"1": KeysView, "2": IdentityView, "3": InstallationsView}[tab]
        view = app.query_one(view_type)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        view.table.focus()
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=["80x24", "60x15"])
@pytest.mark.parametrize("tab", ["1", "3"], ids=["keys", "installations"])
def test_narrow_tables(snap_compare: Snap, tmp_path: Path, size: tuple[int, int], tab: str) -> None:
    run = after("G", tab=tab)
    assert snap_compare(in_process_app(tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=["80x24", "60x15"])
def test_narrow_identity(snap_compare: Snap, tmp_path: Path, size: tuple[int, int]) -> None:
    run = after("a", tab="2")
    assert snap_compare(in_process_app(tmp_path), terminal_size=size, run_before=run)


def test_keys_sorted_descending(snap_compare: Snap, tmp_path: Path) -> None:
    run = after("down", "down", "s", "s", "S")
    assert snap_compare(in_process_app(tmp_path), terminal_size=(120, 40), run_before=run)


def test_filter_matching_nothing(snap_compare: Snap, tmp_path: Path) -> None:
    run = after("slash", *"quota")
    assert snap_compare(in_process_app(tmp_path), terminal_size=(80, 24), run_before=run)
