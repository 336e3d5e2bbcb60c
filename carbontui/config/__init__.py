"""Profiles and secrets: ``config.toml`` (the user's, read-only) merged with the tool-owned
``credentials.toml``, validated into immutable objects.

A plain library: imports neither Textual nor httpx.
"""

from carbontui.config.credentials import CredentialsStore
from carbontui.config.errors import ConfigError, ConfigNotFound, ProfileExists
from carbontui.config.files import atomic_write_private
from carbontui.config.loader import load_config
from carbontui.config.models import CarbonextSettings, Config, Profile, RegistrySettings
from carbontui.config.paths import (
    credentials_path_for,
    default_config_path,
    resolve_config_path,
    resolve_profile_name,
)
from carbontui.config.secrets import Secret, SecretSource
from carbontui.config.starter import STARTER_CONFIG, write_starter_config

__all__ = [
    "STARTER_CONFIG",
    "CarbonextSettings",
    "Config",
    "ConfigError",
    "ConfigNotFound",
    "CredentialsStore",
    "Profile",
    "ProfileExists",
    "RegistrySettings",
    "Secret",
    "SecretSource",
    "atomic_write_private",
    "credentials_path_for",
    "default_config_path",
    "load_config",
    "resolve_config_path",
    "resolve_profile_name",
    "write_starter_config",
]
