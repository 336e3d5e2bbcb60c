"""Column widths for a table of a given width: drop low-value columns, then shrink (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """What the layout needs to know about one column.

    ``natural``: the width that shows every value (measured from the data or fixed);
    ``minimum``: narrower than this the column is useless (dropped instead); ``short``: the
    natural width of the column's compact form, if it has one; ``priority``: 0 is essential
    (never dropped), higher numbers go first; 2 and above go as soon as they crowd the others.
    """

    natural: int
    minimum: int
    priority: int = 0
    short: int | None = None


@dataclass(frozen=True)
class Layout:
    """Per column: its width (0 = not shown) and whether it uses its compact form."""

    widths: tuple[int, ...]
    compact: tuple[bool, ...]

    @property
    def shown(self) -> list[int]:
        """Indexes of the columns drawn, left to right."""
        return [i for i, w in enumerate(self.widths) if w]

    @property
    def total(self) -> int:
        """Cells a line takes: each shown column plus a space either side."""
        return sum(w + 2 for w in self.widths if w)


PAD = 2


def fit(specs: Sequence[Spec], available: int) -> Layout:
    """Lay columns out in ``available`` cells.

    A low-value column (priority >= 2) only gets what is left once the more valuable ones have
    their natural (compact) widths: it is dropped when that is less than its minimum. Any
    non-essential column is dropped while even the minimum widths overflow (the highest
    priority number, then the rightmost, first). Then, lossless first: compact forms (a prefix
    every value repeats, said in the label); then cells are cut from the least valuable column
    with slack, down to the minimums. When the essential columns cannot fit even so, the line
    is wider than ``available`` (the table scrolls sideways).
    """
    shown = set(range(len(specs)))

    def compact(spec: Spec) -> int:
        return max(spec.minimum, min(spec.natural, spec.short or spec.natural))

    def crowded(i: int) -> bool:
        rank = specs[i].priority
        better = sum(compact(specs[j]) + PAD for j in shown if specs[j].priority < rank)
        rest = sum(specs[j].minimum + PAD for j in shown if specs[j].priority >= rank)
        return better + rest > available

    def overflow() -> bool:
        return sum(specs[j].minimum + PAD for j in shown) > available

    for i in sorted(
        (i for i, s in enumerate(specs) if s.priority), key=lambda i: (-specs[i].priority, -i)
    ):
        if (specs[i].priority >= 2 and crowded(i)) or overflow():
            shown.discard(i)
    widths = {i: max(specs[i].natural, specs[i].minimum) for i in shown}
    short = dict.fromkeys(shown, False)
    excess = sum(w + PAD for w in widths.values()) - available
    for i in sorted(shown):
        if excess > 0 and compact(specs[i]) < widths[i]:
            excess -= widths[i] - compact(specs[i])
            widths[i] = compact(specs[i])
            short[i] = True
    while excess > 0:
        # The least valuable column with slack first; among equals, the one with the most.
        _, slack, i = max(
            (
                (specs[i].priority, widths[i] - specs[i].minimum, -i)
                for i in shown
                if widths[i] > specs[i].minimum
            ),
            default=(0, 0, 0),
        )
        if slack <= 0:
            break
        take = min(excess, slack) if specs[-i].priority else 1
        widths[-i] -= take
        excess -= take
    return Layout(
        tuple(widths.get(i, 0) for i in range(len(specs))),
        tuple(short.get(i, False) for i in range(len(specs))),
    )
