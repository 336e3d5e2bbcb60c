"""The one write gate (read-only refuses, prod needs confirmation) and the action history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from carbontui.config import Profile
from carbontui.errors import CarbontuiError, ReadOnlyError
from carbontui.history import ActionHistory

#: Asks the person at the front end: ``confirm(question, type_to_confirm)``. With a
#: ``type_to_confirm`` word (the prod profile's name) the answer must be that word typed.
Confirm = Callable[[str, str | None], Awaitable[bool]]


class NotConfirmedError(CarbontuiError):
    """A write that needed confirmation was not confirmed; nothing was sent."""


@dataclass(frozen=True)
class WriteGate:
    """Whether a create, mint or revoke may go ahead on one profile."""

    profile: str
    read_only: bool
    is_prod: bool

    @classmethod
    def for_profile(cls, profile: Profile, *, read_only: bool = False) -> WriteGate:
        """The gate of ``profile``; ``read_only`` adds a front end's own switch (--read-only)."""
        return cls(profile.name, read_only or profile.read_only, profile.is_prod)

    def check_writable(self, action: str) -> None:
        """Raise ``ReadOnlyError`` when the profile is read-only."""
        if self.read_only:
            raise ReadOnlyError(f"{action} refused: profile '{self.profile}' is read-only")

    async def confirmed(
        self, action: str, question: str, confirm: Confirm, *, always_ask: bool = False
    ) -> bool:
        """Refuse when read-only; on prod ask for the typed profile name; else pass.

        ``always_ask`` asks a plain yes/no outside prod too (a revoke in the dashboard).
        """
        self.check_writable(action)
        if self.is_prod:
            return await confirm(question, self.profile)
        if always_ask:
            return await confirm(question, None)
        return True

    async def require(
        self, action: str, question: str, confirm: Confirm, *, always_ask: bool = False
    ) -> None:
        """As :meth:`confirmed`, raising ``NotConfirmedError`` when the answer is no."""
        if not await self.confirmed(action, question, confirm, always_ask=always_ask):
            raise NotConfirmedError(f"{action} on profile '{self.profile}' was not confirmed")


def _ignore(_: OSError) -> None:
    return None


@dataclass(frozen=True)
class ActionLog:
    """The one way both front ends append to the action history of one profile."""

    history: ActionHistory
    profile: str
    #: Told when the history cannot be written (a warning line, a toast); never fatal.
    on_error: Callable[[OSError], None] = _ignore

    def record(self, action: str, objects: Sequence[str], outcome: str) -> None:
        """Append one entry: ids and outcomes only, never secret values."""
        try:
            self.history.record(self.profile, action, objects, outcome)
        except OSError as exc:
            self.on_error(exc)


class GatedWrites(NamedTuple):
    """What a write use case takes from its front end: the gate, how to ask, where to record."""

    gate: WriteGate
    confirm: Confirm
    log: ActionLog

    async def require(self, action: str, question: str, *, always_ask: bool = False) -> None:
        """The gate's :meth:`WriteGate.require`, asked through this front end."""
        await self.gate.require(action, question, self.confirm, always_ask=always_ask)
