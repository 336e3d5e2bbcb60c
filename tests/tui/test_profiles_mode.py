"""The Profiles tab's MODE column follows ``--read-only``."""

from __future__ import annotations

from collections.abc import Callable

from tui_testlib import SIZE, loaded_keys, screen_text, wait_until

from carbontui.tui.app import CarbonApp
from carbontui.tui.views.profiles import ProfilesView

MakeApp = Callable[..., CarbonApp]


def _modes(app: CarbonApp) -> dict[str, str]:
    lines = screen_text(app).splitlines()
    return {
        name: next(word for word in ("read-only", "read-write") if word in line)
        for name in app.services.config.profiles
        for line in lines
        if f" {name} " in line and ("read-only" in line or "read-write" in line)
    }


async def test_forced_read_only_shows_in_every_profile_row(make_app: MakeApp) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: app.query_one(ProfilesView).display)
        await wait_until(pilot, lambda: len(_modes(app)) == len(app.services.config.profiles))
        assert set(_modes(app).values()) == {"read-only"}
        assert "--read-only" in screen_text(app)


async def test_without_the_flag_profiles_are_read_write(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded_keys(app, pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: len(_modes(app)) == len(app.services.config.profiles))
        assert set(_modes(app).values()) == {"read-write"}
