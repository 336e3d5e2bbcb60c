"""The dashboard's tabs: which views, in which order, under which number key.

Only the first tab shown is composed (and its view's module imported) when a profile opens;
the others are mounted the first time they are shown. A hidden view does nothing anyway
(``PollingView.tick``), so the first screen's data is all that a start waits for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from carbontui.tui.services import Services

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.widget import Widget

#: (pane id, tab label, ``module:class`` of its view) in number-key order.
TABS = (
    ("keys", "1 Keys", "carbontui.tui.views.keys:KeysView"),
    ("identity", "2 Identity & tokens", "carbontui.tui.views.identity:IdentityView"),
    ("installations", "3 Installations", "carbontui.tui.views.installations:InstallationsView"),
    ("profiles", "4 Profiles", "carbontui.tui.views.profiles:ProfilesView"),
)


def new_view(pane_id: str, services: Services) -> Widget:
    """The view of tab ``pane_id`` (id ``<pane id>-view``), its module imported on first use."""
    where = next(view for pane, _, view in TABS if pane == pane_id)
    module, name = where.split(":")
    view: Callable[..., Widget] = getattr(importlib.import_module(module), name)
    return view(services, id=f"{pane_id}-view")


class Dashboard(Vertical):
    """The tabs of one open profile; replaced whole when the profile changes."""

    def __init__(self, services: Services, *, initial: str) -> None:
        super().__init__(id="dashboard")
        self.services = services
        self.initial = initial

    def compose(self) -> ComposeResult:
        with TabbedContent(initial=self.initial, id="tabs"):
            for pane_id, label, _ in TABS:
                with TabPane(label, id=pane_id):
                    if pane_id == self.initial:
                        yield new_view(pane_id, self.services)

    @on(TabbedContent.TabActivated)
    async def _compose_on_first_visit(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if pane.id and not pane.children:
            await pane.mount(new_view(pane.id, self.services))
