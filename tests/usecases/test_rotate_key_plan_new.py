"""Planning a key rotation: name, suggested client id, retire steps."""

from __future__ import annotations

from datetime import UTC, datetime

from carbontui.api.models import Application, Permission
from carbontui.usecases.rotate_key import (
    plan_rotation,
    retire_steps,
    rotated_name,
    suggest_client_id,
)

DAY = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()


def test_rotated_name_marks_the_day_once() -> None:
    assert (
        rotated_name("Billing sync", "cbx_b2b_billing", DAY) == "Billing sync (rotated 2026-12-01)"
    )
    again = rotated_name("Billing sync (rotated 2025-01-02)", "cbx_b2b_billing", DAY)
    assert again == "Billing sync (rotated 2026-12-01)"
    assert rotated_name(None, "cbx_b2b_billing", DAY) == "billing (rotated 2026-12-01)"


def test_suggested_client_id_is_free() -> None:
    assert suggest_client_id("cbx_b2b_billing", []) == "billing-2"
    assert suggest_client_id("cbx_b2b_billing", ["cbx_b2b_billing-2"]) == "billing-3"
    assert suggest_client_id("cbx_b2b_billing-2", []) == "billing-3"
    long = "a" * 63
    assert len(suggest_client_id(f"cbx_b2b_{long}", [])) == 63
    taken = [f"cbx_b2b_x-{n}" for n in range(2, 100)]
    assert suggest_client_id("cbx_b2b_x", taken) == ""


def test_plan_keeps_the_permissions() -> None:
    permission = Permission(id="45bbe1bc-4d5a-4991-baac-42fa95d35824", name="financial_read")
    original = Application("id-1", "cbx_b2b_billing", "Billing", (permission,))
    draft = plan_rotation(original, ["cbx_b2b_billing"], DAY)
    assert draft.permissions == (permission,)
    assert (draft.client_id, draft.replaces) == ("billing-2", "cbx_b2b_billing")
    assert draft.display_name == "Billing (rotated 2026-12-01)"


def test_retire_steps_say_what_the_api_cannot_do() -> None:
    text = " ".join(retire_steps("cbx_b2b_billing"))
    assert "cbx_b2b_billing" in text and "cannot delete" in text and "ask Carbonext" in text
