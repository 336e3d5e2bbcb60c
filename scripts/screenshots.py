"""Regenerate screenshots/*.svg: every dashboard screen at 120x40 on the seeded sandbox.

    python scripts/screenshots.py

Uses the in-process sandbox (fixed URL, frozen clock, seed 0), so the pictures hold no real
secret, no ephemeral port and no temporary path.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerState

from carbontui.api.models import CreatedApplication
from carbontui.tui.app import CarbonApp
from carbontui.tui.offline import offline_dashboard
from carbontui.tui.screens.permission_matrix import PermissionMatrixScreen
from carbontui.tui.screens.secret_once import SecretOnceScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.widgets.virtual_table import VirtualTable

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 40)
SHOWN_CONFIG_PATH = Path("~/.config/carbontui/config.toml")
FAKE_CREATED = CreatedApplication(
    id="00000000-0000-4000-8000-000000000001",
    client_id="cbx_b2b_billing_sync",
    client_secret="sandbox-only-not-a-secret",
)

Scene = Callable[[CarbonApp, Pilot[Any]], Awaitable[None]]


def text(app: CarbonApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError("the dashboard did not reach the expected state")


async def keys(app: CarbonApp, pilot: Pilot[Any]) -> None:
    """Nothing to do: the Keys tab is the first one."""


async def create(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("n")
    await until(pilot, lambda: bool(app.screen.query("#create-permissions")))
    picker = app.screen.query_one("#create-permissions")
    await until(pilot, lambda: picker.option_count > 0)  # type: ignore[attr-defined]
    await pilot.press(*"billing_sync", "tab", *"Billing sync", "tab", "space", "down", "space")


async def secret(app: CarbonApp, pilot: Pilot[Any]) -> None:
    app.push_screen(SecretOnceScreen(app.services, FAKE_CREATED))


async def key_detail(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("enter")
    await until(pilot, lambda: "loading permissions" not in text(app))


async def identity(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("3")
    view = app.query_one(InstallationsView)
    await until(pilot, lambda: view.table.total_count > 0)
    await pilot.press("t")  # prod: minting asks for the profile name first
    await until(pilot, lambda: bool(app.screen.query("#confirm-input")))
    await pilot.press(*"sandbox-prod", "enter")
    await until(pilot, lambda: "● 1h" in text(app))
    await pilot.press("2")
    await until(pilot, lambda: "Registry installation token" in text(app))


async def installations(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("3")
    view = app.query_one(InstallationsView)
    await until(pilot, lambda: view.table.total_count > 0)
    await pilot.press("t", "down", "down", "t")
    await until(pilot, lambda: text(app).count("● ") >= 2)


async def installation_detail(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await installations(app, pilot)
    await pilot.press("enter")
    await until(pilot, lambda: "organization read live" in text(app))


async def matrix(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("m")
    await until(pilot, lambda: isinstance(app.screen, PermissionMatrixScreen))
    screen = app.screen
    assert isinstance(screen, PermissionMatrixScreen)
    await until(pilot, lambda: screen.matrix is not None)
    await pilot.press("c", *["p"] * 8)  # most permissions first; orders_write selected
    await until(pilot, lambda: screen.selected == "orders_write")


async def profiles(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("4")


async def help_screen(app: CarbonApp, pilot: Pilot[Any]) -> None:
    await pilot.press("question_mark")


SCENES: list[tuple[str, str, Scene]] = [
    ("01-keys", "sandbox-hml", keys),
    ("02-key-detail", "sandbox-hml", key_detail),
    ("03-create-key", "sandbox-hml", create),
    ("04-secret-once", "sandbox-hml", secret),
    ("05-identity-tokens", "sandbox-prod", identity),
    ("06-installations", "sandbox-hml", installations),
    ("07-installation-detail", "sandbox-hml", installation_detail),
    ("08-profiles", "sandbox-prod", profiles),
    ("09-help", "sandbox-hml", help_screen),
    ("10-permission-matrix", "sandbox-hml", matrix),
]


async def shoot(name: str, profile: str, scene: Scene, workdir: Path) -> Path:
    app, _ = offline_dashboard(workdir / "cfg", profile=profile, history_path=workdir / "h.jsonl")
    # Shown on the Profiles tab: where a user's config would be, not this run's temp directory.
    app.services.config = dataclasses.replace(app.services.config, path=SHOWN_CONFIG_PATH)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(KeysView)
        await until(pilot, lambda: view.table.total_count > 0 and app.focused is view.table)
        await until(pilot, lambda: "identity unknown" in text(app) or "sandbox" in text(app))
        await scene(app, pilot)
        await steady(app, pilot)
        app.clear_notifications()
        for screen in app.screen_stack:
            for table in screen.query(VirtualTable):
                table.refresh()
        await pilot.pause()
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    return path


def busy(app: CarbonApp) -> bool:
    """Some worker is still pending or running (the create flow's waits for the user)."""
    return any(
        w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "create-key"
        for w in app.workers
    )


async def steady(app: CarbonApp, pilot: Pilot[Any]) -> None:
    """No worker left and what the last ones posted handled: a condition, not a fixed pause."""
    while True:
        await until(pilot, lambda: not busy(app))
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        if not busy(app):
            return


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, profile, scene in SCENES:
            path = await shoot(name, profile, scene, Path(tmp) / name)
            print(f"wrote {path.relative_to(OUT.parent)}")


if __name__ == "__main__":
    asyncio.run(main())
