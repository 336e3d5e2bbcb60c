"""Create a key once for both front ends: validate locally, send once, reconcile by listing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import Config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxServer
from carbontui.usecases.create_key import (
    Created,
    InvalidKeyRequestError,
    Reconciled,
    Unanswered,
    create_key,
    validate,
)
from carbontui.usecases.gate import ActionLog
from carbontui.usecases.keys import find_key

CREATE = "POST /v1/customers/applications"


@pytest.fixture
def log(tmp_path: Path) -> ActionLog:
    return ActionLog(ActionHistory(tmp_path / "history.jsonl"), "sandbox-hml")


def test_validate_lists_every_problem() -> None:
    assert validate("bad id!", " ", ["nope", "45bbe1bc-4d5a-4991-baac-42fa95d35824"]) == [
        "client id: 2-63 letters, digits, '_', '-' or '.', starting with a letter or digit",
        "display name is required",
        "not a permission id (UUID expected): nope",
    ]
    assert validate("", "Name", []) == [
        "client id is required",
        "choose at least one permission",
    ]
    assert validate("cbx_b2b_ok_id", "Name", [], require_permission=False) == []


async def test_invalid_requests_are_never_sent(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    before = server.state.stats.requests.get(CREATE, 0)
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        assert session.carbonext is not None
        with pytest.raises(InvalidKeyRequestError) as caught:
            await create_key(session.carbonext, "bad id!", "", ["nope"], log=log)
    assert len(caught.value.problems) == 3
    assert server.state.stats.requests.get(CREATE, 0) == before
    assert log.history.entries() == []


async def test_create_once_and_record(
    server: SandboxServer, config: Config, log: ActionLog
) -> None:
    permission = server.state.catalog[0].id
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        assert session.carbonext is not None
        result = await create_key(session.carbonext, "uc_created", " UC ", [permission], log=log)
        assert isinstance(result, Created)
        assert result.key.client_id == "cbx_b2b_uc_created"
        # ... and it can be found again by its client id, with or without the prefix.
        for name in ("cbx_b2b_uc_created", "uc_created", result.key.id):
            assert (await find_key(session.carbonext, name)).id == result.key.id
    entry = log.history.entries()[-1]
    assert (entry.action, entry.objects, entry.outcome) == (
        "create-key",
        (result.key.id, "cbx_b2b_uc_created"),
        "ok",
    )


def timing_out(*, sent: bool) -> httpx.AsyncBaseTransport:
    """Forwards to the sandbox, but the create gets no answer (after or before it arrived)."""

    async def handler(request: httpx.Request) -> httpx.Response:
        is_create = request.method == "POST" and request.url.path == "/v1/customers/applications"
        if is_create and not sent:
            raise httpx.ConnectTimeout("timed out", request=request)
        async with httpx.AsyncClient() as real:
            response = await real.send(request)
            await response.aread()
        if is_create:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("sent", [True, False])
async def test_an_unanswered_create_is_reconciled_by_listing(
    server: SandboxServer, config: Config, log: ActionLog, sent: bool
) -> None:
    client_id = f"uc_lost_{'sent' if sent else 'unsent'}"
    profile = config.profile("sandbox-hml")
    async with ProfileSession(profile, cache=TokenCache(), transport=timing_out(sent=sent)) as s:
        assert s.carbonext is not None
        result = await create_key(
            s.carbonext, client_id, "Lost", [], log=log, require_permission=False
        )
    assert isinstance(result, Unanswered)
    existing = server.state.applications_by_client_id.get(f"cbx_b2b_{client_id}")
    if sent:
        assert existing is not None
        assert (result.result, result.key_id) == (Reconciled.CREATED_SECRET_LOST, existing.id)
        assert (
            log.history.entries()[-1].outcome == f"created as {existing.id}, secret lost: no answer"
        )
    else:
        assert existing is None
        assert result.result is Reconciled.NOT_CREATED
        assert log.history.entries()[-1].outcome == "not created: no answer"
