"""Where a view says what stops it from loading and what to do about it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from carbontui.sanitize import neutralize


class ProblemPanel(Static):
    """A boxed message: ``<title>: <what is wrong>`` and, below it, what to do."""

    DEFAULT_CSS = """
    ProblemPanel {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
        border: round $error 60%;
    }
    """

    def show(self, title: str, message: str, advice: str) -> None:
        """Show a problem; server text in ``message`` is shown inert, never as markup."""
        text = Text.assemble((f"{title}: ", "bold"), neutralize(message, multiline=True))
        if advice:
            text.append("\n")
            text.append(neutralize(advice, multiline=True), "bold")
        self.update(text)
