"""A one-line status under each view: progress, freshness, or what went wrong."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from carbontui.sanitize import neutralize


class StatusLine(Widget):
    """Shows ``summary · updated 12s ago`` or ``STALE · error`` with a spinner-free progress.

    ``progress`` says what is happening now (``loading…``, ``retrying in 18s (attempt 2)``);
    ``problem_label`` heads the problem: ``STALE`` while retries go on, ``STOPPED`` when they
    cannot help until the user fixes something.
    """

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; }
    StatusLine.-error { color: $warning; }
    """

    summary = reactive("")
    freshness = reactive("")
    progress = reactive("")
    problem = reactive("")
    problem_label = reactive("STALE")

    def watch_problem(self, problem: str) -> None:
        self.set_class(bool(problem), "-error")

    def render(self) -> Text:
        # Every part may quote a server (a problem is an error text): shown inert, one line.
        parts: list[str | tuple[str, str]] = []
        if self.summary:
            parts.append(neutralize(self.summary))
        if self.progress:
            parts += ["  ", (neutralize(self.progress), "bold")]
        if self.freshness:
            parts += ["  · ", neutralize(self.freshness)]
        if self.problem:
            label = (neutralize(self.problem_label), "bold reverse")
            parts += ["  · ", label, " ", neutralize(self.problem)]
        return Text.assemble(*parts)
