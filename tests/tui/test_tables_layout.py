"""Column layout rules (pure): drop low-value columns, compact forms first, then shrink."""

from __future__ import annotations

from carbontui.tui.widgets.table_layout import Spec, fit

KEYS = [
    Spec(natural=44, minimum=16, short=36),  # client id; compact: without cbx_b2b_
    Spec(natural=38, minimum=12),  # display name
    Spec(natural=36, minimum=36, priority=2),  # raw id
]


def test_everything_fits_untouched() -> None:
    layout = fit(KEYS, 200)
    assert layout.widths == (44, 38, 36) and layout.compact == (False, False, False)


def test_the_compact_form_goes_before_any_value_is_cut() -> None:
    layout = fit(KEYS, 118)
    assert layout.widths == (36, 38, 36) and layout.compact == (True, False, False)
    assert layout.total <= 118


def test_a_low_value_column_is_dropped_before_others_are_cut() -> None:
    layout = fit(KEYS, 78)
    assert layout.widths == (36, 38, 0) and layout.shown == [0, 1]


def test_the_least_valuable_column_shrinks_first() -> None:
    specs = [
        Spec(natural=27, minimum=12),
        Spec(natural=20, minimum=10, priority=1),
        Spec(natural=60, minimum=24, priority=2),
        Spec(natural=10, minimum=10),
    ]
    layout = fit(specs, 100)
    assert layout.widths[:2] == (27, 20) and layout.widths[3] == 10
    assert layout.total == 100


def test_minimums_that_cannot_fit_drop_non_essential_columns_rightmost_first() -> None:
    specs = [
        Spec(natural=30, minimum=12),
        Spec(natural=7, minimum=7, priority=1),
        Spec(natural=36, minimum=36, priority=1),
        Spec(natural=12, minimum=12),
    ]
    assert fit(specs, 78).shown == [0, 1, 2, 3]  # the first column shrinks instead
    assert fit(specs, 70).shown == [0, 1, 3]


def test_essential_columns_never_drop_the_line_scrolls_instead() -> None:
    specs = [Spec(natural=40, minimum=30), Spec(natural=40, minimum=30)]
    layout = fit(specs, 50)
    assert layout.shown == [0, 1] and layout.total > 50
