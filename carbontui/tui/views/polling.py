"""Base for views that load data in the background and keep it fresh."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import TabbedContent, TabPane
from textual.worker import Worker

from carbontui.config import ConfigError
from carbontui.errors import CarbontuiError
from carbontui.tui.formatting import age
from carbontui.tui.services import Services
from carbontui.tui.widgets.status_line import StatusLine

MAX_BACKOFF = 300.0
FIRST_RETRY = 5.0


def backoff(failures: int) -> float:
    """Seconds before the next try after ``failures`` failures in a row: 5, 10, 20 … 300."""
    return min(MAX_BACKOFF, FIRST_RETRY * 2 ** max(0, failures - 1))


class PollingView(Vertical):
    """One exclusive poll worker per view, re-armed when it finishes.

    Paused while the view's tab is hidden or a modal is open. A failure keeps the last good
    data (marked stale), notifies once per distinct problem, and retries with backoff. A 1 s
    timer drives countdowns and the "updated N ago" text from the injected clock; it never
    touches the network.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r,f5", "reload", "Reload", id="view.reload")
    ]

    #: What this view is called in notifications.
    title: ClassVar[str] = "view"

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services
        self.last_success: float | None = None
        self.failures = 0
        self.next_poll = 0.0
        #: Ticks seen, hidden or not: what "a poll would have started by now" waits on.
        self.ticks = 0
        self._problem = ""
        self._loaded_once = False
        self._status: StatusLine | None = None
        self._tabs: tuple[TabPane, TabbedContent] | None = None

    @property
    def status(self) -> StatusLine:
        """This view's status line (looked up once, not on every tick)."""
        if self._status is None:
            self._status = self.query_one(StatusLine)
        return self._status

    @property
    def poll_interval(self) -> float:
        """Seconds between polls, from the profile."""
        return float(self.services.profile.poll_interval)

    @property
    def is_active(self) -> bool:
        """Visible to the user: our tab is selected and no modal covers the screen."""
        if self.app.screen is not self.screen:
            return False
        if self._tabs is None:
            pane = next((a for a in self.ancestors if isinstance(a, TabPane)), None)
            if pane is None:
                return True
            tabs = next(a for a in pane.ancestors if isinstance(a, TabbedContent))
            self._tabs = (pane, tabs)
        pane, tabs = self._tabs
        return tabs.active == pane.id

    @property
    def is_gone(self) -> bool:
        """Being removed (e.g. a profile switch replaced the dashboard) or already removed."""
        return not self.is_attached or self._closing or self._closed or self._pruning

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self.call_after_refresh(self.tick)

    def tick(self) -> None:
        """Once a second: redraw time-dependent text; start a poll when one is due.

        A hidden view does nothing at all; it catches up when its tab is shown.
        """
        self.ticks += 1
        if self.is_gone or not self.is_active:
            return
        now = self.services.clock()
        self.status.freshness = age(self.last_success, now) if self._loaded_once else ""
        self.on_tick(now)
        if now >= self.next_poll and not self._polling():
            self.poll()

    def on_tick(self, now: float) -> None:
        """Hook for countdowns; no network here."""

    def action_reload(self) -> None:
        """Poll now."""
        self.poll()

    def _polling(self) -> bool:
        return any(w.group == "poll" and w.is_running for w in self.workers_of_self())

    def workers_of_self(self) -> list[Worker[None]]:
        """Workers started by this view."""
        return [w for w in self.app.workers if w.node is self]

    @work(exclusive=True, group="poll")
    async def poll(self) -> None:
        """Run ``load`` once; schedule the next poll by outcome."""
        now = self.services.clock
        try:
            await self.load()
        except NoMatches:
            # A load that finished while the view was being torn down has nowhere to go.
            if self.is_gone:
                return
            raise
        except (CarbontuiError, ConfigError, LookupError) as exc:
            if self.is_gone:
                return
            self.failures += 1
            self.next_poll = now() + backoff(self.failures)
            self.report_problem(str(exc))
        else:
            if self.is_gone:
                return
            self.failures = 0
            self.last_success = now()
            self._loaded_once = True
            self.next_poll = now() + self.poll_interval
            self.clear_problem()
        self.status.freshness = age(self.last_success, now()) if self._loaded_once else ""

    def client_for(self, service: str, label: str) -> Any:
        """The session's ``service`` client; ``None`` (said in the status) when not configured.

        A configured service that could not be built raises its error: this view's problem.
        """
        session = self.services.session
        client = getattr(session, service) if session is not None else None
        if client is None:
            if session is not None and service in session.errors:
                raise session.errors[service]
            self.status.summary = f"this profile has no {label} section"
        return client

    async def load(self) -> None:
        """Fetch and show this view's data. Raise to keep the old data and go stale."""
        raise NotImplementedError

    def report_problem(self, message: str) -> None:
        """Mark the view stale and notify, once per distinct problem."""
        self.status.problem = message
        self.mark_stale(True)
        if message != self._problem:
            self._problem = message
            self.app.notify(
                message, title=f"{self.title}: update failed", severity="error", timeout=8
            )

    def clear_problem(self) -> None:
        """Back to normal after a success; say so if there was a problem."""
        if self._problem:
            self.app.notify(f"{self.title} is updating again", title="Recovered", timeout=4)
        self._problem = ""
        self.status.problem = ""
        self.mark_stale(False)

    def mark_stale(self, stale: bool) -> None:
        """Hook: dim the data when it is no longer current."""
