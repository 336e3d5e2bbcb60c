"""Two profiles' keys compared (e.g. hml and prod): what differs, and keys on one side only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Label, Static

from carbontui.api.session import ProfileSession
from carbontui.config import ConfigError
from carbontui.errors import CarbontuiError
from carbontui.sanitize import neutralize
from carbontui.tui.actions import binding
from carbontui.tui.audit_format import BROAD_MARK, permission_list
from carbontui.tui.formatting import literal
from carbontui.tui.screens.audit_base import AuditScreen
from carbontui.tui.services import Services
from carbontui.tui.widgets.status_line import StatusLine
from carbontui.tui.widgets.virtual_table import Column, VirtualTable
from carbontui.usecases.audit import Comparison, PermissionMatrix, build_matrix, compare

#: ``~`` permissions differ, ``<`` key only in the first profile, ``>`` only in the second.
DIFFERS, ONLY_LEFT, ONLY_RIGHT = "~", "<", ">"


@dataclass(frozen=True)
class Difference:
    """One line of the comparison: a pair that differs, or a key on one side only."""

    mark: str
    key: str
    name: str
    matched_by: str
    only_left: tuple[str, ...]
    only_right: tuple[str, ...]


def differences(result: Comparison) -> list[Difference]:
    """The comparison's lines: differing pairs, then keys only left, then only right."""
    lines: list[Difference] = []
    for pair in result.pairs:
        if pair.same:
            continue
        left, right = pair.left.key.client_id, pair.right.key.client_id
        lines.append(
            Difference(
                DIFFERS,
                left if left == right else f"{left} ↔ {right}",
                pair.left.key.display_name or pair.right.key.display_name or "",
                pair.matched_by,
                tuple(pair.only_left),
                tuple(pair.only_right),
            )
        )
    for mark, rows, where in (
        (ONLY_LEFT, result.only_left, result.left_name),
        (ONLY_RIGHT, result.only_right, result.right_name),
    ):
        for row in rows:
            held = tuple(sorted(row.granted))
            lines.append(
                Difference(
                    mark,
                    row.key.client_id,
                    row.key.display_name or "",
                    f"key only in {where}",
                    held if mark == ONLY_LEFT else (),
                    held if mark == ONLY_RIGHT else (),
                )
            )
    return lines


def summary(result: Comparison) -> str:
    """``hml ↔ prod: 20 keys matched, 1 with different permissions; 1 only in hml, 0 …``."""
    a, b = neutralize(result.left_name), neutralize(result.right_name)
    differing = sum(not pair.same for pair in result.pairs)
    text = (
        f"{a} ↔ {b}: {len(result.pairs)} keys matched, {differing} with different "
        f"permissions; {len(result.only_left)} only in {a}, {len(result.only_right)} only in {b}"
    )
    return text if result.differences else f"{text} — no differences"


class CompareProfilesScreen(AuditScreen):
    """Reads both profiles' matrices (one short-lived session each) and lists the differences."""

    TABLE_ID = "compare-table"
    ERROR_ID = "compare-error"
    ERROR_HEADING = "could not compare  "

    CSS_PATH = Path(__file__).with_name("compare_profiles.tcss")
    AUTO_FOCUS = "#compare-table"

    BINDINGS: ClassVar[list[BindingType]] = [binding("detail.back")]

    def __init__(self, services: Services, left: str, right: str) -> None:
        super().__init__()
        self.services = services
        self.names = (left, right)
        #: The comparison once both matrices are read.
        self.result: Comparison | None = None

    def compose(self) -> ComposeResult:
        a, b = self.names
        yield Label(literal(f"Compare profiles  {a} ↔ {b}"), classes="title")
        yield Static("", id="compare-error")
        yield Label("", id="compare-summary")
        yield VirtualTable(
            [
                Column("", lambda d: d.mark, width=1, min_width=1),
                Column("KEY", lambda d: d.key, min_width=16, max_width=48),
                Column("NAME", lambda d: d.name, min_width=10, max_width=28, priority=1),
                Column("MATCHED BY", lambda d: d.matched_by, min_width=10, priority=2),
                Column(f"ONLY IN {a}", lambda d: permission_list(d.only_left), min_width=12),
                Column(f"ONLY IN {b}", lambda d: permission_list(d.only_right), min_width=12),
            ],
            key=lambda d: f"{d.mark}{d.key}",
            search_text=lambda d: f"{d.key} {d.name} {' '.join(d.only_left + d.only_right)}",
            id_of=lambda d: d.key,
            noun="differences",
            id="compare-table",
        )
        yield Label(
            f"{DIFFERS} permissions differ · {ONLY_LEFT} key only in {neutralize(a)} · "
            f"{ONLY_RIGHT} key only in {neutralize(b)} · ({BROAD_MARK}) writes/administers",
            id="compare-legend",
            classes="muted",
        )
        yield StatusLine()
        yield Label("s sort · esc back", classes="muted")

    @work(exclusive=True, group="compare-profiles")
    async def load(self) -> None:
        """Read both sides in turn, then compare; an error is shown on this screen."""
        matrices: list[PermissionMatrix] = []
        try:
            for name in self.names:
                matrices.append(await self._read(name))
        except (CarbontuiError, ConfigError) as exc:
            self._fail(str(exc))
            return
        finally:
            self.status.progress = ""
        self.show(compare(matrices[0], matrices[1], self.names))

    async def _read(self, name: str) -> PermissionMatrix:
        """One profile's matrix through a session of its own, closed afterwards."""
        services = self.services
        session = ProfileSession(
            services.config.profile(name),
            cache=services.cache,
            clock=services.clock,
            transport=services.transport,
            retry=services.retry,
        )
        label = neutralize(name)

        def progress(done: int, total: int) -> None:
            self.status.progress = f"reading permissions of {label}: {done:,} / {total:,} keys"

        try:
            return await build_matrix(session.require_carbonext(), on_progress=progress)
        finally:
            await session.aclose()

    def show(self, result: Comparison) -> None:
        """Fill the table and the summary."""
        self.result = result
        self.table.set_rows(differences(result))
        self.query_one("#compare-summary", Label).update(literal(summary(result)))
        vanished = len(result.left_vanished) + len(result.right_vanished)
        note = f" · {vanished} keys deleted while read" if vanished else ""
        self.status.summary = f"{self.table.total_count:,} differences{note}"
