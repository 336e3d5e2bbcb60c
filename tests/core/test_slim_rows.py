"""The dashboard's slim list rows: read in one step from the bytes, typed, capped, and shared.

``RegistryClient.list_rows`` (the Installations tab) and ``CarbonextClient.list_all`` (the Keys
tab) decode each page straight into typed Structs; a wrong-typed field is the same ``ApiError``
(endpoint, field, message) the full models give, and a body past the cap is refused.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest
from core_testlib import GET_INSTALLATION, LIST_INSTALLATIONS, Sandbox
from test_core_trust_boundary import MIB, Endless

from carbontui import decoding
from carbontui.api.models import InstallationRow
from carbontui.errors import ApiError, CarbontuiError, ResponseTooLargeError
from carbontui.sandbox.faults import Fault
from carbontui.transport import MAX_API_BODY

ENDPOINT = "GET /app/installations"


class PlainParse:
    """Once armed, fails the test if a page goes through plain dicts (``parse_json`` and then
    ``convert``) instead of being decoded straight into its model."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._patch = monkeypatch
        self.called: list[str] = []

    def arm(self) -> None:
        for owner, name in ((decoding, "parse_json"), (decoding, "convert"), (msgspec, "convert")):
            self._patch.setattr(owner, name, self._refuse(name))

    def _refuse(self, name: str) -> Any:
        def fake(*args: Any, **kwargs: Any) -> Any:
            self.called.append(name)
            raise AssertionError(f"{name} used on a good page")

        return fake


@pytest.fixture
def plain_parse(monkeypatch: pytest.MonkeyPatch) -> PlainParse:
    return PlainParse(monkeypatch)


def page_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "pagination": {"total": len(rows), "currentPage": 1, "pageCount": 1, "nextPage": None},
        "installations": rows,
    }


def good_row(**organization: Any) -> dict[str, Any]:
    org = {"id": "o1", "fullName": "Acme", "countryCode": "BR", "type": "buyer", **organization}
    return {"id": "i1", "organization": org, "appNameId": "app", "permissions": {}}


async def test_rows_are_read_in_one_step_and_match_the_full_list(
    sandbox: Sandbox, plain_parse: PlainParse
) -> None:
    async with sandbox.session() as session:
        registry = session.registry
        assert registry is not None
        plain_parse.arm()  # the app JWT is signed here: no token answer to read
        rows = await registry.list_rows(limit=5)
        full = await registry.list_all(limit=5)  # the CLI's read: whole, and also one step
    assert plain_parse.called == []
    assert all(type(row) is InstallationRow for row in rows)
    assert [
        (r.id, r.organization.full_name, r.organization.country_code, r.organization.type)
        for r in rows
    ] == [
        (i.id, i.organization.full_name, i.organization.country_code, i.organization.type)
        for i in full
    ]
    assert [r.app_name_id for r in rows] == [i.app_name_id for i in full]
    assert len(rows) == len(sandbox.state.registry_apps["67890"].installations)


async def test_low_cardinality_columns_are_one_string_each(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        assert session.registry is not None
        rows = await session.registry.list_rows()
    by_value: dict[str, set[int]] = {}
    for row in rows:
        for value in (row.organization.country_code, row.organization.type, row.app_name_id):
            assert value is not None
            by_value.setdefault(value, set()).add(id(value))
    assert len(rows) > len(by_value)  # some values repeat ...
    assert all(len(ids) == 1 for ids in by_value.values())  # ... and are shared, not copied


async def test_keys_are_read_in_one_step(sandbox: Sandbox, plain_parse: PlainParse) -> None:
    async with sandbox.session() as session:
        assert session.carbonext is not None
        await session.carbonext.token()  # the token answer is read apart (auth.carbonext)
        plain_parse.arm()
        keys = await session.carbonext.list_all(page_size=10)
    assert plain_parse.called == []
    assert {k.id for k in keys} == {a.id for a in sandbox.state.applications}


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (good_row(countryCode=76), "$.installations[0].organization.countryCode", "`int`"),
        (good_row(fullName=["x"]), "$.installations[0].organization.fullName", "`array`"),
        ({**good_row(), "id": None}, "$.installations[0].id", "`null`"),
        ({**good_row(), "organization": "Acme"}, "$.installations[0].organization", "`str`"),
        ({"organization": good_row()["organization"]}, "$.installations[0].id", "missing"),
    ],
)
async def test_a_wrong_typed_field_is_one_clear_api_error(
    sandbox: Sandbox, row: dict[str, Any], field: str, reason: str
) -> None:
    sandbox.state.faults.add([Fault("shape", route=LIST_INSTALLATIONS, body=page_of([row]))])
    try:
        async with sandbox.session() as session:
            assert session.registry is not None
            with pytest.raises(ApiError) as rows_error:
                await session.registry.list_rows()
            with pytest.raises(ApiError) as full_error:
                await session.registry.list_all()
    finally:
        sandbox.state.faults.clear()
    err = rows_error.value
    assert type(err) is ApiError
    assert (err.endpoint, err.field) == (ENDPOINT, field)
    assert str(err).startswith(f"{ENDPOINT}: unexpected response shape at `{field}`: ")
    assert reason in str(err)
    # The same error the full model gives for the same answer.
    assert str(err) == str(full_error.value)


async def test_a_page_that_is_no_page_is_refused(sandbox: Sandbox) -> None:
    sandbox.state.faults.add([Fault("shape", route=LIST_INSTALLATIONS, body={"message": "hi"})])
    try:
        async with sandbox.session() as session:
            assert session.registry is not None
            with pytest.raises(ApiError) as caught:
                await session.registry.list_rows()
    finally:
        sandbox.state.faults.clear()
    assert caught.value.field == "$.installations"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Wrong-typed first, then cut off: still named as broken JSON, never quoted.
        (b'{"installations": [{"id": 5, "organization": {"fullName": "sec', "malformed JSON"),
        (b"<html>502 Bad Gateway</html>", "not JSON"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
async def test_bodies_that_are_not_json_keep_their_errors(
    sandbox: Sandbox, body: bytes, message: str
) -> None:
    reply = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    error = await list_rows_error(sandbox, reply)
    assert type(error) is ApiError
    assert message in str(error) and '"sec' not in str(error)


async def test_a_page_past_the_body_cap_is_refused(sandbox: Sandbox) -> None:
    endless = Endless()
    error = await list_rows_error(sandbox, httpx.Response(200, content=endless))
    assert isinstance(error, ResponseTooLargeError)
    assert endless.served <= MAX_API_BODY // MIB + 2


async def list_rows_error(sandbox: Sandbox, reply: httpx.Response) -> CarbontuiError:
    """What ``list_rows`` raises when every request gets ``reply``."""
    transport = httpx.MockTransport(lambda request: reply)
    async with sandbox.session(transport=transport) as session:
        assert session.registry is not None
        with pytest.raises(CarbontuiError) as caught:
            await session.registry.list_rows()
    return caught.value


async def test_the_detail_is_the_whole_installation(sandbox: Sandbox) -> None:
    async with sandbox.session() as session:
        assert session.registry is not None
        row = (await session.registry.list_rows())[0]
        sandbox.reset_stats()
        item = await session.registry.installation(row.id)
    assert sandbox.stats() == {GET_INSTALLATION: 1}
    assert item.id == row.id and item.organization.full_name == row.organization.full_name
    assert item.organization.city and item.permissions and item.access_tokens_url
