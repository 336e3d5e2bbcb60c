"""Create an API key: client id with a live preview, display name, permissions."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList

from carbontui.api.carbonext import preview_client_id, strip_prefix
from carbontui.api.models import CreatedApplication, Permission
from carbontui.errors import CarbontuiError, NetworkError
from carbontui.sanitize import neutralize
from carbontui.tui.app_access import carbon_app
from carbontui.tui.services import Services

CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,62}$")
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
#: How many existing keys to read to learn which permission ids the account can grant.
SAMPLE_KEYS = 12


def validate(client_id: str, display_name: str, permission_ids: list[str]) -> list[str]:
    """Every problem with the form, in reading order (empty when it may be sent)."""
    problems = []
    bare = strip_prefix(client_id.strip())
    if not bare:
        problems.append("client id is required")
    elif not CLIENT_ID_PATTERN.match(bare):
        problems.append(
            "client id: 2-63 letters, digits, '_', '-' or '.', starting with a letter or digit"
        )
    if not display_name.strip():
        problems.append("display name is required")
    if not permission_ids:
        problems.append("choose at least one permission")
    bad = [p for p in permission_ids if not UUID_PATTERN.match(p)]
    if bad:
        problems.append(f"not a permission id (UUID expected): {', '.join(bad)}")
    return problems


class CreateKeyScreen(ModalScreen[CreatedApplication | None]):
    """Dismisses with the created key, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Create"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.known: dict[str, Permission] = {}
        self._sending = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Label("New API key", classes="dialog-title")
            yield Label("Client id")
            yield Input(placeholder="my_integration", id="create-client-id", compact=True)
            yield Label(Text(preview_client_id("")), id="create-preview", classes="muted")
            yield Label("Display name")
            yield Input(placeholder="My integration", id="create-display-name", compact=True)
            yield Label("Permissions (space to toggle)")
            yield SelectionList[str](id="create-permissions")
            yield Label(
                "looking up the permissions this account can grant…",
                id="create-perm-status",
                classes="muted",
            )
            yield Label("Other permission ids (comma-separated)")
            yield Input(
                placeholder="45bbe1bc-4d5a-4991-baac-42fa95d35824, …", id="create-extra-ids"
            )
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
        client = self.services.session.carbonext if self.services.session else None
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
        picker = self.query_one("#create-permissions", SelectionList)
        for permission in sorted(self.known.values(), key=lambda p: p.name or p.id):
            label = Text.assemble(
                neutralize(permission.name or "?"), "  ", (neutralize(permission.id), "dim")
            )
            picker.add_option((label, permission.id))
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
        chosen = list(self.query_one("#create-permissions", SelectionList).selected)
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
        """The create request: exactly one attempt, whatever happens."""
        errors = self.query_one("#create-errors", Label)
        client = self.services.session.carbonext if self.services.session else None
        assert client is not None
        wanted = preview_client_id(client_id)
        try:
            created = await client.create(client_id, display_name, ids)
        except NetworkError as exc:
            message, outcome = await self._after_ambiguous_failure(wanted, exc)
            errors.update(message)
            self._record([wanted], outcome)
            self._sending = False
            return
        except CarbontuiError as exc:
            errors.update(Text.assemble(("not created: ", "bold"), neutralize(str(exc))))
            self._record([wanted], f"error: {exc}")
            self._sending = False
            return
        self.dismiss(created)

    def _record(self, objects: list[str], outcome: str) -> None:
        carbon_app(self).record_action("create-key", objects=objects, outcome=outcome)

    async def _after_ambiguous_failure(self, client_id: str, exc: NetworkError) -> tuple[Text, str]:
        """What to tell the user after a create with no answer, and the history outcome."""
        client = self.services.session.carbonext if self.services.session else None
        assert client is not None
        reason, key = neutralize(str(exc)), neutralize(client_id)
        try:
            keys = await client.list_all()
        except CarbontuiError:
            return (
                Text.assemble(
                    ("unknown outcome: ", "bold"),
                    f"no answer ({reason}) and the key list could not be read. "
                    "Check the key list before trying again.",
                ),
                "unknown: no answer, and the check failed",
            )
        match = next((k for k in keys if k.client_id == client_id), None)
        if match is None:
            return (
                Text.assemble(
                    ("not created: ", "bold"),
                    f"no answer ({reason}), and the key list has no {key}: "
                    "it is safe to try again.",
                ),
                "not created: no answer",
            )
        return (
            Text.assemble(
                (f"{key} WAS created", "bold"),
                f" (id {neutralize(match.id)}) but the answer, with its secret, "
                "was lost: create another key with a different client id.",
            ),
            f"created as {match.id}, secret lost: no answer",
        )

    @on(Button.Pressed, "#create-cancel")
    def action_cancel(self) -> None:
        """Close without creating."""
        if not self._sending:
            self.dismiss(None)
