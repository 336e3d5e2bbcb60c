"""Neutralising untrusted text before it reaches a terminal.

A server (or a local file) may put escape sequences into a key name, an organization name or an
error text: OSC 52 writes the clipboard, OSC 0 retitles the window, ``ESC[2J`` wipes the screen.
``neutralize`` replaces every terminal escape sequence, every C0/C1 control character and the
Unicode bidi overrides (which reorder what is shown) by one visible placeholder each, so the
text is shown as inert characters. ``--json`` output is not passed through here: JSON escapes
control characters itself and must stay exact.
"""

from __future__ import annotations

import re

#: Shown in place of each removed sequence or control character.
PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"

_ESCAPE_SEQUENCES = (
    # OSC, DCS, SOS, PM, APC: a string terminated by BEL or ST (ESC \), or cut off at the end.
    r"\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
    # CSI: parameters, intermediates and a final byte.
    r"|\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # The 8-bit forms of CSI and OSC-like strings.
    r"|\x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
    # Any other escape: ESC, optional intermediates, one final byte.
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_LINE_BREAKS = r"[\t\n\r]"

_MULTILINE = re.compile(f"{_ESCAPE_SEQUENCES}|{_CONTROLS}")
_SINGLE_LINE = re.compile(f"{_ESCAPE_SEQUENCES}|{_CONTROLS}|{_LINE_BREAKS}")


def neutralize(text: str, *, multiline: bool = False) -> str:
    """``text`` with escape sequences and control characters replaced by ``PLACEHOLDER``.

    Tabs and line breaks become a space (or, with ``multiline``, tabs and ``\\n`` are kept), so
    a value cannot break the layout of a table row or a one-line message.
    """
    if text.isprintable():  # the common case: nothing to do
        return text
    if multiline:
        return _MULTILINE.sub(PLACEHOLDER, text)
    return _SINGLE_LINE.sub(_single_line_replacement, text)


def _single_line_replacement(match: re.Match[str]) -> str:
    return " " if match.group() in "\t\n\r" else PLACEHOLDER


def is_clean(text: str) -> bool:
    """True when ``text`` holds no byte a terminal would act on (tests and validators)."""
    return _SINGLE_LINE.search(text) is None
