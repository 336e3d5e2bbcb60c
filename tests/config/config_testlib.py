"""Constants and helpers shared by the config tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path

import jsonschema
from cryptography.hazmat.primitives import serialization

from carbontui.config import Config, load_config
from carbontui.config.json_schema import config_schema

INLINE_SECRET = "s3cr3t-inline-value"
ENV_SECRET = "s3cr3t-env-value"
COMMAND_SECRET = "s3cr3t-command-value"
SAVED_SECRET = "s3cr3t-saved-value"
KNOWN_SECRETS = (INLINE_SECRET, ENV_SECRET, COMMAND_SECRET, SAVED_SECRET)

HML_CARBONEXT = f"""\
[profiles.hml.carbonext]
api_url = "https://api-b2b-hml.carbonext.com.br"
token_url = "https://auth-hml.carbonext.com.br/auth/realms/co2free/protocol/openid-connect/token"
client_id = "cbx_b2b_hml"
client_secret = "{INLINE_SECRET}"
"""

WriteFile = Callable[..., Path]


def write_private(path: Path, text: str | bytes, mode: int = 0o600) -> Path:
    """Write ``text`` to ``path`` and set ``mode`` (0600 by default, so no warnings)."""
    if isinstance(text, str):
        text = text.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    os.chmod(path, mode)
    return path


def pem(key: object) -> bytes:
    """Unencrypted PKCS#8 PEM of a private key."""
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_strict(path: Path) -> Config:
    """``load_config``, then raise the first broken profile's error (as selecting it would).

    A config that loads is also checked against the JSON Schema editors are given: whatever
    the loader accepts, the schema must accept too.
    """
    config = load_config(path)
    for name in config.problems:
        config.profile(name)
    jsonschema.validate(tomllib.loads(path.read_text()), config_schema())
    return config
