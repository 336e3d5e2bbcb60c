"""The base of the screens that show one object over the tabs."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from carbontui.tui.screens.styles import dialog_css
from carbontui.tui.services import Services


class DetailScreen(ModalScreen[None]):
    """A modal detail view of one row; ``esc`` or ``q`` goes back to the table."""

    CSS_PATH = dialog_css()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Back", id="detail.back")
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(classes="detail")
        self.services = services
