"""Run by ``startup.py`` in a fresh interpreter: start one app, headless or on its terminal.

Usage: ``_startup_child.py {bare,floor,demo,external} {headless,pty} [CONFIG PROFILE]``.

``bare``: a Textual app with one label (:data:`BARE_TEXT`). ``demo``: ``carbontui --demo``
and ``external``: ``carbontui --config CONFIG --profile PROFILE``, both through the real CLI
entry point. ``floor`` (headless only): the bare app plus what no client can skip, httpx and
the two requests for the first page (a client-credentials token, then the keys page), its first
client id shown in the label: the cost of carbontui's job without carbontui.

``headless``: Textual's headless driver; prints ``ready`` and exits once the app is ready: the
bare app after its first refresh, carbontui once the Keys table has rows and has been drawn.
``pty``: the normal driver on the terminal ``startup.py`` gave it, no hooks; it runs until
killed (``startup.py`` watches the screen).
"""

from __future__ import annotations

import os
import sys

BARE_TEXT = "bare Textual app"


def _ready(app: object) -> None:
    print("ready", flush=True)
    app.exit()  # type: ignore[attr-defined]


def bare(headless: bool) -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label(BARE_TEXT)

        def on_mount(self) -> None:
            if headless:
                self.call_after_refresh(_ready, self)

    Bare().run()
    return 0


def floor(config: str, profile: str) -> int:
    import tomllib

    import httpx
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    with open(config, "rb") as file:
        settings = tomllib.load(file)["profiles"][profile]["carbonext"]

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Label(BARE_TEXT)

        async def on_mount(self) -> None:
            self.run_worker(self.first_page())

        async def first_page(self) -> None:
            async with httpx.AsyncClient() as client:
                form = {
                    "grant_type": "client_credentials",
                    "client_id": settings["client_id"],
                    "client_secret": settings["client_secret"],
                }
                token = (await client.post(settings["token_url"], data=form)).json()
                page = await client.get(
                    settings["api_url"] + "/v1/customers/applications",
                    headers={"Authorization": f"Bearer {token['access_token']}"},
                )
            self.query_one(Label).update(page.json()["items"][0]["clientId"])
            self.call_after_refresh(_ready, self)

    Floor().run()
    return 0


def _watch_keys_table() -> None:
    """Print ``ready`` (and exit) once the Keys table has rows and has been drawn."""
    from textual.app import App

    original = App._on_compose

    async def watched(self: App[None]) -> None:
        # Hooks the running app without importing carbontui's TUI before the launcher does.
        await original(self)

        def check() -> None:
            tables = self.query("#keys-table")
            if tables and tables.first().total_count > 0:  # type: ignore[attr-defined]
                timer.stop()
                self.call_after_refresh(_ready, self)

        timer = self.set_interval(0.005, check)

    App._on_compose = watched  # type: ignore[method-assign,assignment]


def carbontui(argv: list[str], headless: bool) -> int:
    if headless:
        _watch_keys_table()
    from carbontui.cli import main

    return main(argv)


def main(args: list[str]) -> int:
    mode, kind, *rest = args
    headless = kind == "headless"
    if headless:
        os.environ["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
    if mode == "bare":
        return bare(headless)
    if mode == "demo":
        return carbontui(["--demo"], headless)
    config, profile = rest
    if mode == "floor":
        return floor(config, profile)
    return carbontui(["--config", config, "--profile", profile], headless)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
