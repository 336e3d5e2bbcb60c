"""Pure formatting for the dashboard: countdowns, ages, masks (no widgets, easy to test).

Text that came from a server, a file or the user is shown through :func:`literal` or
:func:`inert` (or a helper built on them): never parsed as markup, with escape sequences and
control characters neutralised.
"""

from __future__ import annotations

import time

from rich.text import Text

from carbontui.auth.token import Token
from carbontui.sanitize import neutralize

WARNING_UNDER = 5 * 60
ERROR_UNDER = 60
#: Countdowns show seconds only below this; further out they change once a minute.
SECONDS_UNDER = 10 * 60


def literal(value: object, *, style: str = "", multiline: bool = False) -> Text:
    """``value`` as literal, inert text: no markup, no escape sequences or controls."""
    return Text(neutralize(str(value), multiline=multiline), style=style)


def inert(text: Text, *, multiline: bool = False) -> Text:
    """``text`` itself when it holds nothing a terminal would act on; else a neutralised copy.

    The copy keeps the base style but drops the spans (their offsets no longer fit).
    """
    plain = text.plain
    if plain.isprintable() or neutralize(plain, multiline=multiline) == plain:
        return text
    return Text(
        neutralize(plain, multiline=multiline),
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
    )


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


def remaining(seconds: float) -> str:
    """Time left at a glance, like kubectl/k9s ages: ``1h 02m``, ``47m``, ``4m 09s``, ``12s``.

    Seconds show only in the last 10 minutes, so a far-off expiry changes once a minute
    (always rounded down: ``47m`` means at least 47 whole minutes are left).
    """
    whole = int(max(0, seconds))
    if SECONDS_UNDER <= whole < 3600:
        return f"{whole // 60}m"
    return duration(whole)


def countdown(expires_at: float | None, now: float) -> Text:
    """Time left, coloured: warning under 5 minutes, error under 1, 'expired' after.

    Precision as :func:`remaining`; :func:`expiry_detail` has the exact time.
    """
    if expires_at is None:
        return Text("no expiry", style="dim")
    left = expires_at - now
    if left <= 0:
        return Text("expired", style="bold red")
    style = "red" if left < ERROR_UNDER else "yellow" if left < WARNING_UNDER else "green"
    return Text(remaining(left), style=style)


def clock_time(timestamp: float) -> str:
    """``2025-06-01 12:47:05 UTC``: an instant in local time, to the second, with its zone."""
    return time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(timestamp))


def expiry_detail(expires_at: float | None, now: float) -> str:
    """The full expiry: ``expires 2025-06-01 12:47:05 UTC (in 47m 05s)`` or ``expired …``."""
    if expires_at is None:
        return "no expiry"
    left = expires_at - now
    if left <= 0:
        return f"expired {clock_time(expires_at)} ({duration(-left)} ago)"
    return f"expires {clock_time(expires_at)} (in {duration(left)})"


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
        text.append(neutralize(label).ljust(width), style="bold")
        text.append("-" if value is None or value == "" else neutralize(str(value)))
    return text
