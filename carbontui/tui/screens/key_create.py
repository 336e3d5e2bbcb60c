"""Create an API key: client id with a live preview, display name, permissions."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from carbontui.api.carbonext import preview_client_id
from carbontui.api.models import CreatedApplication, Permission
from carbontui.errors import CarbontuiError
from carbontui.sanitize import neutralize
from carbontui.tui.app_access import carbon_app
from carbontui.tui.formatting import literal
from carbontui.tui.screens.styles import dialog_css
from carbontui.tui.services import Services
from carbontui.tui.widgets.permission_picker import PermissionPicker
from carbontui.usecases.create_key import (
    Created,
    Reconciled,
    Unanswered,
    create_key,
    validate,
)
from carbontui.usecases.rotate_key import KeyDraft

#: How many existing keys to read to learn which permission ids the account can grant.
SAMPLE_KEYS = 12


class CreateKeyScreen(ModalScreen[CreatedApplication | None]):
    """Dismisses with the created key, or None when cancelled."""

    CSS_PATH = dialog_css("key_create.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="create.cancel"),
        Binding("ctrl+s", "submit", "Create", id="create.submit"),
    ]

    def __init__(self, services: Services, draft: KeyDraft | None = None) -> None:
        """``draft``: a rotation's pre-filled fields (its permissions start selected)."""
        super().__init__()
        self.services = services
        self.draft = draft
        self.known: dict[str, Permission] = {p.id: p for p in draft.permissions} if draft else {}
        self._sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="create-dialog"):
            draft = self.draft
            if draft is None:
                yield Label("New API key", classes="dialog-title")
            else:
                yield Label(literal(f"Rotate {draft.replaces}"), classes="dialog-title")
                yield Label(
                    literal(
                        f"A new key with the same permissions replaces {draft.replaces}, which "
                        "keeps working until you retire it. Choose the new client id."
                    ),
                    id="create-rotation-note",
                )
            with VerticalScroll(id="create-fields"):
                fields = (
                    ("Client id", "client-id", draft.client_id if draft else "", "billing_sync"),
                    (
                        "Display name",
                        "display-name",
                        draft.display_name if draft else "",
                        "Billing sync",
                    ),
                )
                for label, name, value, example in fields:
                    yield Label(label)
                    yield Input(
                        value=value,
                        placeholder=f"e.g. {example}",
                        id=f"create-{name}",
                        compact=True,
                    )
                    if name == "client-id":
                        yield Label(
                            Text(preview_client_id("")), id="create-preview", classes="muted"
                        )
                yield Label("Permissions (space to toggle)")
                yield PermissionPicker(id="create-permissions")
                yield Label(
                    "looking up the permissions this account can grant…",
                    id="create-perm-status",
                    classes="muted",
                )
                yield Label("Other permission ids (comma-separated)")
                yield Input(placeholder="e.g. 45bbe1bc-4d5a-…, …", id="create-extra-ids")
            # Outside the scrolling fields: the outcome and the buttons are always in view.
            yield Label("", id="create-errors", classes="errors")
            with Horizontal(classes="buttons"):
                yield Button("Create (ctrl+s)", variant="primary", id="create-submit", compact=True)
                yield Button("Cancel (esc)", id="create-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#create-client-id", Input).focus()
        self.discover_permissions()

    @work(exclusive=True, group="discover")
    async def discover_permissions(self) -> None:
        """Learn grantable permissions from existing keys (ids) and userinfo (names)."""
        status = self.query_one("#create-perm-status", Label)
        client = self.services.carbonext
        if client is None:
            return
        granted_names: set[str] = set()
        failed = False
        try:
            if client.userinfo_url:
                granted_names = set((await client.userinfo()).permissions)
            page = await client.list_page(1, SAMPLE_KEYS)
            for summary in page.items:
                for permission in (await client.get(summary.id)).permissions:
                    self.known.setdefault(permission.id, permission)
        except CarbontuiError as exc:
            failed = True
            status.update(
                Text(f"could not list permissions ({neutralize(str(exc))}); enter ids below")
            )
        picker = self.query_one("#create-permissions", PermissionPicker)
        chosen = {p.id for p in self.draft.permissions} if self.draft else set()
        for permission in sorted(self.known.values(), key=lambda p: p.name or p.id):
            label = Text.assemble(
                neutralize(permission.name or "?"), "  ", (neutralize(permission.id), "dim")
            )
            picker.add_option((label, permission.id, permission.id in chosen))
        if picker.has_focus:
            picker.highlight_first()
        unknown = sorted(n for n in granted_names if n not in {p.name for p in self.known.values()})
        if self.known:
            note = f"{len(self.known)} permissions found on existing keys"
            if unknown:
                note += f"; also held by this key (id unknown): {', '.join(unknown)}"
            status.update(Text(neutralize(note)))
        elif not failed:
            status.update(Text("no permissions found on existing keys; enter ids below"))

    @on(Input.Changed, "#create-client-id")
    def _preview(self, event: Input.Changed) -> None:
        # Typed text, shown literally: `[/` or `[bold]` in it is not markup.
        self.query_one("#create-preview", Label).update(
            Text.assemble(
                "will be created as ", (neutralize(preview_client_id(event.value)), "bold")
            )
        )

    def _permission_ids(self) -> list[str]:
        chosen = list(self.query_one("#create-permissions", PermissionPicker).selected)
        extra = self.query_one("#create-extra-ids", Input).value
        chosen += [p.strip() for p in extra.split(",") if p.strip()]
        return list(dict.fromkeys(chosen))

    @on(Button.Pressed, "#create-submit")
    def action_submit(self) -> None:
        """Validate, then send once."""
        if self._sending:
            return
        client_id = self.query_one("#create-client-id", Input).value
        display_name = self.query_one("#create-display-name", Input).value
        ids = self._permission_ids()
        problems = validate(client_id, display_name, ids)
        errors = self.query_one("#create-errors", Label)
        if problems:
            # The problems quote what was typed: literal text, never markup.
            errors.update(Text(neutralize("\n".join(f"• {p}" for p in problems), multiline=True)))
            return
        errors.update(Text("creating…"))
        self._sending = True
        self.send(client_id, display_name.strip(), ids)

    @work(exclusive=True, group="create")
    async def send(self, client_id: str, display_name: str, ids: list[str]) -> None:
        """The create request (``usecases.create_key``): exactly one attempt, whatever happens."""
        errors = self.query_one("#create-errors", Label)
        client = self.services.carbonext
        assert client is not None
        try:
            result = await create_key(
                client, client_id, display_name, ids, log=carbon_app(self).writes.action_log()
            )
        except CarbontuiError as exc:
            errors.update(Text.assemble(("not created: ", "bold"), neutralize(str(exc))))
            self._sending = False
            return
        if isinstance(result, Created):
            self.dismiss(result.key)
            return
        errors.update(self._unanswered_message(result))
        self._sending = False

    @staticmethod
    def _unanswered_message(result: Unanswered) -> Text:
        """What to tell the user after a create with no answer."""
        reason, key = neutralize(str(result.error)), neutralize(result.client_id)
        if result.result is Reconciled.UNKNOWN:
            return Text.assemble(
                ("unknown outcome: ", "bold"),
                f"no answer ({reason}) and the key list could not be read. "
                "Check the key list before trying again.",
            )
        if result.result is Reconciled.NOT_CREATED:
            return Text.assemble(
                ("not created: ", "bold"),
                f"no answer ({reason}), and the key list has no {key}: it is safe to try again.",
            )
        return Text.assemble(
            (f"{key} WAS created", "bold"),
            f" (id {neutralize(result.key_id or '-')}) but the answer, with its secret, "
            "was lost: create another key with a different client id.",
        )

    @on(Button.Pressed, "#create-cancel")
    def action_cancel(self) -> None:
        """Close without creating."""
        if not self._sending:
            self.dismiss(None)
