"""``carbontui keys matrix`` and ``carbontui keys diff A B``: audits across every key.

Text for people, ``--json`` for scripts, ``--csv`` to attach to a review ticket. Every server
string is neutralised; CSV cells that a spreadsheet would run as a formula are quoted inert.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from carbontui.api.models import ApplicationSummary
from carbontui.api.session import ProfileSession
from carbontui.commands.context import CommandContext, UsageError
from carbontui.commands.output import print_json
from carbontui.sanitize import neutralize
from carbontui.usecases.audit import (
    Comparison,
    MatrixRow,
    PermissionMatrix,
    build_matrix,
    compare,
    is_broad,
)

GRANTED, GRANTED_BROAD, NOT_GRANTED = "x", "W", "."
#: What a spreadsheet reads as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: Subcommand -> (its line in ``keys --help``, the paragraph of its own ``--help``).
TEXTS = {
    "matrix": (
        "every key against every permission (--csv for a spreadsheet)",
        "Keys as rows, permissions as columns grouped by area. In text, "
        f"'{GRANTED}' marks a permission held and '{GRANTED_BROAD}' one that writes or "
        "administers.",
    ),
    "diff": (
        "compare two profiles' keys and their permissions (e.g. hml and prod)",
        "Keys are matched by client id (without cbx_b2b_), then by display name. Lines: '~' a "
        "key whose permissions differ ('-' only in A, '+' only in B), '<' a key only in A, "
        "'>' a key only in B.",
    ),
}


def add_key_audits(keys_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``keys matrix`` and ``keys diff`` under ``keys``."""
    parsers = {
        name: keys_sub.add_parser(name, parents=[common], help=text, description=long)
        for name, (text, long) in TEXTS.items()
    }
    matrix, diff = parsers["matrix"], parsers["diff"]
    matrix.add_argument("--csv", action="store_true", help="CSV: one row per key, 1/0 cells")
    matrix.add_argument("--permission", metavar="NAME", help="only the keys holding it")
    matrix.set_defaults(handler=run_matrix)
    for name in ("profile_a", "profile_b"):
        diff.add_argument(name, metavar=name.upper())
    diff.add_argument("--csv", action="store_true", help="CSV: one row per difference")
    diff.add_argument("--all", action="store_true", help="also list keys that are the same")
    diff.set_defaults(handler=run_diff)


class _Progress:
    """``reading permissions: 120 / 10,000 keys`` on stderr, only at a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label, self.stream = label, stream or sys.stderr
        self.live = self.stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if self.live and total:
            self.stream.write(f"\r{self.label}: {done:,} / {total:,} keys")
            self.stream.flush()
            self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


async def _matrix_for(session: ProfileSession, label: str) -> PermissionMatrix:
    progress = _Progress(label)
    try:
        return await build_matrix(session.require_carbonext(), on_progress=progress)
    finally:
        progress.finish()


async def run_matrix(ctx: CommandContext) -> int:
    """The permission matrix of the selected profile."""
    async with ctx.session() as session:
        matrix = await _matrix_for(session, f"reading the permissions of {ctx.profile.name}")
    rows = list(matrix.rows)
    wanted = ctx.args.permission
    if wanted:
        if wanted not in matrix.columns:
            known = ", ".join(matrix.columns) or "none"
            raise UsageError(f"--permission: no key holds '{wanted}' (held: {known})")
        rows = matrix.holders(wanted)
    if ctx.args.json:
        print_json(matrix_json(matrix, rows))
    elif ctx.args.csv:
        write_matrix_csv(matrix, rows, sys.stdout)
    else:
        print_matrix(matrix, rows, sys.stdout)
    for key in matrix.vanished:
        sys.stderr.write(f"carbontui: key {neutralize(key.client_id)} was deleted while read\n")
    return 0


def _key_json(key: ApplicationSummary) -> dict[str, Any]:
    return {"id": key.id, "clientId": key.client_id, "displayName": key.display_name}


def matrix_json(matrix: PermissionMatrix, rows: Sequence[MatrixRow]) -> dict[str, Any]:
    """``{permissions: [{name, area, broad}], keys: [{id, clientId, displayName,
    permissions}], vanished: [...]}``."""
    areas = {name: area for area, names in matrix.areas().items() for name in names}
    return {
        "permissions": [
            {"name": name, "area": areas[name], "broad": is_broad(name)} for name in matrix.columns
        ],
        "keys": [
            {**_key_json(row.key), "permissions": [c for c in matrix.columns if c in row.granted]}
            for row in rows
        ],
        "vanished": [_key_json(key) for key in matrix.vanished],
    }


def inert(value: str | None) -> str:
    """A CSV cell no spreadsheet runs as a formula, without control characters."""
    text = neutralize(value or "")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_matrix_csv(matrix: PermissionMatrix, rows: Sequence[MatrixRow], out: TextIO) -> None:
    """One row per key: id, client id, name, count, then 1/0 per permission."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "client_id", "display_name", "permissions", *map(inert, matrix.columns)])
    for row in rows:
        writer.writerow(
            [inert(row.key.id), inert(row.key.client_id), inert(row.key.display_name)]
            + [str(len(row.granted))]
            + ["1" if name in row.granted else "0" for name in matrix.columns]
        )


