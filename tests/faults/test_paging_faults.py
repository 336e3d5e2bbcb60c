"""A fault on a later page of a multi-page list: one ApiError, never a partial list."""

from __future__ import annotations

from typing import Any

import pytest
from faults_testlib import KINDS, NoSleep, Sandbox

from carbontui.errors import ApiError


@pytest.mark.parametrize("service", ["carbonext", "registry"])
@pytest.mark.parametrize("kind", ["503", "drop", "shape"])
async def test_fault_after_the_first_page(box: Sandbox, service: str, kind: str) -> None:
    route = "GET /v1/customers/applications" if service == "carbonext" else "GET /app/installations"
    calls = 0

    def first_page_arrived(loaded: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            box.add_fault(route=route, **KINDS[kind])

    async with box.session("sandbox-hml", NoSleep()) as session:
        client: Any = session.carbonext if service == "carbonext" else session.registry
        with pytest.raises(ApiError):
            if service == "carbonext":
                await client.list_all(page_size=5, on_progress=first_page_arrived)
            else:
                await client.list_all(limit=2, on_progress=first_page_arrived)
        box.clear_faults()
        assert (
            len(
                await client.list_all(page_size=5)
                if service == "carbonext"
                else await client.list_all(limit=2)
            )
            > 5
        )
