"""Printing results: JSON for scripts, aligned plain tables for people.

Every value printed for people passes through :func:`carbontui.sanitize.neutralize`: a key name
or an error text from a server cannot move the cursor, retitle the window or write the
clipboard. JSON output is exact: every control character is written as a \\u escape.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import msgspec

from carbontui.sanitize import neutralize

_encoder = msgspec.json.Encoder()
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """One JSON document (msgspec Structs keep their wire names) and a newline."""
    out = stream or sys.stdout
    text = msgspec.json.format(_encoder.encode(value), indent=2).decode()
    # msgspec escapes C0 controls only; DEL and C1 (a terminal reads \x9b as CSI) can occur
    # only inside strings, where the \u form reads back as the same character.
    out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], stream: TextIO | None = None
) -> None:
    """Left-aligned columns separated by two spaces; None prints as '-'."""
    out = stream or sys.stdout
    text_rows = [[_cell(value) for value in row] for row in rows]
    headers = [neutralize(h) for h in headers]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    for row in [list(headers), *text_rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def print_fields(pairs: Iterable[tuple[str, object]], stream: TextIO | None = None) -> None:
    """``label: value`` lines with the labels aligned."""
    out = stream or sys.stdout
    items = [(neutralize(label), _cell(value)) for label, value in pairs]
    width = max((len(label) for label, _ in items), default=0)
    for label, value in items:
        out.write(f"{label + ':':<{width + 1}} {value}\n")


def warn(message: str) -> None:
    """A line for the person at the terminal, on stderr so pipes stay clean."""
    sys.stderr.write(f"carbontui: {neutralize(message)}\n")


def _cell(value: object) -> str:
    """One value as inert single-line text."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value) or "-"
    return neutralize(str(value))
