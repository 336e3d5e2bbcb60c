"""Fixtures for the config tests: config files on disk and generated private keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_testlib import WriteFile, pem, write_private
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


@pytest.fixture
def write_config(tmp_path: Path) -> WriteFile:
    """``write_config(text, name="config.toml", mode=0o600) -> Path`` inside ``tmp_path``."""

    def write(text: str, name: str = "config.toml", mode: int = 0o600) -> Path:
        return write_private(tmp_path / name, text, mode)

    return write


@pytest.fixture(scope="session")
def rsa_pem() -> bytes:
    return pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="session")
def ec_pem() -> bytes:
    return pem(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="session")
def ed25519_pem() -> bytes:
    return pem(ed25519.Ed25519PrivateKey.generate())
