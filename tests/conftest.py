"""Suite-wide isolation: no test reads the user's config or writes the user's state or cache
dir, and no test inherits process-wide state (registered secrets, parsed keys, TLS contexts)
from another.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from carbontui import redaction
from carbontui.api import session
from carbontui.config import keys


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("CARBONTUI_STATE_DIR", str(state))
    monkeypatch.setenv("CARBONTUI_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CARBONTUI_CONFIG", raising=False)
    monkeypatch.delenv("CARBONTUI_PROFILE", raising=False)
    return state


@pytest.fixture(autouse=True)
def _reset_process_state() -> Iterator[None]:
    """After each test: forget every registered secret, parsed key and TLS context.

    Without it the secret registry grows over the whole run and every ``redact`` gets slower
    (the leak test ran 25x slower in the suite than alone). A test that needs a secret
    registered registers it in its own function-scoped setup.
    """
    yield
    redaction.forget_all_secrets()
    keys._parsed.clear()
    session.forget_tls_contexts()
