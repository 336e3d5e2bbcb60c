"""Rotate a Carbonext API key by duplicating it: the platform has no delete or rotate call.

The documented applications API (``../shared/seeds/carbonext-applications.*``) offers create,
list and fetch only: no delete, no disable, no change of a key's permissions. So a rotation is
a new key with the same permissions; the old one stays valid until the platform removes it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from carbontui.api.carbonext import preview_client_id, strip_prefix
from carbontui.api.models import Application, Permission
from carbontui.usecases.create_key import CLIENT_ID_PATTERN

#: What retiring the old key means, true to the documented API (no delete endpoint).
RETIRE_STEPS = (
    "Switch every integration from {old} to the new key, then delete {old}'s secret wherever "
    "it is kept (saved profiles, secret stores, CI).",
    "The API cannot delete {old} or change its permissions (it has no such endpoint): it stays "
    "valid until Carbonext deletes it, so ask Carbonext support to.",
    "Tokens already issued to {old} work until they expire.",
)
_ROTATED = re.compile(r"\s*\(rotated \d{4}-\d{2}-\d{2}\)$")
_NUMBERED = re.compile(r"^(.*)-(\d+)$")
MAX_SUFFIX = 99


@dataclass(frozen=True)
class KeyDraft:
    """A create form filled in for a rotation (every field stays editable)."""

    #: The key being rotated (its client id); the new key gets the same permissions.
    replaces: str
    permissions: tuple[Permission, ...]
    client_id: str
    display_name: str


def rotated_name(display_name: str | None, client_id: str, when: float) -> str:
    """``"<name> (rotated 2026-12-01)"``; an earlier rotation mark is replaced, not stacked."""
    base = _ROTATED.sub("", display_name or "").strip() or strip_prefix(client_id)
    day = datetime.fromtimestamp(when, UTC).date().isoformat()
    return f"{base} (rotated {day})"


def suggest_client_id(client_id: str, taken: Collection[str]) -> str:
    """The bare client id ``<id>-2`` (or the next free ``-N``) that no key in ``taken`` has.

    ``taken`` holds full client ids (``cbx_b2b_…``). Empty when none up to ``-99`` is free.
    """
    bare = strip_prefix(client_id)
    numbered = _NUMBERED.match(bare)
    stem, first = (numbered.group(1), int(numbered.group(2)) + 1) if numbered else (bare, 2)
    taken_set = set(taken)
    for n in range(first, MAX_SUFFIX + 1):
        suffix = f"-{n}"
        candidate = stem[: 63 - len(suffix)] + suffix
        if CLIENT_ID_PATTERN.match(candidate) and preview_client_id(candidate) not in taken_set:
            return candidate
    return ""


def plan_rotation(original: Application, taken: Collection[str], now: float) -> KeyDraft:
    """The new key's draft: same permissions, a rotation name, a free client id suggested."""
    return KeyDraft(
        replaces=original.client_id,
        client_id=suggest_client_id(original.client_id, taken),
        display_name=rotated_name(original.display_name, original.client_id, now),
        permissions=original.permissions,
    )


def retire_steps(old_client_id: str) -> list[str]:
    """How to retire ``old_client_id`` once the new key is in use."""
    return [step.format(old=old_client_id) for step in RETIRE_STEPS]
