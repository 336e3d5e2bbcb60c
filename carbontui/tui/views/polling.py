"""Base for views that load data in the background and keep it fresh."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from carbontui.config import ConfigError
from carbontui.errors import CarbontuiError
from carbontui.transport import DEFAULT_TIMEOUT, RequestWatch, watching
from carbontui.tui.formatting import age
from carbontui.tui.problems import Problem, classify, retry_after
from carbontui.tui.services import Services
from carbontui.tui.widgets.problem_panel import ProblemPanel
from carbontui.tui.widgets.status_line import StatusLine

MAX_BACKOFF = 300.0
FIRST_RETRY = 5.0
#: A poll gives up once its requests go this many profile timeouts without any answer (but
#: never less than one timeout plus ``PATIENCE_SLACK`` seconds): a hung server is one full
#: attempt and a short retry, not four full attempts.
POLL_PATIENCE = 1.5
PATIENCE_SLACK = 2.0


def backoff(failures: int) -> float:
    """Seconds before the next try after ``failures`` failures in a row: 5, 10, 20 … 300."""
    return min(MAX_BACKOFF, FIRST_RETRY * 2 ** max(0, failures - 1))


class PollingView(Vertical):
    """One exclusive poll worker per view, re-armed when it finishes.

    Paused while the view's tab is hidden or a modal is open. A failure keeps the last good
    data (marked stale), notifies once per distinct problem, and retries with backoff, never
    sooner than a server's ``Retry-After``. A lasting problem (see ``tui.problems``) stops the
    retries and says what to do, until the user reloads. A 1 s timer drives countdowns, the
    "updated N ago" text and "retrying in N s" from the injected clock; it never touches the
    network. The status line says when a request is in flight.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r,f5", "reload", "Reload", id="view.reload")
    ]

    #: What this view is called in notifications.
    title: ClassVar[str] = "view"
    #: Seconds of patience beyond one timeout, at least (short timeouts get a few retries).
    patience_slack: float = PATIENCE_SLACK

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services
        self.last_success: float | None = None
        self.failures = 0
        self.next_poll = 0.0
        #: Ticks seen, hidden or not: what "a poll would have started by now" waits on.
        self.ticks = 0
        #: A problem retrying cannot fix: no more polls until a reload (``restart``).
        self.halted: Problem | None = None
        self._problem = ""
        self._loaded_once = False
        self._status: StatusLine | None = None
        self._tabs: tuple[TabPane, TabbedContent] | None = None
        #: When the next try starts (injected clock) and its number, while waiting for it.
        self._retry: tuple[float, int] | None = None

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
        return self.app.screen is self.screen and self._on_shown_tab()

    def _on_shown_tab(self) -> bool:
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

        A hidden view does nothing at all; it catches up when its tab is shown. Under a dialog
        the status line keeps counting ("updated N ago", "retrying in N s"), nothing else runs.
        """
        self.ticks += 1
        # Before its mount (a tab activated while its view composes) there is nothing to draw
        # yet; the view's own first tick follows its mount.
        if self.is_gone or not self.is_mounted or not self._on_shown_tab():
            return
        now = self.services.clock()
        self._show_time(now)
        if self.app.screen is not self.screen:
            return
        self.on_tick(now)
        if now >= self.next_poll and self.halted is None and not self._polling():
            self.poll()

    def _show_time(self, now: float) -> None:
        self.status.freshness = age(self.last_success, now) if self._loaded_once else ""
        if self._retry is not None:
            at, attempt = self._retry
            left = math.ceil(max(0.0, at - now))
            self.status.progress = f"retrying in {left}s (attempt {attempt})"

    def on_tick(self, now: float) -> None:
        """Hook for countdowns; no network here."""

    def action_reload(self) -> None:
        """Poll now; on a failing view first re-read the config, key files and credentials."""
        if self.halted is not None or self._problem:
            from carbontui.tui.reload import start_reload

            self.status.progress = "reloading config…"
            start_reload(self)
        else:
            self.poll()

    def restart(self) -> None:
        """Start afresh (after a reload): forget failures, poll now if visible, else when shown."""
        self.failures = 0
        self.halted = None
        self._retry = None
        self.next_poll = 0.0
        self.status.progress = ""
        if self.is_active:
            self.poll()

    def _polling(self) -> bool:
        # A poll just started is still pending until the loop runs it; a second tick before
        # then must not start another (exclusive: it would cancel the first).
        return any(
            w.group == "poll" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.workers_of_self()
        )

    def workers_of_self(self) -> list[Worker[None]]:
        """Workers started by this view."""
        return [w for w in self.app.workers if w.node is self]

    @work(exclusive=True, group="poll")
    async def poll(self) -> None:
        """Run ``load`` once; schedule the next poll by outcome."""
        now = self.services.clock
        self._retry = None
        self.status.progress = "loading…"
        watch = RequestWatch(self._patience(), on_retry=self._retrying, on_wait=self._waiting)
        try:
            with watching(watch):
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
            problem = classify(exc)
            if problem.lasting:
                self.halted = problem
            else:
                self.halted = None
                asked = retry_after(exc) or 0.0
                self.next_poll = now() + max(backoff(self.failures), asked)
                self._retry = (self.next_poll, self.failures + 1)
            self.status.progress = ""
            self._report(problem)
        else:
            if self.is_gone:
                return
            self.failures = 0
            self.halted = None
            self.last_success = now()
            self._loaded_once = True
            self.next_poll = now() + self.poll_interval
            self.status.progress = ""
            self.clear_problem()
        self._show_time(now())

    def _patience(self) -> float:
        session = self.services.session
        timeout = session.profile.timeout if session is not None else DEFAULT_TIMEOUT
        return max(POLL_PATIENCE * timeout, timeout + self.patience_slack)

    def _retrying(self, attempt: int) -> None:
        if not self.is_gone:
            self._retry = None
            self.status.progress = f"loading… (attempt {attempt})"

    def _waiting(self, seconds: float, attempt: int) -> None:
        if not self.is_gone:
            self._retry = (self.services.clock() + seconds, attempt)
            self._show_time(self.services.clock())

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
        """Mark the view stale and notify, once per distinct problem (a transient one)."""
        self._report(Problem(message))

    def _report(self, problem: Problem) -> None:
        message = problem.message
        self.status.problem = message
        self.status.problem_label = "STOPPED" if problem.lasting else "STALE"
        self.mark_stale(True)
        self._show_problem_panel(problem if problem.lasting else None)
        if message != self._problem:
            self._problem = message
            text = f"{message}\n{problem.advice}" if problem.advice else message
            self.app.notify(text, title=f"{self.title}: update failed", severity="error", timeout=8)

    def _show_problem_panel(self, problem: Problem | None) -> None:
        """The empty state of a lasting problem: what is wrong and what to do (None: hide)."""
        panels = self.query(ProblemPanel)
        if problem is None:
            panels.remove()
            return
        panel = panels.first() if panels else ProblemPanel(classes="problem")
        panel.show(f"{self.title} cannot load", problem.message, problem.advice)
        if not panels:
            self.mount(panel, before=0)

    def clear_problem(self) -> None:
        """Back to normal after a success; say so if there was a problem."""
        if self._problem:
            self.app.notify(f"{self.title} is updating again", title="Recovered", timeout=4)
        self._problem = ""
        self.status.problem = ""
        self._show_problem_panel(None)
        self.mark_stale(False)

    def mark_stale(self, stale: bool) -> None:
        """Hook: dim the data when it is no longer current."""
