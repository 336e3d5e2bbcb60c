"""Append-only local history of actions (JSON lines): what was done, never with secrets."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from carbontui.clock import Clock, system_clock


def default_history_path() -> Path:
    """``history.jsonl`` in the user state dir (``CARBONTUI_STATE_DIR`` overrides)."""
    base = os.environ.get("CARBONTUI_STATE_DIR") or platformdirs.user_state_dir("carbontui")
    return Path(base) / "history.jsonl"


@dataclass(frozen=True)
class HistoryEntry:
    """One action: when, on which profile, what, on which objects, and how it ended."""

    time: str
    profile: str
    action: str
    objects: tuple[str, ...]
    outcome: str


class ActionHistory:
    """Appends entries to a JSON-lines file created with mode 0600."""

    def __init__(self, path: Path | None = None, clock: Clock = system_clock) -> None:
        self.path = path or default_history_path()
        self._clock = clock

    def record(
        self, profile: str, action: str, objects: Sequence[str], outcome: str
    ) -> HistoryEntry:
        """Append one entry; callers pass ids and outcomes only, never secret values."""
        stamp = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="seconds")
        entry = HistoryEntry(stamp.replace("+00:00", "Z"), profile, action, tuple(objects), outcome)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(entry)) + "\n")
        return entry

    def entries(self, limit: int | None = None) -> list[HistoryEntry]:
        """The newest ``limit`` entries, oldest first; unreadable lines are skipped."""
        items = list(self._read())
        return items[-limit:] if limit else items

    def _read(self) -> Iterator[HistoryEntry]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        for line in lines:
            try:
                raw = json.loads(line)
                yield HistoryEntry(
                    str(raw["time"]),
                    str(raw["profile"]),
                    str(raw["action"]),
                    tuple(str(o) for o in raw.get("objects", ())),
                    str(raw["outcome"]),
                )
            except (ValueError, KeyError, TypeError):
                continue
