"""Small tool-owned preferences, kept in the user state dir: the theme.

One global theme for every profile; a profile may pin its own. Choosing a theme changes the
pinned one on a profile that has it, else the global one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from carbontui.config import atomic_write_private


def default_preferences_path() -> Path:
    """``preferences.json`` in the user state dir (``CARBONTUI_STATE_DIR`` overrides)."""
    base = os.environ.get("CARBONTUI_STATE_DIR") or platformdirs.user_state_dir("carbontui")
    return Path(base) / "preferences.json"


class Preferences:
    """A global theme and per-profile pins; a missing or unreadable file means neither."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_preferences_path()
        self.theme: str | None = None
        self.pinned: dict[str, str] = {}
        self._read()

    def _read(self) -> None:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        if isinstance(data.get("theme"), str):
            self.theme = data["theme"]
        pinned = data.get("pinned_themes")
        if isinstance(pinned, dict):
            self.pinned = {str(k): str(v) for k, v in pinned.items()}
        old = data.get("themes")  # before 2026-12: a theme remembered for each profile
        if self.theme is None and isinstance(old, dict) and len(set(map(str, old.values()))) == 1:
            self.theme = str(next(iter(old.values())))

    def theme_for(self, profile: str) -> str | None:
        """The profile's pinned theme, else the global one."""
        return self.pinned.get(profile, self.theme)

    def remember_theme(self, profile: str, theme: str) -> None:
        """A theme chosen while on ``profile``: its pin if it has one, else the global theme."""
        if profile in self.pinned:
            if self.pinned[profile] != theme:
                self.pinned[profile] = theme
                self._write()
        elif self.theme != theme:
            self.theme = theme
            self._write()

    def pin_theme(self, profile: str, theme: str | None) -> None:
        """Pin ``theme`` to ``profile``, or with ``None`` let it follow the global theme."""
        if theme is None:
            if self.pinned.pop(profile, None) is not None:
                self._write()
        elif self.pinned.get(profile) != theme:
            self.pinned[profile] = theme
            self._write()

    def _write(self) -> None:
        data = {"theme": self.theme, "pinned_themes": self.pinned}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_private(self.path, json.dumps(data, indent=2) + "\n")
