"""``v`` on a token: its whole value, wrapped and scrollable, until the user hides it again."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from carbontui.tui.formatting import literal


class TokenRevealScreen(ModalScreen[None]):
    """The token in full (never cut): ``v``/``esc`` hide it, ``c`` copies it."""

    DEFAULT_CSS = """
    TokenRevealScreen { align: center middle; }
    TokenRevealScreen #reveal-body {
        width: 90%;
        height: auto;
        max-height: 90%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    TokenRevealScreen #reveal-title { text-style: bold; }
    TokenRevealScreen #reveal-hint { color: $text-muted; }
    """

    #: The body takes the keys, so arrows, page keys and end scroll a long token.
    AUTO_FOCUS = "#reveal-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "dismiss", "Hide", id="reveal.close"),
        Binding("c", "copy", "Copy token", id="reveal.copy"),
    ]

    def __init__(self, title: Text, value: str) -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reveal-body"):
            yield Label(self.title_text, id="reveal-title")
            yield Static(literal(self.value), id="reveal-value")
            yield Label("v or esc hides it · c copies it", id="reveal-hint")

    async def action_dismiss(self, result: None = None) -> None:
        """Hide the token."""
        self.dismiss(None)

    def action_copy(self) -> None:
        """Copy the whole token."""
        self.app.copy_to_clipboard(self.value)
        self.notify("token copied")
