"""The one and only view of a new key's secret: copy it, save it, then confirm you did."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from carbontui.api.models import CreatedApplication
from carbontui.auth.token import mask
from carbontui.config import ConfigError, CredentialsStore, ProfileExists
from carbontui.sanitize import neutralize
from carbontui.tui.app_access import carbon_app
from carbontui.tui.formatting import field_lines, literal
from carbontui.tui.screens.confirm import ConfirmScreen
from carbontui.tui.screens.styles import dialog_css
from carbontui.tui.services import Services
from carbontui.usecases.rotate_key import retire_steps


class SecretOnceScreen(ModalScreen[None]):
    """Masked until revealed on purpose; closing asks whether the secret was stored."""

    CSS_PATH = dialog_css("secret_once.tcss")
    #: A short terminal gets tighter margins and a shorter retire box (secret_once.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012 (as Screen types it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy secret", id="secret.copy"),
        Binding("v", "reveal", "Reveal", id="secret.reveal"),
        Binding("s", "save", "Save as profile", id="secret.save"),
        Binding("escape", "close", "Close", id="secret.close"),
    ]

    def __init__(
        self, services: Services, created: CreatedApplication, *, replaces: str | None = None
    ) -> None:
        """``replaces``: the client id this key rotates; the screen says how to retire it."""
        super().__init__()
        self.services = services
        self.created = created
        self.replaces = replaces
        self.revealed = False
        self.saved_to: str | None = None
        self.copied = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide secret"):
            yield Label("API key created", classes="dialog-title")
            yield Static(id="secret-fields")
            yield Label(
                "⚠ The client secret will NOT be shown again. Copy it or save it as a profile now.",
                classes="warning-banner",
            )
            with Horizontal(classes="save-row"):
                yield Input(
                    value=self._suggested_profile(),
                    placeholder="profile name",
                    id="secret-profile-name",
                    compact=True,
                )
                yield Button("Save as profile (s)", id="secret-save", compact=True)
            yield Label("", id="secret-status", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Copy secret (c)", id="secret-copy", variant="primary", compact=True)
                yield Button("Reveal (v)", id="secret-reveal", compact=True)
                yield Button("Close (esc)", id="secret-close", compact=True)
            if self.replaces:
                # Last, in a box that scrolls: on a small terminal the controls stay in view.
                with VerticalScroll(id="secret-retire-box"):
                    yield Static(self._retire_text(self.replaces), id="secret-retire")

    @staticmethod
    def _retire_text(old: str) -> Text:
        """How to retire the key this one replaces (the API cannot delete it)."""
        text = Text.assemble(("Retire ", "bold"), literal(old, style="bold"), ("\n", ""))
        for number, step in enumerate(retire_steps(old), 1):
            text.append(f"{number}. ")
            text.append_text(literal(step))
            text.append("\n")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        self._render_fields()
        self.query_one("#secret-copy", Button).focus()

    def _suggested_profile(self) -> str:
        return f"{self.services.profile.name}-{self.created.client_id.removeprefix('cbx_b2b_')}"

    def _render_fields(self) -> None:
        secret = (
            self.created.client_secret if self.revealed else mask(self.created.client_secret, 0)
        )
        self.query_one("#secret-fields", Static).update(
            field_lines(
                [
                    ("id", self.created.id),
                    ("client id", self.created.client_id),
                    ("client secret", secret),
                ]
            )
        )

    @on(Button.Pressed, "#secret-copy")
    def action_copy(self) -> None:
        """Put the secret on the clipboard (OSC 52)."""
        self.app.copy_to_clipboard(self.created.client_secret)
        self.copied = True
        self.query_one("#secret-status", Label).update("secret copied to the clipboard")

    @on(Button.Pressed, "#secret-reveal")
    def action_reveal(self) -> None:
        """Toggle showing the secret."""
        self.revealed = not self.revealed
        self._render_fields()

    @on(Input.Submitted, "#secret-profile-name")
    @on(Button.Pressed, "#secret-save")
    def action_save(self) -> None:
        """Write the key to credentials.toml as a new profile based on the current one."""
        name_input = self.query_one("#secret-profile-name", Input)
        name = name_input.value.strip()
        status = self.query_one("#secret-status", Label)
        if not name:
            status.update("enter a profile name first")
            return
        store = CredentialsStore.for_config(self.services.config.path)
        try:
            store.save_carbonext_key(
                name,
                self.created.client_id,
                self.created.client_secret,
                based_on=self.services.profile.name,
            )
        except ProfileExists as exc:
            # Never overwrite: keep the secret here and let the user pick another name. The
            # file's name only, so the whole message fits on the status line.
            where = Path(str(exc.file)).name
            status.update(
                Text.assemble(
                    ("not saved: ", "bold red"),
                    f"profile '{neutralize(name)}' already exists in {where}; ",
                    ("choose another name", "bold"),
                )
            )
            name_input.focus()
            return
        except (ConfigError, OSError) as exc:
            status.update(Text.assemble(("not saved: ", "bold red"), neutralize(str(exc))))
            return
        self.saved_to = name
        status.update(
            Text.assemble(
                "saved as profile ",
                (name, "bold"),
                f" in {neutralize(str(store.path))} (mode 0600)",
            )
        )
        app = carbon_app(self)
        app.writes.record_action("save-key-profile", objects=[self.created.id, name], outcome="ok")
        app.reload_config()

    @on(Button.Pressed, "#secret-close")
    def action_close(self) -> None:
        """Close, after the user confirms the secret is stored somewhere."""
        if self.saved_to:
            self.dismiss(None)
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Have you stored the client secret? It cannot be shown again.",
                confirm_label="Yes, close",
            ),
            answered,
        )


def quit_unless_secret_unsaved(app: App[None]) -> None:
    """Quit ``app``; first ask if a new key's secret is on screen and was never saved."""
    unsaved = any(
        isinstance(screen, SecretOnceScreen) and not screen.saved_to for screen in app.screen_stack
    )
    if not unsaved:
        app.exit()
        return

    def answered(confirmed: bool | None) -> None:
        if confirmed:
            app.exit()

    app.push_screen(
        ConfirmScreen(
            "The new key's client secret was not saved and cannot be shown again. Quit?",
            confirm_label="Yes, quit",
        ),
        answered,
    )
