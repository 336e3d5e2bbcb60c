"""The dashboard's entries in the command palette (beside Textual's own system commands).

Help texts name the keys from the action table, the user's keymap applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from carbontui.tui.actions import keys_of
from carbontui.tui.reload import start_reload
from carbontui.tui.tabs import TABS
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.polling import PollingView

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


def dashboard_commands(app: CarbonApp) -> Iterable[SystemCommand]:
    """Tabs, reload, writes the profile allows, the active tab's actions, profiles, help."""
    keymap = app.services.config.keymap

    def keys(action_id: str) -> str:
        return " (" + " / ".join(keys_of(action_id, keymap)) + ")"

    for pane_id, label, _ in TABS:
        name = label.split(" ", 1)[1]
        yield SystemCommand(
            f"Go to {name}",
            f"Show the {name} tab" + keys(f"tab.{pane_id}"),
            lambda p=pane_id: app.action_show_tab(p),
        )
    view = app.active_view()
    if isinstance(view, PollingView):
        yield SystemCommand(
            "Reload", f"Reload {view.title} now" + keys("view.reload"), view.action_reload
        )
    yield SystemCommand(
        "Reload config",
        "Re-read config.toml, credentials.toml and key files; reopen this profile",
        lambda: start_reload(app),
    )
    writable = app.services.session is not None and not app.services.read_only
    if writable:
        yield SystemCommand(
            "New API key", "Create a Carbonext API key" + keys("keys.create"), app.action_create_key
        )
    if isinstance(view, InstallationsView) and writable:
        yield SystemCommand(
            "Mint installation token",
            "For the selected installation" + keys("installations.mint"),
            view.action_mint,
        )
        yield SystemCommand(
            "Revoke installation token",
            "For the selected installation" + keys("installations.revoke"),
            view.action_revoke,
        )
    if isinstance(view, IdentityView):
        yield SystemCommand(
            "Refresh token",
            "Renew the selected token now" + keys("identity.refresh"),
            view.action_refresh_token,
        )
        yield SystemCommand(
            "Reveal token",
            "Show or hide the selected token" + keys("identity.reveal"),
            view.action_reveal,
        )
    for name in app.services.config.profiles:
        yield SystemCommand(
            f"Switch to profile {name}",
            "Open this profile in every view",
            lambda n=name: app.switch_profile(n),
        )
    if app.services.session is not None:
        profile = app.services.session.profile.name
        if profile in app.preferences.pinned:
            yield SystemCommand(
                "Unpin theme",
                f"Profile {profile} follows the global theme again",
                lambda: app.pin_theme(False),
            )
        else:
            yield SystemCommand(
                "Pin theme to this profile",
                f"Profile {profile} keeps the current theme; other profiles follow the global one",
                lambda: app.pin_theme(True),
            )
    yield SystemCommand(
        "Command mode", "Type :keys, :profile NAME, :q…" + keys("app.command"), app.action_command
    )
    yield SystemCommand(
        "Action history",
        "What this machine did, newest first" + keys("app.history"),
        app.action_history,
    )
    yield SystemCommand("Help", "Every key, by where it works" + keys("app.help"), app.action_help)
