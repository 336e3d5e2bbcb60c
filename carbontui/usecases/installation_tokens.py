"""Mint and revoke an installation token, through the write gate and into the history."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from carbontui.api.registry import RegistryClient
from carbontui.auth.registry import RevokeStatus
from carbontui.auth.token import Token
from carbontui.errors import CarbontuiError
from carbontui.usecases.gate import GatedWrites

MINT = "mint-installation-token"
REVOKE = "revoke-installation-token"

#: What revoke can do, for every refusal: said once, the same in both front ends.
REVOKE_SCOPE = (
    "revoke invalidates one installation token that you name: one given explicitly "
    "(--token-stdin) or one this tool minted and still holds. It cannot find or revoke "
    "tokens minted elsewhere, and it never mints a token just to revoke it"
)


class NothingToRevokeError(CarbontuiError):
    """No token was named and none is held for the installation: nothing was sent."""

    def __init__(self, installation_id: str) -> None:
        self.installation_id = installation_id
        super().__init__(f"installation {installation_id}: no token to revoke. {REVOKE_SCOPE}.")


@dataclass(frozen=True)
class Minted:
    """A usable token for the installation, held in the cache."""

    installation_id: str
    token: Token
    #: False when a token already held was handed out and nothing was sent.
    new: bool = True


class RevokeOutcome(StrEnum):
    """How a revoke ended (a ``NothingToRevokeError`` is raised before anything is sent)."""

    REVOKED = "revoked"
    #: The server answered 401: the token was already expired or revoked.
    ALREADY_INVALID = "already invalid"
    #: The server answered, but not with the confirmation the doc promises.
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class Revoked:
    """The result of a revoke that was sent."""

    installation_id: str
    outcome: RevokeOutcome

    @property
    def token_is_dead(self) -> bool:
        """Whether the token can no longer be used (revoked now or already invalid)."""
        return self.outcome is not RevokeOutcome.UNCONFIRMED


async def mint(
    registry: RegistryClient,
    installation_id: str,
    writes: GatedWrites,
    *,
    question: str | None = None,
    purpose: str | None = None,
    reuse: bool = False,
) -> Minted:
    """Gate, then mint a fresh token (the cache keeps it). Raises ``NotConfirmedError``,
    ``ReadOnlyError`` or the API error (recorded). ``purpose`` goes into the history line.

    With ``reuse``, a fresh token another process minted while this one waited for the
    shared cache's lock is handed out instead (``new=False``, no history line).
    """
    await writes.require(
        "mint an installation token",
        question or f"Mint an installation token for {installation_id}?",
    )
    try:
        if reuse:
            token, new = await registry.obtain_installation_token(installation_id)
        else:
            token, new = await registry.installation_token(installation_id, force=True), True
    except CarbontuiError as exc:
        writes.log.record(MINT, [installation_id], f"error: {exc}")
        raise
    if new:
        writes.log.record(MINT, [installation_id], f"ok ({purpose})" if purpose else "ok")
    return Minted(installation_id, token, new=new)


async def obtain(
    registry: RegistryClient,
    installation_id: str,
    writes: GatedWrites,
    *,
    force: bool = False,
    purpose: str | None = None,
) -> Minted:
    """A usable token for the installation: the one held (by this or, with the shared cache,
    another carbontui process) while it is fresh; otherwise a new one through :func:`mint`.

    Handing out a held token is a read (no gate, no history line); only a mint is a write.
    Without ``force``, processes racing on a cold entry mint once between them.
    """
    held = held_token(registry, installation_id)
    if not force and held is not None and registry.is_fresh(held):
        return Minted(installation_id, held, new=False)
    return await mint(registry, installation_id, writes, purpose=purpose, reuse=not force)


def held_token(registry: RegistryClient, installation_id: str) -> Token | None:
    """The token carbontui minted for the installation and still holds (in this process or,
    with the shared cache, another), if any."""
    return registry.held_installation_token(installation_id)


async def revoke(
    registry: RegistryClient,
    installation_id: str,
    writes: GatedWrites,
    *,
    token: str | None = None,
    question: str | None = None,
    always_ask: bool = False,
) -> Revoked:
    """Revoke ``token``, else the token held for the installation; never mints one.

    Order: read-only refuses; with no token to revoke, ``NothingToRevokeError`` (before any
    question); then the confirmation; then exactly one ``DELETE`` (never retried).
    """
    action = "revoke an installation token"
    writes.gate.check_writable(action)
    if token is None and held_token(registry, installation_id) is None:
        raise NothingToRevokeError(installation_id)
    await writes.require(
        action,
        question or f"Revoke the token of installation {installation_id}?",
        always_ask=always_ask,
    )
    try:
        status = await registry.revoke_status(installation_id, token=token)
    except CarbontuiError as exc:
        writes.log.record(REVOKE, [installation_id], f"error: {exc}")
        raise
    if status is RevokeStatus.NO_TOKEN:  # dropped from the cache meanwhile
        raise NothingToRevokeError(installation_id)
    outcome = {
        RevokeStatus.REVOKED: RevokeOutcome.REVOKED,
        RevokeStatus.ALREADY_INVALID: RevokeOutcome.ALREADY_INVALID,
        RevokeStatus.UNCONFIRMED: RevokeOutcome.UNCONFIRMED,
    }[status]
    recorded = "ok" if outcome is RevokeOutcome.REVOKED else outcome.value
    writes.log.record(REVOKE, [installation_id], recorded)
    return Revoked(installation_id, outcome)
