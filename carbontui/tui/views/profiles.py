"""Profiles: every configured profile; Enter switches to it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from carbontui.config import Profile
from carbontui.tui.app_access import carbon_app
from carbontui.tui.formatting import literal
from carbontui.tui.services import Services
from carbontui.tui.widgets.virtual_table import Column, VirtualTable


def _services_of(profile: Profile) -> str:
    return ", ".join(s for s in ("carbonext", "registry") if getattr(profile, s) is not None) or "-"


class ProfilesView(Vertical):
    """The Profiles tab (static: it reads the config, not the network)."""

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services

    def compose(self) -> ComposeResult:
        active = self.services.session.profile.name if self.services.session else None
        yield VirtualTable(
            [
                Column("", lambda p: "▶" if p.name == active else "", width=1),
                Column("PROFILE", lambda p: p.name, width=20),
                Column("ENV", lambda p: p.environment, width=8),
                Column("SERVICES", _services_of, width=18),
                Column("MODE", self._mode, width=10),
                Column("CARBONEXT API", lambda p: p.carbonext.api_url if p.carbonext else "-"),
                Column("REGISTRY API", lambda p: p.registry.api_url if p.registry else "-"),
            ],
            key=lambda p: p.name,
            search_text=lambda p: p.name,
            id="profiles-table",
        )
        yield Static(self._info(), classes="muted panel", id="profiles-info")

    def _mode(self, profile: Profile) -> str:
        """``read-only`` when the profile says so or ``--read-only`` forces every profile."""
        forced = self.services.force_read_only
        return "read-only" if forced or profile.read_only else "read-write"

    def _info(self) -> Text:
        """The config path, the key hint, and each profile that could not be loaded (why)."""
        config = self.services.config
        lines = [f"config: {config.path}", "enter: switch to the selected profile"]
        if self.services.force_read_only:
            lines.append("--read-only: every profile is read-only in this session")
        lines += [f"not loaded: {message}" for message in config.problems.values()]
        return literal("\n".join(lines), multiline=True)

    def on_mount(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Show the profiles of the current config (after a key was saved as a profile)."""
        table = self.query_one(VirtualTable)
        table.set_rows(list(self.services.config.profiles.values()))
        self.query_one("#profiles-info", Static).update(self._info())
        if self.services.session:
            table.select_key(self.services.session.profile.name)

    @on(VirtualTable.RowSelected, "#profiles-table")
    def _switch(self, event: VirtualTable.RowSelected) -> None:
        assert isinstance(event.row, Profile)
        carbon_app(self).switch_profile(event.row.name)
