"""Every fault kind on every endpoint family, through ProfileSession and the typed clients.

Asserts: only ``ApiError`` escapes, the route sees the right number of attempts (from
``/_sandbox/stats``), Retry-After is honoured, and the call works again once the fault is gone.
"""

from __future__ import annotations

import pytest
from faults_testlib import (
    ATTEMPTS,
    FAMILIES,
    KINDS,
    RETRY_AFTER,
    Family,
    NoSleep,
    Sandbox,
    expected,
)

from carbontui.errors import ApiError, NetworkError


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
@pytest.mark.parametrize("kind", list(KINDS))
async def test_fault_matrix(box: Sandbox, kind: str, family: Family) -> None:
    want = expected(kind, family)
    sleep = NoSleep()
    async with box.session(family.profile, sleep) as session:
        if family.warm is not None:
            await family.warm(session)
        box.reset_stats()
        apps_before = len(box.state.applications)
        box.add_fault(route=family.route, **KINDS[kind])
        error: ApiError | None = None
        try:
            await family.call(session)
        except ApiError as exc:  # anything else is a crash and fails the test
            error = exc
        attempts = box.requests(family.route)
        assert (attempts, error is None) == (want.attempts, want.ok), error
        if kind == "429" and family.idempotent:
            assert sleep.delays == [RETRY_AFTER] * (ATTEMPTS - 1)
        if kind in ("hang", "drop") and error is not None:
            assert isinstance(error, NetworkError)
            assert error.timeout is (kind == "hang")
        if error is not None:
            assert family.route.split()[0] in str(error) or "/" in error.endpoint
        if family.name == "keys-create":
            # Every fault here answers before the route acts: nothing may have been created.
            assert len(box.state.applications) == apps_before + (1 if want.ok else 0)

        box.clear_faults()
        await family.call(session)  # recovers on the same session, caches and all
