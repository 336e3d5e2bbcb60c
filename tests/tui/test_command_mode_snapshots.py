"""Snapshots of the ``:`` prompt (with a completion showing) and of help on another tab."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_testlib import SIZE, in_process_app, settle, wait_until

from carbontui.tui.screens.command_prompt import CommandPrompt
from carbontui.tui.screens.help import HelpScreen
from carbontui.tui.views.keys import KeysView

Snap = Callable[..., bool]


async def keys_loaded(pilot: Pilot[Any]) -> None:
    view = pilot.app.query_one(KeysView)
    await wait_until(pilot, lambda: view.table.total_count > 0 and pilot.app.focused is view.table)


def test_command_prompt_completing_a_profile(snap_compare: Snap, tmp_path: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await keys_loaded(pilot)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPrompt))
        await pilot.press(*"profile sandbox-p")
        field = pilot.app.screen.query_one(Input)
        await wait_until(pilot, lambda: field._suggestion == "profile sandbox-prod")
        await settle(pilot)

    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=run)


def test_help_on_the_installations_tab(snap_compare: Snap, tmp_path: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await keys_loaded(pilot)
        await pilot.press("3", "question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        await settle(pilot)

    assert snap_compare(in_process_app(tmp_path), terminal_size=SIZE, run_before=run)
