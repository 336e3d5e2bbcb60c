"""The dashboard's create-key flow: gate, form, one request, then the one-time secret."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from carbontui.api.models import Application
from carbontui.errors import CarbontuiError
from carbontui.tui.views.keys import KeysView
from carbontui.usecases.rotate_key import KeyDraft, plan_rotation

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


async def create_key(app: CarbonApp, draft: KeyDraft | None = None) -> None:
    """Create a key from ``app``; run in a worker (it waits for modal answers).

    ``draft``: a rotation's pre-filled form; the result then says how to retire the old key.
    """
    from carbontui.tui.screens.key_create import CreateKeyScreen
    from carbontui.tui.screens.secret_once import SecretOnceScreen

    session = app.services.session
    if session is None or session.carbonext is None:
        app.notify("this profile has no Carbonext section", severity="warning")
        return
    question = (
        f"Create a new API key to replace {draft.replaces}?" if draft else "Create a new API key?"
    )
    if not await app.writes.confirm_write(question, "create a key"):
        return
    created = await app.push_screen_wait(CreateKeyScreen(app.services, draft))
    if created is None:
        return
    replaces = draft.replaces if draft else None
    await app.push_screen_wait(SecretOnceScreen(app.services, created, replaces=replaces))
    view = app.query(KeysView)
    if view:
        view.first().poll()


async def rotate_key(app: CarbonApp, original: Application) -> None:
    """Duplicate ``original`` to rotate it: the create form with its permissions, a rotation
    name and a free client id suggested (the key list is read to find one)."""
    client = app.services.carbonext
    if client is None:
        app.notify("this profile has no Carbonext section", severity="warning")
        return
    try:
        taken = [key.client_id for key in await client.list_all()]
    except CarbontuiError as exc:
        # No suggestion then: the form still opens, the client id is the user's to choose.
        app.notify(f"could not read the key list to suggest a client id: {exc}")
        taken = None
    draft = plan_rotation(original, taken or (), app.services.clock())
    if taken is None:
        draft = dataclasses.replace(draft, client_id="")
    await create_key(app, draft)
