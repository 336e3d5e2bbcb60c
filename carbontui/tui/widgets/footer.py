"""The key bar: Textual's ``Footer``, rebuilt once per refresh however often bindings change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """``Footer`` that coalesces binding changes.

    Textual's footer schedules a full recompose (every key re-mounted and re-styled) for each
    change to the screen's bindings. A start changes them several times before the first frame
    (the dashboard mounts, focus settles, tabs activate): eight recomposes, where one shows the
    same keys.
    """

    _recompose_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._recompose_pending:
            self._bindings_ready = True
            return
        super().bindings_changed(screen)
        # The base class asked for a recompose after the next refresh if it could show one now.
        self._recompose_pending = self.is_attached and screen is self.screen and self.app.app_focus

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()
