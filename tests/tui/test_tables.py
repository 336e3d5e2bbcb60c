"""The tables at 120×40, 80×24 and 60×15 with 25 and 20 000 rows: fit, scroll, sort, copy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from tui_testlib import FROZEN_AT, SIZE, loaded_keys, screen_text, wait_until

from carbontui.api.models import ApplicationSummary
from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, write_config
from carbontui.tui.app import CarbonApp
from carbontui.tui.screens.key_detail import KeyDetailScreen
from carbontui.tui.views.installations import InstallationsView
from carbontui.tui.views.keys import KeysView
from carbontui.tui.views.table_view import TableView
from carbontui.tui.widgets.virtual_table import Column, VirtualTable

MakeApp = Callable[..., CarbonApp]
SIZES = [(120, 40), (80, 24), (60, 15)]
BIG = 20_000


@pytest.fixture(scope="module")
def big_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeApp]:
    """Dashboards on one sandbox holding 20 000 keys and 20 000 installations."""
    clock = ManualClock(FROZEN_AT)
    options = SandboxOptions(seed=0, now=clock, apps=BIG, installations=BIG)
    with SandboxServer(options) as sandbox:
        tmp = tmp_path_factory.mktemp("big")
        config = write_config(tmp / "cfg", sandbox.url, sandbox.app)

        def build() -> CarbonApp:
            history = ActionHistory(tmp / "history.jsonl", clock=clock)
            return CarbonApp(load_config(config), clock=clock, history=history)

        yield build


def cursor_line(table: VirtualTable[Any]) -> int:
    """The table line (1 = first under the header) the cursor row is drawn on."""
    return table.cursor - int(table.scroll_y) + 1


def cursor_is_visible(table: VirtualTable[Any]) -> bool:
    """The cursor row is inside the viewport, not under a scrollbar or below it."""
    return 1 <= cursor_line(table) < table.scrollable_content_region.height


async def open_tab(
    app: CarbonApp, pilot: Pilot[Any], key: str, view_type: type[TableView]
) -> TableView:
    await loaded_keys(app, pilot)
    await pilot.press(key)
    view = app.query_one(view_type)
    await wait_until(pilot, lambda: view.table.total_count > 0 and not view._polling(), limit=60)
    view.table.focus()
    await pilot.pause()
    return view


def column(table: VirtualTable[Any], get: Callable[[Any], Any]) -> list[Any]:
    """One value per row, in the order the table shows them."""
    return [get(table.row_at(i)) for i in range(table.row_count)]


def key_text(row: Any) -> str:
    """What the Keys table shows of a key at every width (its client id, without prefix)."""
    return str(row.client_id).removeprefix("cbx_b2b_")[:24]


def installation_text(row: Any) -> str:
    return str(row.organization.full_name)[:14]


CASES = [("1", KeysView, key_text), ("3", InstallationsView, installation_text)]


async def check_end_shows_the_last_row(
    app: CarbonApp, pilot: Pilot[Any], key: str, view_type: type, shown: Callable[[Any], str]
) -> None:
    view = await open_tab(app, pilot, key, view_type)
    table = view.table
    await pilot.press("G")
    await wait_until(pilot, lambda: table.cursor == table.row_count - 1)
    await pilot.pause()
    row = table.current_row
    assert cursor_is_visible(table), (cursor_line(table), table.scrollable_content_region)
    lines = screen_text(app).splitlines()
    table_top = table.region.y
    assert shown(row) in lines[table_top + cursor_line(table)]
    assert f"row {table.row_count:,} of {table.row_count:,}" in view.status.summary
    await pilot.press("g")
    await wait_until(pilot, lambda: table.cursor == 0 and table.scroll_y == 0)
    await pilot.press("pagedown", "pagedown")
    assert cursor_is_visible(table)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", CASES, ids=["keys", "installations"])
async def test_end_shows_the_last_row_25(
    make_app: MakeApp, size: tuple[int, int], case: tuple[str, type, Callable[[Any], str]]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await check_end_shows_the_last_row(app, pilot, *case)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", CASES, ids=["keys", "installations"])
async def test_end_shows_the_last_row_20000(
    big_app: MakeApp, size: tuple[int, int], case: tuple[str, type, Callable[[Any], str]]
) -> None:
    app = big_app()
    async with app.run_test(size=size) as pilot:
        await check_end_shows_the_last_row(app, pilot, *case)
        if size[0] >= 80:
            assert not app.query_one(case[1]).table.show_horizontal_scrollbar


async def test_enter_after_end_opens_the_row_on_screen(big_app: MakeApp) -> None:
    app = big_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, "1", KeysView)
        await pilot.press("end")
        await pilot.pause()
        row = view.table.current_row
        assert row is not None and key_text(row) in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyDetailScreen))


@pytest.mark.parametrize("size", SIZES[:2], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", CASES, ids=["keys", "installations"])
async def test_no_horizontal_scrollbar(
    make_app: MakeApp, size: tuple[int, int], case: tuple[str, type, Any]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        view = await open_tab(app, pilot, case[0], case[1])
        assert view.table.virtual_size.width <= view.table.scrollable_content_region.width
        assert not view.table.show_horizontal_scrollbar


async def test_narrow_keys_drop_the_prefix_and_the_raw_id(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_tab(app, pilot, "1", KeysView)
        header = screen_text(app).splitlines()[view.table.region.y]
        assert "CLIENT ID (cbx_b2b_…)" in header and "DISPLAY NAME" in header
        assert " ID " not in header.replace("CLIENT ID", "")
        assert "sandbox_hml " in screen_text(app)  # whole, without its prefix


async def test_narrow_installations_keep_the_token_and_drop_app_name(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_tab(app, pilot, "3", InstallationsView)
        header = screen_text(app).splitlines()[view.table.region.y]
        assert "ORGANIZATION" in header and "TOKEN" in header
        assert "APP NAME" not in header and "INSTALLATION ID" not in header
        assert "no token" in screen_text(app)


async def test_wide_installations_show_whole_names_and_ids(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, "3", InstallationsView)
        text = screen_text(app)
        header = text.splitlines()[view.table.region.y]
        assert "INSTALLATION ID" in header and "TOKEN" in header
        assert "APP NAME" not in header  # one value on every row: the app's own name
        for row in view.table.rows:
            assert row.organization.full_name in text and row.id in text


async def test_sort_cycles_reverses_keeps_the_cursor_row_and_survives_polls(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, "1", KeysView)
        table = view.table
        await pilot.press("down", "down", "down")
        chosen = table.current_row
        header = lambda: screen_text(app).splitlines()[table.region.y]  # noqa: E731

        await pilot.press("s")
        assert table.sort_state == ("CLIENT ID", False) and "▲" in header()
        shown = column(table, lambda k: k.client_id)
        assert shown == sorted(shown, key=str.casefold)
        assert table.current_row is chosen

        await pilot.press("S")
        assert table.sort_state == ("CLIENT ID", True) and "▼" in header()
        shown = column(table, lambda k: k.client_id)
        assert shown == sorted(shown, key=str.casefold, reverse=True)
        assert table.current_row is chosen
        assert cursor_is_visible(table)

        view.last_success = None
        view.action_reload()
        await wait_until(pilot, lambda: view.last_success is not None and not view._polling())
        assert table.sort_state == ("CLIENT ID", True)
        again = column(table, lambda k: k.client_id)
        assert again == shown
        assert chosen is not None and table.current_row is not None
        assert table.current_row.id == chosen.id

        await pilot.press("s")
        assert table.sort_state is not None and table.sort_state[0] == "DISPLAY NAME"
        names = column(table, lambda k: k.display_name or "")
        assert names == sorted(names, key=str.casefold)


async def test_clicking_a_header_sorts_by_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, "3", InstallationsView)
        table = view.table
        header = screen_text(app).splitlines()[table.region.y]
        x = header.index("COUNTRY")
        await pilot.click(table, offset=(x + 1, 0))
        assert table.sort_state == ("COUNTRY", False)
        await pilot.click(table, offset=(x + 1, 0))
        assert table.sort_state == ("COUNTRY", True)
        codes = column(table, lambda i: i.organization.country_code)
        assert codes == sorted(codes, reverse=True)


async def test_filter_matching_nothing_says_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, "1", KeysView)
        await pilot.press("slash", *"quota")
        await wait_until(pilot, lambda: view.table.row_count == 0)
        await pilot.pause()
        text = screen_text(app)
        assert "no keys match 'quota'" in text
        assert "0 of 25 keys match 'quota'" in view.status.summary
        await pilot.press("escape")
        await wait_until(pilot, lambda: view.table.row_count == 25)
        assert "no keys match" not in screen_text(app)


async def test_status_shows_the_cursor_row(big_app: MakeApp) -> None:
    app = big_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(app, pilot, "1", KeysView)
        await pilot.press("G", "up", "up", "up", "up", "up", "up", "up")
        await wait_until(pilot, lambda: "row 19,993 of 20,000" in screen_text(app))


@pytest.mark.parametrize("case", CASES, ids=["keys", "installations"])
async def test_y_copies_the_row_id(make_app: MakeApp, case: tuple[str, type, Any]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_tab(app, pilot, case[0], case[1])
        await pilot.press("down", "y")
        row = view.table.current_row
        assert row is not None and app.clipboard == row.id
        assert "y Copy id" in screen_text(app)  # said in the footer


class SortApp(App[None]):
    """A bare table of 100 000 generated keys (no server: sorting is what is tested)."""

    def compose(self) -> ComposeResult:
        yield VirtualTable(
            [
                Column("CLIENT ID", lambda k: k.client_id),
                Column("DISPLAY NAME", lambda k: k.display_name or ""),
            ],
            key=lambda k: k.id,
            search_text=lambda k: k.client_id,
        )


async def test_sorting_100k_rows_keeps_the_cursor_row() -> None:
    rows = [
        ApplicationSummary(
            id=f"id-{n}", client_id=f"cbx_b2b_{(n * 7919) % 100_000:05d}", display_name=f"k{n % 7}"
        )
        for n in range(100_000)
    ]
    app = SortApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows)
        table.cursor = 50_000
        chosen = table.current_row
        await pilot.press("s")
        assert table.current_row is chosen and cursor_is_visible(table)
        assert column(table, lambda k: k.client_id) == sorted(r.client_id for r in rows)
        await pilot.press("s")  # DISPLAY NAME: equal keys keep the order they came in
        ids = column(table, lambda k: (k.display_name, int(k.id[3:])))
        assert ids == sorted(ids)
        assert table.current_row is chosen
