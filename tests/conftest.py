"""Suite-wide isolation: no test reads the user's config or writes the user's state dir."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("CARBONTUI_STATE_DIR", str(state))
    monkeypatch.delenv("CARBONTUI_CONFIG", raising=False)
    monkeypatch.delenv("CARBONTUI_PROFILE", raising=False)
    return state