def print_matrix(matrix: PermissionMatrix, rows: Sequence[MatrixRow], out: TextIO) -> None:
    """Two header lines (areas, then each permission's last word) above one line per key."""
    key_width = max([len("KEY"), *(len(neutralize(r.key.client_id)) for r in rows)])
    name_width = min(
        30, max([len("NAME"), *(len(neutralize(r.key.display_name or "")) for r in rows)])
    )
    lead = f"{'':{key_width}}  {'':{name_width}}  {'':5}"
    area_line = [lead]
    verb_line = [f"{'KEY':{key_width}}  {'NAME':{name_width}}  {'PERMS':5}"]
    widths: list[int] = []
    for area, names in matrix.areas().items():
        verbs = [neutralize(_verb(name, area)) for name in names]
        sizes = [max(len(v), 1) for v in verbs]
        label = neutralize(area)
        span = sum(sizes) + len(sizes) - 1
        if len(label) > span:  # the area's name is wider than its columns: widen the last
            sizes[-1] += len(label) - span
            span = len(label)
        area_line.append(f"{label:{span}}")
        verb_line.append(" ".join(f"{v:{w}}" for v, w in zip(verbs, sizes, strict=True)))
        widths.extend(sizes)
    out.write("  ".join(area_line).rstrip() + "\n")
    out.write("  ".join(verb_line).rstrip() + "\n")
    for row in rows:
        cells = [
            (GRANTED_BROAD if is_broad(name) else GRANTED) if name in row.granted else NOT_GRANTED
            for name in matrix.columns
        ]
        marks = _group_cells(cells, widths, matrix.areas())
        name = neutralize(row.key.display_name or "")[:name_width]
        out.write(
            f"{neutralize(row.key.client_id):{key_width}}  {name:{name_width}}  "
            f"{len(row.granted):<5}  {marks}".rstrip()
            + "\n"
        )
    out.write(f"{len(rows)} keys, {len(matrix.columns)} permissions\n")


def _verb(name: str, area: str) -> str:
    return name[len(area) + 1 :] if name.startswith(area + "_") else name


def _group_cells(cells: Sequence[str], widths: Sequence[int], areas: dict[str, list[str]]) -> str:
    groups, index = [], 0
    for names in areas.values():
        part = [f"{cells[index + i]:{widths[index + i]}}" for i in range(len(names))]
        groups.append(" ".join(part))
        index += len(names)
    return "  ".join(groups)


# -- diff -------------------------------------------------------------------------------------


async def run_diff(ctx: CommandContext) -> int:
    """Two profiles' keys matched and compared."""
    names = (ctx.args.profile_a, ctx.args.profile_b)
    if names[0] == names[1]:
        raise UsageError("keys diff: give two different profiles")
    matrices = []
    for name in names:
        profile = ctx.config.profile(name)
        async with ProfileSession(profile, cache=ctx.token_cache()) as session:
            matrices.append(await _matrix_for(session, f"reading the permissions of {name}"))
    result = compare(matrices[0], matrices[1], names)
    if ctx.args.json:
        print_json(comparison_json(result))
    elif ctx.args.csv:
        write_comparison_csv(result, sys.stdout)
    else:
        print_comparison(result, sys.stdout, show_same=ctx.args.all)
    return 0


