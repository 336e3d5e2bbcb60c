"""``?``: every key binding, grouped by where it works (read from the classes themselves)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def inherited_bindings(cls: type) -> list[BindingType]:
    """A class's bindings including those of its bases (Textual merges them the same way)."""
    merged: list[BindingType] = []
    for klass in reversed(cls.__mro__):
        merged.extend(klass.__dict__.get("BINDINGS", []))
    return merged


def describe(bindings: list[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for each binding that has a description."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            keys = " / ".join(_pretty(k) for k in binding.key.split(","))
            rows.append((keys, binding.description))
    return rows


def _pretty(key: str) -> str:
    return {"slash": "/", "question_mark": "?", "escape": "esc"}.get(key, key)


class HelpScreen(ModalScreen[None]):
    """Groups: title → bindings."""

    CSS_PATH = Path(__file__).with_name("help.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Label("Keys", classes="dialog-title")
            for title, bindings in self.groups:
                rows = describe(bindings)
                if not rows:
                    continue
                yield Label(title, classes="help-group")
                yield Static("\n".join(f"  [b]{keys:<16}[/] {text}" for keys, text in rows))
            yield Label(
                "ctrl+p opens the command palette: every action, searchable.", classes="muted"
            )
