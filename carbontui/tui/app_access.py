"""The one typed way for a view or screen to reach the dashboard app above it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

if TYPE_CHECKING:
    from carbontui.tui.app import CarbonApp


def carbon_app(node: DOMNode) -> CarbonApp:
    """The ``CarbonApp`` running ``node`` (its write gate, history, profile switching)."""
    from carbontui.tui.app import CarbonApp  # the app module imports every view

    app = node.app
    if not isinstance(app, CarbonApp):  # pragma: no cover - a view mounted in another app
        raise TypeError(f"{type(node).__name__} runs only inside CarbonApp")
    return app
