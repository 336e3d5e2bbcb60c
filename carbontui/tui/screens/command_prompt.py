"""The ``:`` prompt at the bottom of the screen; dismisses with the line typed, or ``None``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from carbontui.tui.actions import binding
from carbontui.tui.command_mode import complete


class CommandSuggester(Suggester):
    """Completes command names, and profile names after ``:profile``."""

    def __init__(self, profiles: Callable[[], Collection[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.profiles = profiles

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self.profiles())


class CommandPrompt(ModalScreen[str | None]):
    """One line of input; ``tab`` or ``→`` takes the completion shown, ``esc`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        binding("prompt.cancel", show=False),
        binding("prompt.complete", show=False, priority=True),
    ]

    def __init__(self, profiles: Callable[[], Collection[str]]) -> None:
        super().__init__(id="command-prompt")
        self.profiles = profiles

    def compose(self) -> ComposeResult:
        with Horizontal(id="command-bar"):
            yield Label(":", id="command-colon")
            yield Input(
                id="command-input",
                placeholder="keys · identity · installations · profiles · profile NAME · q",
                suggester=CommandSuggester(self.profiles),
                compact=True,
                select_on_focus=False,
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_complete(self) -> None:
        """Take the completion (``Input`` takes it only with ``→``)."""
        field = self.query_one(Input)
        suggestion = complete(field.value, self.profiles())
        if suggestion is not None:
            field.value = suggestion
            field.cursor_position = len(suggestion)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)