def comparison_json(result: Comparison) -> dict[str, Any]:
    """The comparison for scripts (every pair, same ones included, with ``same``)."""

    def side(row: MatrixRow) -> dict[str, Any]:
        return {**_key_json(row.key), "permissions": sorted(row.granted)}

    return {
        "profiles": [result.left_name, result.right_name],
        "differences": result.differences,
        "pairs": [
            {
                "matchedBy": pair.matched_by,
                "same": pair.same,
                "a": _key_json(pair.left.key),
                "b": _key_json(pair.right.key),
                "onlyInA": pair.only_left,
                "onlyInB": pair.only_right,
            }
            for pair in result.pairs
        ],
        "onlyInA": [side(row) for row in result.only_left],
        "onlyInB": [side(row) for row in result.only_right],
    }


def write_comparison_csv(result: Comparison, out: TextIO) -> None:
    """One row per difference: what, the key on each side, the permission concerned."""
    writer = csv.writer(out, lineterminator="\n")
    a, b = result.left_name, result.right_name
    writer.writerow(
        ["change", f"{inert(a)}_client_id", f"{inert(b)}_client_id", "display_name", "permission"]
    )
    for pair in result.pairs:
        for permission in pair.only_left:
            writer.writerow(_pair_cells(f"only in {a}", pair.left, pair.right, permission))
        for permission in pair.only_right:
            writer.writerow(_pair_cells(f"only in {b}", pair.left, pair.right, permission))
    for row in result.only_left:
        writer.writerow(
            [
                inert(f"key only in {a}"),
                inert(row.key.client_id),
                "",
                inert(row.key.display_name),
                "",
            ]
        )
    for row in result.only_right:
        writer.writerow(
            [
                inert(f"key only in {b}"),
                "",
                inert(row.key.client_id),
                inert(row.key.display_name),
                "",
            ]
        )


def _pair_cells(change: str, left: MatrixRow, right: MatrixRow, permission: str) -> list[str]:
    return [
        inert(change),
        inert(left.key.client_id),
        inert(right.key.client_id),
        inert(left.key.display_name or right.key.display_name),
        inert(permission),
    ]


def print_comparison(result: Comparison, out: TextIO, *, show_same: bool = False) -> None:
    """A readable diff: a summary line, then one block per difference."""
    a, b = neutralize(result.left_name), neutralize(result.right_name)
    differing = [p for p in result.pairs if not p.same]
    out.write(
        f"{a} ↔ {b}: {len(result.pairs)} keys matched, {len(differing)} with different "
        f"permissions; {len(result.only_left)} only in {a}, {len(result.only_right)} only in {b}\n"
    )
    for pair in result.pairs:
        if pair.same and not show_same:
            continue
        mark = "=" if pair.same else "~"
        out.write(f"\n{mark} {_describe(pair.left.key)}")
        if pair.right.key.client_id != pair.left.key.client_id:
            out.write(f" ↔ {neutralize(pair.right.key.client_id)}")
        out.write(f"  (matched by {pair.matched_by})\n")
        _lines(out, "-", pair.only_left, f"only in {a}")
        _lines(out, "+", pair.only_right, f"only in {b}")
    for mark, rows, where in (("<", result.only_left, a), (">", result.only_right, b)):
        for row in rows:
            count = len(row.granted)
            noun = "permission" if count == 1 else "permissions"
            out.write(f"\n{mark} {_describe(row.key)}  only in {where} ({count} {noun})\n")
    if not result.differences:
        out.write("\nno differences\n")


def _describe(key: ApplicationSummary) -> str:
    name = neutralize(key.display_name or "")
    return f"{neutralize(key.client_id)}" + (f'  "{name}"' if name else "")


def _lines(out: TextIO, mark: str, names: Iterable[str], where: str) -> None:
    for name in names:
        flag = "  (writes)" if is_broad(name) else ""
        out.write(f"    {mark} {neutralize(name):32} {where}{flag}\n")
