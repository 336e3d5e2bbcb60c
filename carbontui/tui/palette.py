"""The dashboard's entries in the command palette (beside Textual's own system commands)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from carbontui.tui.tabs import TABS
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.polling import PollingView

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


def dashboard_commands(app: CarbonApp) -> Iterable[SystemCommand]:
    """Tabs, reload, writes the profile allows, the active tab's actions, profiles, help."""
    for pane_id, label, _ in TABS:
        name = label.split(" ", 1)[1]
        yield SystemCommand(
            f"Go to {name}", f"Show the {name} tab", lambda p=pane_id: app.action_show_tab(p)
        )
    view = app.active_view()
    if isinstance(view, PollingView):
        yield SystemCommand("Reload", f"Reload {view.title} now", view.action_reload)
    writable = app.services.session is not None and not app.services.read_only
    if writable:
        yield SystemCommand("New API key", "Create a Carbonext API key", app.action_create_key)
    if isinstance(view, InstallationsView) and writable:
        yield SystemCommand(
            "Mint installation token", "For the selected installation", view.action_mint
        )
        yield SystemCommand(
            "Revoke installation token", "For the selected installation", view.action_revoke
        )
    if isinstance(view, IdentityView):
        yield SystemCommand(
            "Refresh token", "Renew the selected token now", view.action_refresh_token
        )
        yield SystemCommand("Reveal token", "Show or hide the selected token", view.action_reveal)
    for name in app.services.config.profiles:
        yield SystemCommand(
            f"Switch to profile {name}",
            "Open this profile in every view",
            lambda n=name: app.switch_profile(n),
        )
    yield SystemCommand("Action history", "What this machine did, newest first", app.action_history)
    yield SystemCommand("Help", "Every key binding", app.action_help)
