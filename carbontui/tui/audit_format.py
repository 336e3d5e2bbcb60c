"""Cells for the audit screens: permission marks, short column labels, permission lists.

A broad (write/admin) permission stands out by colour and by its own character, so it still
reads on a terminal without colour: ``W`` where granted, ``●`` for any other grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text

from carbontui.sanitize import neutralize
from carbontui.usecases.audit import area_of, is_broad

BROAD_MARK = "W"
GRANTED_MARK = "●"
ABSENT_MARK = "·"
BROAD_STYLE = "bold red"
GRANTED_STYLE = "green"
ABSENT_STYLE = "dim"
LEGEND = f"{BROAD_MARK} = writes/administers   {GRANTED_MARK} = granted   {ABSENT_MARK} = not held"


def mark(permission: str, granted: bool) -> Text:
    """The cell of one permission for one key."""
    if not granted:
        return Text(ABSENT_MARK, style=ABSENT_STYLE)
    if is_broad(permission):
        return Text(BROAD_MARK, style=BROAD_STYLE)
    return Text(GRANTED_MARK, style=GRANTED_STYLE)


def verb_of(name: str) -> str:
    """What a permission allows within its area: ``orders_write`` -> ``write`` ('' if none)."""
    area = area_of(name)
    return name[len(area) + 1 :] if area != name else ""


def area_abbreviations(areas: Iterable[str], size: int = 3) -> dict[str, str]:
    """A short, distinct label per area (``orders`` -> ``ord``), longer where two would clash."""
    names = sorted(set(areas))
    short: dict[str, str] = {}
    for area in names:
        plain = neutralize(area)
        length = size
        while length < len(plain) and any(
            other != area and neutralize(other)[:length] == plain[:length] for other in names
        ):
            length += 1
        short[area] = plain[:length]
    return short


def column_label(name: str, abbreviations: Mapping[str, str]) -> str:
    """A permission column's header: ``ord/W`` (area, then the verb's initial)."""
    area = area_of(name)
    verb = neutralize(verb_of(name))
    head = abbreviations.get(area, neutralize(area)[:3])
    return f"{head}/{verb[:1].upper()}" if verb else head


def area_legend(abbreviations: Mapping[str, str]) -> str:
    """``cus customer_applications · ord orders`` for the line under the table."""
    return " · ".join(f"{short} {neutralize(area)}" for area, short in abbreviations.items())


def permission_list(names: Sequence[str]) -> Text:
    """Names joined by commas, broad ones in colour and flagged ``(W)``; '-' when empty."""
    if not names:
        return Text("-", style=ABSENT_STYLE)
    text = Text()
    for i, name in enumerate(names):
        if i:
            text.append(", ")
        if is_broad(name):
            text.append(f"{neutralize(name)} ({BROAD_MARK})", style=BROAD_STYLE)
        else:
            text.append(neutralize(name))
    return text
