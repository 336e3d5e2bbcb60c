"""Where the config lives and which profile is selected (flag, then environment, then default)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "carbontui"
CONFIG_ENV = "CARBONTUI_CONFIG"
PROFILE_ENV = "CARBONTUI_PROFILE"
CONFIG_FILENAME = "config.toml"
CREDENTIALS_FILENAME = "credentials.toml"


def default_config_path() -> Path:
    """``config.toml`` in the platform's user config directory."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILENAME


def resolve_config_path(cli_value: str | None, env: Mapping[str, str] = os.environ) -> Path:
    """``--config``, else ``$CARBONTUI_CONFIG``, else the platform default.

    A directory means ``config.toml`` inside it.
    """
    raw = cli_value or env.get(CONFIG_ENV)
    if not raw:
        return default_config_path()
    path = Path(raw).expanduser()
    return path / CONFIG_FILENAME if path.is_dir() else path


def resolve_profile_name(cli_value: str | None, env: Mapping[str, str] = os.environ) -> str | None:
    """``--profile``, else ``$CARBONTUI_PROFILE``, else ``None`` (use ``default_profile``)."""
    return cli_value or env.get(PROFILE_ENV) or None


def credentials_path_for(config_path: Path) -> Path:
    """The tool-owned ``credentials.toml`` beside ``config_path``."""
    return Path(config_path).parent / CREDENTIALS_FILENAME
