"""Run by ``startup.py`` in a fresh interpreter: start an app headless, print when it is ready.

``bare``: a Textual app with one label, ready after its first refresh.
``demo``: ``carbontui --demo`` through the real CLI entry point, ready once the Keys table has
rows and has been drawn. Prints ``ready`` and exits.
"""

from __future__ import annotations

import os
import sys

os.environ["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"


def _ready(app: object) -> None:
    print("ready", flush=True)
    app.exit()  # type: ignore[attr-defined]


def bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("hello")

        def on_mount(self) -> None:
            self.call_after_refresh(_ready, self)

    Bare().run()
    return 0


def demo() -> int:
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

    App._on_compose = watched  # type: ignore[method-assign]
    from carbontui.cli import main

    return main(["--demo"])


if __name__ == "__main__":
    sys.exit({"bare": bare, "demo": demo}[sys.argv[1]]())
