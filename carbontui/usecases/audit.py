"""Audits across keys: the permission matrix of a profile, and two profiles compared.

Both front ends use this: the CLI prints or exports it, the dashboard draws it. Nothing here
formats for a terminal; names from the server are kept as sent (front ends neutralise them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from carbontui.api.carbonext import CarbonextClient, strip_prefix
from carbontui.api.models import Application, ApplicationSummary, Permission
from carbontui.api.paging import gather_pages
from carbontui.errors import ApiError

#: Reports (keys read, keys in all) while the matrix is being built.
Progress = Callable[[int, int], object]

#: Name parts that make a permission one to look at twice in a review.
WRITE_MARKERS = ("write", "admin", "delete", "manage")


def permission_name(permission: Permission) -> str:
    """A permission's name, or its id when the server sent no name."""
    return permission.name or permission.id


def area_of(name: str) -> str:
    """The area a permission belongs to: ``orders_write`` -> ``orders``."""
    head, sep, _ = name.rpartition("_")
    return head if sep and head else name


def is_broad(name: str) -> bool:
    """Whether a permission writes or administers (shown with a marker as well as colour)."""
    lowered = name.lower()
    return any(marker in lowered.replace("-", "_").split("_") for marker in WRITE_MARKERS)


@dataclass(frozen=True)
class MatrixRow:
    """One key and the names of the permissions it holds."""

    key: ApplicationSummary
    granted: frozenset[str]

    @property
    def broad(self) -> int:
        """How many of its permissions write or administer."""
        return sum(1 for name in self.granted if is_broad(name))


@dataclass(frozen=True)
class PermissionMatrix:
    """Keys as rows, permissions as columns (grouped by area, then by name)."""

    rows: tuple[MatrixRow, ...]
    columns: tuple[str, ...]
    #: Keys listed but gone by the time their permissions were read.
    vanished: tuple[ApplicationSummary, ...] = ()

    def holders(self, permission: str) -> list[MatrixRow]:
        """The keys that hold ``permission``."""
        return [row for row in self.rows if permission in row.granted]

    def areas(self) -> dict[str, list[str]]:
        """Columns grouped by area, in column order."""
        grouped: dict[str, list[str]] = {}
        for name in self.columns:
            grouped.setdefault(area_of(name), []).append(name)
        return grouped


def order_columns(names: Iterable[str]) -> tuple[str, ...]:
    """Permission names grouped by area, areas and names alphabetical."""
    return tuple(sorted(set(names), key=lambda name: (area_of(name), name)))


def matrix_of(
    keys: Sequence[Application | None], listed: Sequence[ApplicationSummary]
) -> PermissionMatrix:
    """A matrix from each listed key's details (``None`` where the key had vanished)."""
    rows: list[MatrixRow] = []
    vanished: list[ApplicationSummary] = []
    for summary, detail in zip(listed, keys, strict=True):
        if detail is None:
            vanished.append(summary)
            continue
        granted = frozenset(permission_name(p) for p in detail.permissions)
        rows.append(MatrixRow(summary, granted))
    columns = order_columns(name for row in rows for name in row.granted)
    return PermissionMatrix(tuple(rows), columns, tuple(vanished))


async def build_matrix(
    client: CarbonextClient, *, on_progress: Progress | None = None
) -> PermissionMatrix:
    """Every key with its permissions: the list, then each key's details, bounded in
    concurrency as paging is. A key deleted between the two reads is reported, not fatal;
    any other failure ends the build (a partial matrix shown as whole would mislead)."""
    listed = await client.list_all()
    total = len(listed)
    done = 0
    if on_progress is not None:
        on_progress(0, total)

    async def detail(index: int) -> Application | None:
        try:
            return await client.get(listed[index].id)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def counted(_: int, __: Application | None) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    details = await gather_pages(
        detail, range(total), concurrency=client.concurrency, on_page=counted
    )
    return matrix_of(details, listed)


# -- comparing two profiles ---------------------------------------------------------------------

MatchedBy = Literal["client id", "display name"]


@dataclass(frozen=True)
class KeyPair:
    """The same key in two environments, and how their permissions differ."""

    left: MatrixRow
    right: MatrixRow
    matched_by: MatchedBy

    @property
    def only_left(self) -> list[str]:
        """Permissions only the left key holds."""
        return list(order_columns(self.left.granted - self.right.granted))

    @property
    def only_right(self) -> list[str]:
        """Permissions only the right key holds."""
        return list(order_columns(self.right.granted - self.left.granted))

    @property
    def same(self) -> bool:
        """Whether both hold exactly the same permissions."""
        return self.left.granted == self.right.granted


@dataclass(frozen=True)
class Comparison:
    """Two profiles' keys matched up."""

    left_name: str
    right_name: str
    pairs: tuple[KeyPair, ...]
    only_left: tuple[MatrixRow, ...]
    only_right: tuple[MatrixRow, ...]
    left_vanished: tuple[ApplicationSummary, ...] = field(default=())
    right_vanished: tuple[ApplicationSummary, ...] = field(default=())

    @property
    def differences(self) -> int:
        """Pairs that differ plus keys on one side only."""
        return sum(not p.same for p in self.pairs) + len(self.only_left) + len(self.only_right)


def client_stem(client_id: str) -> str:
    """A client id without the platform's ``cbx_b2b_`` prefix, lower-cased."""
    return strip_prefix(client_id).lower()


def compare(left: PermissionMatrix, right: PermissionMatrix, names: tuple[str, str]) -> Comparison:
    """Match keys by client id (without the prefix), then the rest by display name."""
    pairs: list[KeyPair] = []
    rest_left = list(left.rows)
    rest_right = list(right.rows)
    rules: tuple[tuple[MatchedBy, Callable[[MatrixRow], str | None]], ...] = (
        ("client id", lambda row: client_stem(row.key.client_id)),
        ("display name", lambda row: (row.key.display_name or "").strip().lower() or None),
    )
    for matched_by, identity in rules:
        index: dict[str | None, MatrixRow] = {}
        for row in rest_right:
            index.setdefault(identity(row), row)
        unmatched: list[MatrixRow] = []
        for row in rest_left:
            other = index.pop(identity(row), None) if identity(row) is not None else None
            if other is None:
                unmatched.append(row)
            else:
                pairs.append(KeyPair(row, other, matched_by))
                rest_right.remove(other)
        rest_left = unmatched
    pairs.sort(key=lambda p: client_stem(p.left.key.client_id))
    return Comparison(
        names[0],
        names[1],
        tuple(pairs),
        tuple(sorted(rest_left, key=lambda r: client_stem(r.key.client_id))),
        tuple(sorted(rest_right, key=lambda r: client_stem(r.key.client_id))),
        left.vanished,
        right.vanished,
    )
