"""list_all over many pages, with bounded concurrency, for both platforms."""

from __future__ import annotations

import httpx
import pytest
from core_testlib import KEYCLOAK_TOKEN, LIST_INSTALLATIONS, LIST_KEYS, Sandbox, SandboxFactory


class CountingTransport(httpx.AsyncHTTPTransport):
    """Real HTTP, remembering the most requests it ever had in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.active = self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            return await super().handle_async_request(request)
        finally:
            self.active -= 1


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    from core_testlib import start_sandbox

    server, box = start_sandbox(tmp_path_factory.mktemp("big"), apps=1000, installations=1000)
    yield box
    box.close()
    server.stop()


async def test_carbonext_list_all_returns_every_key_once(big: Sandbox) -> None:
    big.reset_stats()
    transport = CountingTransport()
    progress: list[tuple[int, int]] = []
    async with big.session(transport=transport) as session:
        client = session.carbonext
        assert client is not None
        client.concurrency = 3
        keys = await client.list_all(page_size=100, on_progress=lambda *p: progress.append(p))
    ids = [k.id for k in keys]
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert set(ids) == {a.id for a in big.state.applications}
    assert big.stats() == {KEYCLOAK_TOKEN: 1, LIST_KEYS: 10}
    assert transport.peak <= 3
    assert progress[-1] == (1000, 1000) and len(progress) == 10


async def test_registry_list_all_returns_every_installation_once(big: Sandbox) -> None:
    big.reset_stats()
    transport = CountingTransport()
    progress: list[tuple[int, int]] = []
    async with big.session(transport=transport) as session:
        registry = session.registry
        assert registry is not None
        registry.concurrency = 4
        items = await registry.list_all(limit=100, on_progress=lambda *p: progress.append(p))
    expected = [i.id for i in big.state.registry_apps["67890"].installations.page(0, 1000)]
    ids = [i.id for i in items]
    assert len(ids) == 1000 and set(ids) == set(expected)
    # The sandbox reads page=0 as page 1 (1-based), so the probe asks 0 and 1, then 2..10.
    assert big.stats() == {LIST_INSTALLATIONS: 11}
    assert transport.peak <= 4
    assert progress[-1] == (1000, 1000)


async def test_registry_probe_also_handles_a_zero_based_server(sandbox: Sandbox) -> None:
    rows = [f"inst-{n:02d}" for n in range(25)]
    asked: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page, limit = int(request.url.params["page"]), int(request.url.params["limit"])
        asked.append(page)
        chunk = rows[page * limit : (page + 1) * limit]
        return httpx.Response(
            200,
            json={
                "pagination": {"total": 25, "currentPage": page, "pageCount": 3},
                "installations": [{"id": r, "organization": {"id": f"org-{r}"}} for r in chunk],
            },
        )

    async with sandbox.session(transport=httpx.MockTransport(handler)) as session:
        assert session.registry is not None
        items = await session.registry.list_all(limit=10)
    assert [i.id for i in items] == rows
    assert sorted(asked) == [0, 1, 2]


async def test_small_lists_need_one_request(make_sandbox: SandboxFactory) -> None:
    box = make_sandbox(apps=7, installations=3)
    async with box.session() as session:
        assert session.carbonext is not None and session.registry is not None
        keys = await session.carbonext.list_all()
        installations = await session.registry.list_all()
    assert len(keys) == 7 and len(installations) == 3
    assert box.stats() == {KEYCLOAK_TOKEN: 1, LIST_KEYS: 1, LIST_INSTALLATIONS: 1}
