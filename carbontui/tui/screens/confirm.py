"""Confirmation dialogs: yes/no, or typing the profile name on production."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from carbontui.tui.formatting import literal
from carbontui.tui.screens.styles import dialog_css


class ConfirmScreen(ModalScreen[bool]):
    """Asks a question; with ``type_to_confirm`` the user must type that word exactly."""

    CSS_PATH = dialog_css()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "cancel", "No", id="confirm.no"),
        Binding("y", "yes", "Yes", id="confirm.yes"),
    ]

    def __init__(
        self, question: str, *, confirm_label: str = "Yes", type_to_confirm: str | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.type_to_confirm = type_to_confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Questions quote servers (an organization's name): literal, inert text.
            yield Label(literal(self.question, multiline=True), classes="dialog-question")
            if self.type_to_confirm:
                yield Label(
                    Text.assemble(
                        "This is production. Type ",
                        literal(self.type_to_confirm, style="bold"),
                        " to confirm:",
                    )
                )
                yield Input(id="confirm-input")
                yield Label("", id="confirm-mismatch", classes="errors")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")
            if not self.type_to_confirm:
                yield Label("y yes · n or esc no", classes="muted")

    def on_mount(self) -> None:
        if self.type_to_confirm:
            self.query_one("#confirm-yes", Button).disabled = True
            self.query_one("#confirm-input", Input).focus()
        else:
            self.query_one("#confirm-no", Button).focus()

    @on(Input.Changed, "#confirm-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-yes", Button).disabled = event.value != self.type_to_confirm
        if event.value == self.type_to_confirm:
            self.query_one("#confirm-mismatch", Label).update("")

    @on(Input.Submitted, "#confirm-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value == self.type_to_confirm:
            self.dismiss(True)
            return
        # Wrong or empty: say what is expected and stay open for another try.
        assert self.type_to_confirm is not None
        self.query_one("#confirm-mismatch", Label).update(
            Text.assemble(
                "that does not match: type ",
                literal(f"'{self.type_to_confirm}'", style="bold"),
                " exactly to confirm, or esc to cancel",
            )
        )

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_yes(self) -> None:
        """``y`` confirms a plain question; a typed confirmation needs the typed name."""
        if not self.type_to_confirm:
            self.dismiss(True)

    def action_cancel(self) -> None:
        """Escape means no."""
        self.dismiss(False)
