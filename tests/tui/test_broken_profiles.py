"""A profile that could not be loaded is listed on the Profiles tab with its reason."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.widgets import Static
from tui_testlib import SIZE, in_process_app, screen_text, wait_until

from carbontui.tui.views.profiles import ProfilesView

PROBLEM = "config.toml: unknown key 'profiles.broken.readonly'; did you mean 'read_only'?\x1b[2J"


async def test_profiles_tab_names_each_profile_that_was_not_loaded(tmp_path: Path) -> None:
    app = in_process_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        services = app.services
        services.config = dataclasses.replace(services.config, problems={"broken": PROBLEM})
        await pilot.press("4")
        view = app.query_one(ProfilesView)
        view.refresh_rows()
        info = view.query_one("#profiles-info", Static)
        await wait_until(pilot, lambda: "not loaded:" in screen_text(app))
        text = screen_text(app)
        assert "did you mean 'read_only'?" in text
        assert "\x1b" not in str(info.render())
