"""The one write gate and the one action log, as both front ends use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbontui.config import Config
from carbontui.errors import ReadOnlyError
from carbontui.history import ActionHistory
from carbontui.usecases.gate import ActionLog, NotConfirmedError, WriteGate


class Asker:
    """A front end's ``confirm``: records each question and gives a fixed answer."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str | None]] = []

    async def __call__(self, question: str, type_to_confirm: str | None) -> bool:
        self.asked.append((question, type_to_confirm))
        return self.answer


async def test_read_only_refuses_without_asking() -> None:
    asker = Asker(True)
    for gate in (WriteGate("p", True, False), WriteGate("p", True, True)):
        refused = r"^mint a token refused: profile 'p' is read-only$"
        with pytest.raises(ReadOnlyError, match=refused):
            await gate.confirmed("mint a token", "Mint?", asker, always_ask=True)
    assert asker.asked == []


async def test_prod_asks_for_the_typed_profile_name() -> None:
    gate = WriteGate("live", read_only=False, is_prod=True)
    yes, no = Asker(True), Asker(False)
    assert await gate.confirmed("revoke", "Revoke it?", yes) is True
    assert yes.asked == [("Revoke it?", "live")]
    assert await gate.confirmed("revoke", "Revoke it?", no) is False
    with pytest.raises(NotConfirmedError, match="revoke on profile 'live' was not confirmed"):
        await gate.require("revoke", "Revoke it?", no)


async def test_non_prod_passes_and_asks_plainly_only_when_told() -> None:
    gate = WriteGate("hml", read_only=False, is_prod=False)
    asker = Asker(False)
    assert await gate.confirmed("mint", "Mint?", asker) is True
    assert asker.asked == []
    assert await gate.confirmed("revoke", "Revoke?", asker, always_ask=True) is False
    assert asker.asked == [("Revoke?", None)]


def test_the_gate_of_a_profile(config: Config) -> None:
    prod, hml = config.profile("sandbox-prod"), config.profile("sandbox-hml")
    assert WriteGate.for_profile(prod) == WriteGate("sandbox-prod", False, True)
    assert WriteGate.for_profile(hml, read_only=True) == WriteGate("sandbox-hml", True, False)


def test_action_log_appends_and_reports_a_write_failure(tmp_path: Path) -> None:
    history = ActionHistory(tmp_path / "h" / "history.jsonl")
    ActionLog(history, "p").record("mint-installation-token", ["i-1"], "ok")
    entry = history.entries()[-1]
    assert (entry.profile, entry.action, entry.objects, entry.outcome) == (
        "p",
        "mint-installation-token",
        ("i-1",),
        "ok",
    )
    (tmp_path / "blocked").write_text("a file, not a directory")
    errors: list[OSError] = []
    broken = ActionLog(ActionHistory(tmp_path / "blocked" / "h.jsonl"), "p", on_error=errors.append)
    broken.record("create-key", ["x"], "ok")  # never raises
    assert len(errors) == 1
