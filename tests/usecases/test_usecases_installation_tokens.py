"""Mint and revoke through the gate: typed outcomes, history, and what revoke will not do."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import Config
from carbontui.errors import ReadOnlyError
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxServer
from carbontui.usecases import installation_tokens
from carbontui.usecases.gate import ActionLog, GatedWrites, NotConfirmedError, WriteGate
from carbontui.usecases.installation_tokens import NothingToRevokeError, RevokeOutcome

HML = WriteGate("sandbox-hml", read_only=False, is_prod=False)


async def yes(question: str, type_to_confirm: str | None) -> bool:
    return True


async def no(question: str, type_to_confirm: str | None) -> bool:
    return False


def first_installation(server: SandboxServer) -> str:
    inst_id: str = server.state.registry_apps["67890"].installations.page(0, 1)[0].id
    return inst_id


@pytest.fixture
def log(tmp_path: Path) -> ActionLog:
    return ActionLog(ActionHistory(tmp_path / "history.jsonl"), "sandbox-hml")


def outcomes(log: ActionLog) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in log.history.entries()]


async def test_mint_then_revoke_the_held_token(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    inst = first_installation(server)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        registry = session.registry
        assert registry is not None
        minted = await installation_tokens.mint(registry, inst, GatedWrites(HML, no, log))
        assert minted.installation_id == inst
        assert registry.cached_installation_token(inst) is minted.token
        result = await installation_tokens.revoke(registry, inst, GatedWrites(HML, no, log))
        assert result == installation_tokens.Revoked(inst, RevokeOutcome.REVOKED)
        assert registry.cached_installation_token(inst) is None
    assert server.state.registry_tokens[minted.token.value].is_active is False
    assert outcomes(log) == [
        ("mint-installation-token", "ok"),
        ("revoke-installation-token", "ok"),
    ]


async def test_revoke_with_nothing_named_or_held_refuses_before_asking(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    inst = first_installation(server)
    asked: list[str] = []

    async def confirm(question: str, type_to_confirm: str | None) -> bool:
        asked.append(question)
        return True

    prod = WriteGate("sandbox-hml", read_only=False, is_prod=True)
    before = dict(server.state.registry_tokens)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        assert session.registry is not None
        with pytest.raises(NothingToRevokeError) as caught:
            await installation_tokens.revoke(
                session.registry, inst, GatedWrites(prod, confirm, log)
            )
    assert "it never mints a token just to revoke it" in str(caught.value)
    assert "--token-stdin" in str(caught.value)
    assert asked == [] and outcomes(log) == []
    assert server.state.registry_tokens == before  # nothing minted


async def test_a_token_that_is_already_invalid_is_not_reported_revoked(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    inst = first_installation(server)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        registry = session.registry
        assert registry is not None
        token = (await installation_tokens.mint(registry, inst, GatedWrites(HML, no, log))).token
        first = await installation_tokens.revoke(
            registry, inst, GatedWrites(HML, no, log), token=token.value
        )
        again = await installation_tokens.revoke(
            registry, inst, GatedWrites(HML, no, log), token=token.value
        )
    assert first.outcome is RevokeOutcome.REVOKED
    assert again.outcome is RevokeOutcome.ALREADY_INVALID and again.token_is_dead
    assert outcomes(log)[-1] == ("revoke-installation-token", "already invalid")


async def test_the_gate_comes_first(server: SandboxServer, config: Config, log: ActionLog) -> None:
    inst = first_installation(server)
    read_only = WriteGate("sandbox-hml", read_only=True, is_prod=False)
    prod = WriteGate("sandbox-prod", read_only=False, is_prod=True)
    before = dict(server.state.registry_tokens)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        registry = session.registry
        assert registry is not None
        with pytest.raises(ReadOnlyError):
            await installation_tokens.mint(registry, inst, GatedWrites(read_only, yes, log))
        with pytest.raises(ReadOnlyError):
            await installation_tokens.revoke(
                registry, inst, GatedWrites(read_only, yes, log), token="crs_x"
            )
        with pytest.raises(NotConfirmedError):
            await installation_tokens.mint(registry, inst, GatedWrites(prod, no, log))
    assert server.state.registry_tokens == before
    assert outcomes(log) == []


async def test_obtain_hands_out_a_held_token_and_gates_only_a_mint(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    inst = first_installation(server)
    read_only = GatedWrites(WriteGate("sandbox-hml", read_only=True, is_prod=False), yes, log)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        registry = session.registry
        assert registry is not None
        with pytest.raises(ReadOnlyError):  # nothing held: obtaining one is a mint
            await installation_tokens.obtain(registry, inst, read_only)
        first = await installation_tokens.obtain(registry, inst, GatedWrites(HML, no, log))
        before = dict(server.state.registry_tokens)
        held = await installation_tokens.obtain(registry, inst, read_only)
        assert (first.new, held.new) == (True, False)
        assert held.token is first.token
        assert server.state.registry_tokens == before  # handing out a held token sends nothing
        forced = await installation_tokens.obtain(
            registry, inst, GatedWrites(HML, no, log), force=True
        )
        assert forced.new and forced.token.value != first.token.value
    assert outcomes(log) == [("mint-installation-token", "ok")] * 2
