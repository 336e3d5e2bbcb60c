"""Small tool-owned preferences (the theme chosen per profile), kept in the user state dir."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from carbontui.config import atomic_write_private


def default_preferences_path() -> Path:
    """``preferences.json`` in the user state dir (``CARBONTUI_STATE_DIR`` overrides)."""
    base = os.environ.get("CARBONTUI_STATE_DIR") or platformdirs.user_state_dir("carbontui")
    return Path(base) / "preferences.json"


class Preferences:
    """Per-profile theme names; a missing or unreadable file just means no preferences."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_preferences_path()
        self._themes: dict[str, str] = self._read()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        themes = data.get("themes") if isinstance(data, dict) else None
        if not isinstance(themes, dict):
            return {}
        return {str(k): str(v) for k, v in themes.items()}

    def theme_for(self, profile: str) -> str | None:
        """The theme last chosen on this profile."""
        return self._themes.get(profile)

    def remember_theme(self, profile: str, theme: str) -> None:
        """Store the theme for the profile (no write when unchanged)."""
        if self._themes.get(profile) == theme:
            return
        self._themes[profile] = theme
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_private(self.path, json.dumps({"themes": self._themes}, indent=2) + "\n")
