"""The app private key is parsed (and validated) once, shared by the config check and signer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from config_testlib import write_private
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from carbontui.auth import app_jwt
from carbontui.auth.app_jwt import AppJwtSigner, PrivateKeyError
from carbontui.config import RegistrySettings
from carbontui.config import keys as config_keys


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Every PEM text that reaches ``load_pem_private_key``, on a cold cache."""
    import cryptography.hazmat.primitives.serialization as serialization

    seen: list[bytes] = []

    def counting(data: bytes, password: bytes | None = None) -> object:
        seen.append(data)
        return load_pem_private_key(data, password)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    # Also where a module may have bound the name at import (so a second parse is seen).
    monkeypatch.setattr(app_jwt, "load_pem_private_key", counting, raising=False)
    config_keys._parsed.clear()
    yield seen
    config_keys._parsed.clear()


@pytest.mark.parametrize("kind", ["rsa_pem", "ec_pem"])
def test_config_check_then_signer_parse_once(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest, parses: list[bytes]
) -> None:
    data: bytes = request.getfixturevalue(kind)
    settings = RegistrySettings(
        api_url="http://127.0.0.1",
        app_id="42",
        private_key_file=write_private(tmp_path / "k.pem", data),
    )
    pem = settings.load_private_key().reveal()
    signer = AppJwtSigner("42", pem, time.time)
    assert parses == [data]
    public = load_pem_private_key(data, None).public_key()
    claims = jwt.decode(signer.sign().value, public, algorithms=[signer.algorithm])
    assert claims["iss"] == "42"


def test_a_bad_key_is_still_refused_every_time(parses: list[bytes]) -> None:
    for _ in range(2):
        with pytest.raises(PrivateKeyError):
            AppJwtSigner("42", "-----BEGIN PRIVATE KEY-----\nnope\n", lambda: 0.0)
    assert len(parses) == 2  # failures are not cached


def test_a_lazy_signer_parses_at_its_first_signature(parses: list[bytes], rsa_pem: bytes) -> None:
    signer = AppJwtSigner("42", rsa_pem.decode(), time.time, parse_now=False)
    assert parses == [] and "?" in repr(signer)
    token = signer.sign()
    signer.sign()
    assert parses == [rsa_pem] and signer.algorithm == "RS256"
    public = load_pem_private_key(rsa_pem, None).public_key()
    assert jwt.decode(token.value, public, algorithms=["RS256"])["iss"] == "42"


def test_a_lazy_signer_refuses_a_bad_key_when_it_signs() -> None:
    signer = AppJwtSigner("42", "-----BEGIN PRIVATE KEY-----\nnope\n", lambda: 0.0, parse_now=False)
    with pytest.raises(PrivateKeyError, match="not a valid PEM private key"):
        signer.sign()
