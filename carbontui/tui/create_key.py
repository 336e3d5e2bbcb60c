"""The dashboard's create-key flow: gate, form, one request, then the one-time secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carbontui.tui.views.keys import KeysView

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


async def create_key(app: CarbonApp) -> None:
    """Create a key from ``app``; run in a worker (it waits for modal answers)."""
    from carbontui.tui.screens.key_create import CreateKeyScreen
    from carbontui.tui.screens.secret_once import SecretOnceScreen

    session = app.services.session
    if session is None or session.carbonext is None:
        app.notify("this profile has no Carbonext section", severity="warning")
        return
    if not await app.writes.confirm_write("Create a new API key?", "create a key"):
        return
    created = await app.push_screen_wait(CreateKeyScreen(app.services))
    if created is None:
        return
    await app.push_screen_wait(SecretOnceScreen(app.services, created))
    view = app.query(KeysView)
    if view:
        view.first().poll()
