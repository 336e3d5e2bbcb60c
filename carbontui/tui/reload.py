"""Reload: re-read config.toml, credentials.toml and key files, and reopen the same profile.

A rotated key, a fixed secret or a restarted sandbox then needs no restart of the dashboard.
A config that no longer works leaves the open profile as it was and says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from carbontui.config import ConfigError, load_config
from carbontui.errors import CarbontuiError
from carbontui.tui.app_access import carbon_app

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


async def reload_profile(app: CarbonApp) -> bool:
    """Reload the config and the profile in use; True when the new settings are in use."""
    from carbontui.tui.views.polling import PollingView
    from carbontui.tui.views.profiles import ProfilesView
    from carbontui.tui.widgets.context_header import ContextHeader

    services = app.services
    base = app.screen_stack[0]  # the dashboard's screen, whatever dialog is on top
    if services.session is None:  # the profile did not open: try again from the files
        try:
            services.config = load_config(services.config.path)
        except ConfigError as exc:
            app.notify(str(exc), title="Config not reloaded", severity="error", timeout=15)
            return False
        await app.open_profile(services.profile_name)
        return services.session is not None
    try:
        session = await services.reload()
    except (ConfigError, CarbontuiError) as exc:
        for view in base.query(PollingView):
            view.status.progress = ""
        app.notify(
            f"{exc}\nStill using the settings loaded before.",
            title="Config not reloaded",
            severity="error",
            timeout=15,
        )
        return False
    header = base.query_one(ContextHeader)
    header.show_session(services)
    header.load_identity(session)
    for profiles in base.query(ProfilesView):
        profiles.refresh_rows()
    for view in base.query(PollingView):
        view.restart()
    app.notify(f"profile {session.profile.name} reopened from the files", title="Config reloaded")
    return True


def start_reload(node: DOMNode) -> None:
    """Reload in an app worker (it outlives the views a failed profile may replace)."""
    app = carbon_app(node)
    app.run_worker(reload_profile(app), group="reload-config", exclusive=True)
