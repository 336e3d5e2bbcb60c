"""Snapshots of the permission matrix: frozen clock, seed 0, in-process sandbox, two sizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_testlib import SIZE, in_process_app, settle, wait_until

from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.permission_matrix import PermissionMatrixScreen
from carbontui.tui.views.keys import KeysView

Snap = Callable[..., bool]
SMALL = (80, 24)


def matrix_then(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Open the matrix once the Keys tab is loaded, wait until it is built, press ``keys``."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, CarbonApp)
        view = app.query_one(KeysView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        screen = PermissionMatrixScreen(app.services)
        app.push_screen(screen)
        await wait_until(pilot, lambda: screen.matrix is not None)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run


def test_matrix(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=matrix_then())


def test_matrix_small(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(in_process_app(tmp_path), terminal_size=SMALL, run_before=matrix_then())


def test_matrix_by_count_with_orders_write_holders(snap_compare: Snap, tmp_path: Path) -> None:
    # c: most permissions first; p x8: the column cursor on orders_write; o: only its holders.
    run = matrix_then("c", *"pppppppp", "o")
    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=run)
