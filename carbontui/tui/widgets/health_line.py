"""One line per session: how each service has answered lately (latency sparkline, errors)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from carbontui.api.health import RequestHealth, ServiceHealth
from carbontui.tui.pictures import sparkline

LABELS = {"carbonext": "Carbonext", "registry": "CarbonRegistry"}


def describe(name: str, health: ServiceHealth) -> Text:
    """``Carbonext ▁▂▅▂▁ 42 ms · 0 errors in 12``: red when something failed lately."""
    median = health.median or 0.0
    errors = health.errors
    text = Text.assemble((LABELS.get(name, name), "bold"), " ")
    text.append(sparkline(health.latencies), style="cyan")
    text.append(f" {median * 1000:.0f} ms · ")
    noun = "error" if errors == 1 else "errors"
    text.append(f"{errors} {noun}", style="red" if errors else "green")
    text.append(f" in {len(health.failures)}", style="dim")
    return text


def health_text(health: RequestHealth) -> Text:
    """Every service that has been asked something, side by side."""
    parts = [describe(name, health.services[name]) for name in sorted(health.services)]
    if not parts:
        return Text("no requests yet", style="dim")
    return Text("   ").join(parts)


class HealthLine(Static):
    """Redrawn when a request finishes (it listens to the session's ``RequestHealth``)."""

    DEFAULT_CSS = """
    HealthLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._seen = -1
        self._health: RequestHealth | None = None

    def follow(self, health: RequestHealth | None) -> None:
        """Draw ``health`` now and after every request it records (``None``: stop)."""
        if self._health is not None and self._redraw in self._health.listeners:
            self._health.listeners.remove(self._redraw)
        self._health = health
        if health is not None:
            health.listeners.append(self._redraw)
        self.show(health)

    def on_unmount(self) -> None:
        self.follow(None)

    def _redraw(self) -> None:
        self.show(self._health)

    def show(self, health: RequestHealth | None) -> None:
        """Draw ``health`` if it changed (``None``: no session)."""
        version = -2 if health is None else health.version
        if version == self._seen:
            return
        self._seen = version
        self.update(Text("") if health is None else health_text(health))
