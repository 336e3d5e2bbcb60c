"""Stylesheets the dialog screens share."""

from __future__ import annotations

from pathlib import Path, PurePath

_HERE = Path(__file__).parent

#: Rules every dialog needs (wrapping labels).
DIALOG_CSS = _HERE / "dialog.tcss"


def dialog_css(*own: str) -> list[str | PurePath]:
    """``CSS_PATH`` for a dialog screen: the shared rules, then its own ``.tcss`` files."""
    return [DIALOG_CSS, *(_HERE / name for name in own)]
