"""Lifetime bars and sparklines: values readable from the glyphs alone."""

from __future__ import annotations

from carbontui.tui.pictures import EMPTY, FULL, lifetime_bar, lifetime_fraction, sparkline


def test_lifetime_bar_shows_the_share_left_and_its_urgency() -> None:
    issued, expires = 1000.0, 1000.0 + 3600
    assert lifetime_bar(issued, expires, issued).plain == FULL * 10
    half = lifetime_bar(issued, expires, issued + 1800)
    assert half.plain == FULL * 5 + EMPTY * 5 and "green" in str(half.spans[0].style)
    late = lifetime_bar(issued, expires, expires - 200)
    assert late.plain.startswith("▌") and len(late.plain) == 10
    assert "yellow" in str(late.spans[0].style)
    assert "red" in str(lifetime_bar(issued, expires, expires - 30).spans[0].style)
    expired = lifetime_bar(issued, expires, expires + 5)
    assert expired.plain == EMPTY * 10 and str(expired.spans[-1].style) == "dim"
    assert lifetime_bar(issued, None, issued).plain == ""
    assert lifetime_fraction(issued, expires, issued - 10) == 1.0
    assert lifetime_fraction(issued, issued, issued) == 0.0


def test_sparkline_scales_between_the_extremes() -> None:
    assert sparkline([10, 20, 30, 40, 50, 60, 70, 80]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5, 5]) == "▁▁▁"
    assert sparkline([]) == ""
    assert len(sparkline(range(100), width=12)) == 12
