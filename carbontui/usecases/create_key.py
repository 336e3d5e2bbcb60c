"""Create a Carbonext API key: validate locally, send exactly once, reconcile an unknown outcome.

The write gate runs before this (the dashboard asks before showing its form, the CLI before
sending); both front ends then call :func:`create_key`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from carbontui.api.carbonext import CarbonextClient, preview_client_id, strip_prefix
from carbontui.api.models import CreatedApplication
from carbontui.errors import ApiError, CarbontuiError, NetworkError
from carbontui.usecases.gate import ActionLog

ACTION = "create-key"
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,62}$")
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def validate(
    client_id: str,
    display_name: str,
    permission_ids: Sequence[str],
    *,
    require_permission: bool = True,
) -> list[str]:
    """Every problem with a create request, in reading order (empty when it may be sent).

    ``require_permission``: the dashboard's form asks for at least one permission; the API
    itself accepts a key without any (the CLI allows that, as it always has).
    """
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
    if require_permission and not permission_ids:
        problems.append("choose at least one permission")
    bad = [p for p in permission_ids if not UUID_PATTERN.match(p)]
    if bad:
        problems.append(f"not a permission id (UUID expected): {', '.join(bad)}")
    return problems


class InvalidKeyRequestError(CarbontuiError):
    """The request failed local validation; nothing was sent. ``problems`` lists every one."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid key: " + "; ".join(self.problems))


@dataclass(frozen=True)
class Created:
    """The key exists; ``key.client_secret`` is shown this once."""

    key: CreatedApplication


class Reconciled(StrEnum):
    """What listing the keys said after a create that got no answer."""

    NOT_CREATED = "not created"
    CREATED_SECRET_LOST = "created, secret lost"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Unanswered:
    """The create got no usable answer; the key list was read to find out what happened."""

    client_id: str
    error: NetworkError
    result: Reconciled
    #: The key's id when it was created after all.
    key_id: str | None = None
    #: Why the key list could not be read (``result`` is ``UNKNOWN``).
    check_error: ApiError | None = None

    @property
    def history_outcome(self) -> str:
        """The line the action history keeps."""
        if self.result is Reconciled.NOT_CREATED:
            return "not created: no answer"
        if self.result is Reconciled.CREATED_SECRET_LOST:
            return f"created as {self.key_id}, secret lost: no answer"
        return "unknown: no answer, and the check failed"


async def create_key(
    client: CarbonextClient,
    client_id: str,
    display_name: str,
    permission_ids: Sequence[str],
    *,
    log: ActionLog,
    require_permission: bool = True,
) -> Created | Unanswered:
    """Validate (``InvalidKeyRequestError``, nothing sent), send once, reconcile by listing.

    An answered failure (``ApiError``) is recorded and raised. Never retried.
    """
    problems = validate(
        client_id, display_name, permission_ids, require_permission=require_permission
    )
    if problems:
        raise InvalidKeyRequestError(problems)
    wanted = preview_client_id(client_id)
    try:
        created = await client.create(client_id, display_name.strip(), list(permission_ids))
    except NetworkError as exc:
        outcome = await reconcile(client, wanted, exc)
        log.record(ACTION, [wanted], outcome.history_outcome)
        return outcome
    except CarbontuiError as exc:
        log.record(ACTION, [wanted], f"error: {exc}")
        raise
    log.record(ACTION, [created.id, created.client_id], "ok")
    return Created(created)


async def reconcile(client: CarbonextClient, client_id: str, error: NetworkError) -> Unanswered:
    """Whether an unanswered create of ``client_id`` happened, by listing the keys."""
    try:
        keys = await client.list_all()
    except ApiError as lookup:
        return Unanswered(client_id, error, Reconciled.UNKNOWN, check_error=lookup)
    match = next((k for k in keys if k.client_id == client_id), None)
    if match is None:
        return Unanswered(client_id, error, Reconciled.NOT_CREATED)
    return Unanswered(client_id, error, Reconciled.CREATED_SECRET_LOST, key_id=match.id)
