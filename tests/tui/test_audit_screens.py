"""The permission matrix and profile comparison screens, against loopback sandboxes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.sandbox import SandboxServer
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.screens.permission_matrix import COUNT_COLUMN, PermissionMatrixScreen
from carbontui.usecases.audit import MatrixRow

MakeApp = Callable[..., CarbonApp]


async def open_matrix(app: CarbonApp, pilot: Pilot[Any]) -> PermissionMatrixScreen:
    """From a loaded dashboard: push the matrix and wait until it is built."""
    await loaded_keys(app, pilot)
    screen = PermissionMatrixScreen(app.services)
    app.push_screen(screen)
    await wait_until(pilot, lambda: screen.matrix is not None and app.focused is screen.table)
    return screen


def holders_of(sandbox: SandboxServer, permission: str) -> set[str]:
    return {
        a.client_id
        for a in sandbox.state.applications
        if permission in sandbox.state.permission_names(a)
    }


def shown(screen: PermissionMatrixScreen) -> list[MatrixRow]:
    table = screen.table
    return [row for i in range(table.row_count) if (row := table.row_at(i)) is not None]


async def test_matrix_lists_every_key_with_its_permissions(
    make_app: MakeApp, sandbox: SandboxServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matrix(app, pilot)
        rows = {row.key.client_id: row.granted for row in shown(screen)}
        assert len(rows) == len(sandbox.state.applications) == 25
        for application in sandbox.state.applications:
            assert rows[application.client_id] == set(
                sandbox.state.permission_names(application)
            )
        text = screen_text(app)
        assert "ord/W" in text and "25 keys · 10 permissions" in text
        # A write permission is marked "W" (not only by colour); a read one "●".
        names = [c.label for c in screen.table.columns]
        admin = next(r for r in shown(screen) if len(r.granted) == 10)
        write = screen.table.columns[names.index("ord/W")].get(admin)
        read = screen.table.columns[names.index("ord/R")].get(admin)
        assert (str(write), str(read)) == ("W", "●")
