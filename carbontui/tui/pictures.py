"""Small pictures for numbers people would rather look at: lifetime bars and sparklines.

Both read without colour (the glyphs carry the value); colour only repeats it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from carbontui.tui.formatting import ERROR_UNDER, WARNING_UNDER

FULL, EMPTY = "█", "░"
#: Eighths of a cell, for a bar that moves smoothly at small widths.
PARTIAL = " ▏▎▍▌▋▊▉"
SPARKS = "▁▂▃▄▅▆▇█"


def lifetime_fraction(issued_at: float, expires_at: float | None, now: float) -> float | None:
    """How much of a token's lifetime is left, 0..1 (``None`` when it never expires)."""
    if expires_at is None:
        return None
    lifetime = expires_at - issued_at
    if lifetime <= 0:
        return 0.0
    return min(1.0, max(0.0, (expires_at - now) / lifetime))


def lifetime_bar(issued_at: float, expires_at: float | None, now: float, width: int = 10) -> Text:
    """``█████▌░░░░``: the share of lifetime left; green, then yellow under 5 min, red under 1."""
    fraction = lifetime_fraction(issued_at, expires_at, now)
    if fraction is None or width <= 0:
        return Text("")
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = FULL * full + (PARTIAL[part] if part and full < width else "")
    assert expires_at is not None
    left = expires_at - now
    style = "red" if left < ERROR_UNDER else "yellow" if left < WARNING_UNDER else "green"
    text = Text()
    text.append(bar, style=style)
    text.append(EMPTY * (width - len(bar)), style="dim")
    return text


def sparkline(values: Sequence[float], width: int = 12) -> str:
    """The last ``width`` values as ``▁▃▅█…`` scaled between their minimum and maximum."""
    recent = list(values)[-width:]
    if not recent:
        return ""
    low, high = min(recent), max(recent)
    span = high - low
    if span <= 0:
        return SPARKS[0] * len(recent)
    top = len(SPARKS) - 1
    return "".join(SPARKS[round((v - low) / span * top)] for v in recent)
