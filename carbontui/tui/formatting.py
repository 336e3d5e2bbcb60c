"""Pure formatting for the dashboard: countdowns, ages, masks (no widgets, easy to test)."""

from __future__ import annotations

from rich.text import Text

from carbontui.auth.token import Token

WARNING_UNDER = 5 * 60
ERROR_UNDER = 60


def duration(seconds: float) -> str:
    """Compact ``1h 02m``, ``4m 09s`` or ``12s``."""
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def countdown(expires_at: float | None, now: float) -> Text:
    """Time left, coloured: warning under 5 minutes, error under 1, 'expired' after."""
    if expires_at is None:
        return Text("no expiry", style="dim")
    left = expires_at - now
    if left <= 0:
        return Text("expired", style="bold red")
    style = "red" if left < ERROR_UNDER else "yellow" if left < WARNING_UNDER else "green"
    return Text(duration(left), style=style)


def severity(expires_at: float | None, now: float) -> str:
    """``ok``, ``warning``, ``error`` or ``expired`` for a token's remaining time."""
    if expires_at is None:
        return "ok"
    left = expires_at - now
    if left <= 0:
        return "expired"
    return "error" if left < ERROR_UNDER else "warning" if left < WARNING_UNDER else "ok"


def age(since: float | None, now: float) -> str:
    """``updated 12s ago`` style phrase."""
    if since is None:
        return "never updated"
    return f"updated {duration(now - since)} ago"


def token_status(token: Token | None, now: float) -> Text:
    """Cell for an installation's token column."""
    if token is None:
        return Text("no token", style="dim")
    return Text.assemble("● ", countdown(token.expires_at, now))


def field_lines(pairs: list[tuple[str, object]]) -> Text:
    """``label  value`` lines with bold, aligned labels (None shows as '-')."""
    width = max((len(label) for label, _ in pairs), default=0) + 2
    text = Text()
    for index, (label, value) in enumerate(pairs):
        if index:
            text.append("\n")
        text.append(label.ljust(width), style="bold")
        text.append("-" if value is None or value == "" else str(value))
    return text
