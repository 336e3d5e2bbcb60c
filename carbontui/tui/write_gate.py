"""The dashboard's side of ``usecases.gate``: its confirmation modal and its action history.

One ``DashboardWrites`` per app (``carbon_app(node).writes``): views and screens get the open
profile's write gate, the question the gate asks (a modal; the typed profile name on prod) and
the action log from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from carbontui.errors import ReadOnlyError
from carbontui.history import ActionHistory
from carbontui.tui.services import Services
from carbontui.usecases.gate import ActionLog, GatedWrites, NotConfirmedError, WriteGate

if TYPE_CHECKING:
    from textual.app import App

    from carbontui.api.registry import RegistryClient
    from carbontui.usecases import installation_tokens


class DashboardWrites:
    """The write gate, its confirmation modal and the action history of one dashboard."""

    def __init__(self, app: App[None], services: Services, history: ActionHistory) -> None:
        self._app = app
        self._services = services
        self.history = history

    async def confirm_write(self, question: str, action: str, *, always_ask: bool = False) -> bool:
        """The write gate with this app's ConfirmScreen as its question.

        Refuses when read-only; typed confirmation on prod. Must be awaited from a worker (it
        waits for a modal answer).
        """
        try:
            return await self.write_gate().confirmed(
                action, question, self.ask_confirmation, always_ask=always_ask
            )
        except ReadOnlyError:
            self.refuse_read_only(action)
            return False

    def refuse_read_only(self, action: str) -> None:
        """Say that the gate refused ``action`` because the profile is read-only."""
        profile = self._services.profile
        self._app.notify(f"profile {profile.name} is read-only: cannot {action}", severity="error")

    def write_gate(self) -> WriteGate:
        """The write gate of the open profile (``--read-only`` included)."""
        profile = self._services.profile
        return WriteGate(profile.name, self._services.read_only, profile.is_prod)

    async def ask_confirmation(self, question: str, type_to_confirm: str | None) -> bool:
        """The gate's ``confirm``: a modal; on prod the profile name must be typed."""
        from carbontui.tui.screens.confirm import ConfirmScreen

        if type_to_confirm:
            screen = ConfirmScreen(
                question, confirm_label="Confirm", type_to_confirm=type_to_confirm
            )
        else:
            screen = ConfirmScreen(question)
        answer: bool | None = await self._app.push_screen_wait(screen)
        return bool(answer)

    def action_log(self) -> ActionLog:
        """The open profile's action history; a failure to write is reported, not fatal."""
        session = self._services.session
        profile = session.profile.name if session else "-"

        def failed(exc: OSError) -> None:
            self._app.notify(f"could not write the action history: {exc}", severity="warning")

        return ActionLog(self.history, profile, on_error=failed)

    def gated(self) -> GatedWrites:
        """What a gated use case takes from the dashboard: gate, modal, history."""
        return GatedWrites(self.write_gate(), self.ask_confirmation, self.action_log())

    def record_action(self, action: str, *, objects: Sequence[str], outcome: str) -> None:
        """Append to the local history (through ``usecases.gate.ActionLog``)."""
        self.action_log().record(action, objects, outcome)

    async def mint(
        self,
        registry: RegistryClient,
        installation_id: str,
        *,
        question: str,
        purpose: str | None = None,
    ) -> installation_tokens.Minted | None:
        """Mint through the use case with this dashboard's gate, modal and history.

        ``None`` when the profile is read-only (the user is told) or the user said no; any
        other failure is raised for the caller to show where it belongs.
        """
        from carbontui.usecases import installation_tokens

        try:
            return await installation_tokens.mint(
                registry, installation_id, self.gated(), question=question, purpose=purpose
            )
        except ReadOnlyError:
            self.refuse_read_only("mint a token")
        except NotConfirmedError:
            pass
        return None

    async def revoke(
        self, registry: RegistryClient, installation_id: str, *, question: str
    ) -> installation_tokens.Revoked | None:
        """Revoke the held token through the use case (always asks first).

        ``None`` when refused (read-only, or no token held: the user is told) or declined;
        any other failure is raised for the caller to show.
        """
        from carbontui.usecases import installation_tokens

        try:
            return await installation_tokens.revoke(
                registry, installation_id, self.gated(), question=question, always_ask=True
            )
        except ReadOnlyError:
            self.refuse_read_only("revoke a token")
        except installation_tokens.NothingToRevokeError:
            self._app.notify(
                "this installation has no token to revoke; mint one with t", severity="warning"
            )
        except NotConfirmedError:
            pass
        return None
