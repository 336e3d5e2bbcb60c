"""The dashboard's tabs: which views, in which order, under which number key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from carbontui.tui.services import Services
from carbontui.tui.views.identity import IdentityView
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.views.profiles import ProfilesView

#: (pane id, tab label, view class) in number-key order.
TABS = (
    ("keys", "1 Keys", KeysView),
    ("identity", "2 Identity & tokens", IdentityView),
    ("installations", "3 Installations", InstallationsView),
    ("profiles", "4 Profiles", ProfilesView),
)


class Dashboard(Vertical):
    """The tabs of one open profile; replaced whole when the profile changes."""

    def __init__(self, services: Services, *, initial: str) -> None:
        super().__init__(id="dashboard")
        self.services = services
        self.initial = initial

    def compose(self) -> ComposeResult:
        with TabbedContent(initial=self.initial, id="tabs"):
            for pane_id, label, view in TABS:
                with TabPane(label, id=pane_id):
                    yield view(self.services, id=f"{pane_id}-view")
