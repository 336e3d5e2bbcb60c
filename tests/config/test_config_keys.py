"""The Registry app private key: read on demand, must be an unencrypted RSA or EC PEM key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from config_testlib import write_private
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from carbontui.config import ConfigError, RegistrySettings, Secret, load_config


def settings(key_file: Path) -> RegistrySettings:
    return RegistrySettings(api_url="http://127.0.0.1", app_id="1", private_key_file=key_file)


def key_error(key_file: Path) -> str:
    with pytest.raises(ConfigError) as info:
        settings(key_file).load_private_key()
    return str(info.value)


@pytest.mark.parametrize("kind", ["rsa_pem", "ec_pem"])
def test_rsa_and_ec_keys_load(tmp_path: Path, kind: str, request: pytest.FixtureRequest) -> None:
    data: bytes = request.getfixturevalue(kind)
    key = settings(write_private(tmp_path / "k.pem", data)).load_private_key()
    assert key == Secret(data.decode())
    assert repr(key) == "Secret('********')"


def test_traditional_rsa_format_loads(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert b"BEGIN RSA PRIVATE KEY" in data
    assert settings(write_private(tmp_path / "k.pem", data)).load_private_key().reveal()


def test_missing_key(tmp_path: Path) -> None:
    path = tmp_path / "icr-app.pem"
    assert key_error(path) == f"private key file {path} does not exist"


def test_unreadable_key(tmp_path: Path, rsa_pem: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_private(tmp_path / "k.pem", rsa_pem)

    real_open = os.open

    def denied(file: object, *args: object, **kwargs: object) -> int:
        if os.fspath(file) == os.fspath(path):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    # chmod 000 would not stop root, so simulate the denial.
    monkeypatch.setattr(os, "open", denied)
    assert key_error(path) == f"cannot read private key file {path}: Permission denied"


def test_key_is_a_directory(tmp_path: Path) -> None:
    assert key_error(tmp_path).startswith(f"cannot read private key file {tmp_path}: ")


def test_not_pem(tmp_path: Path) -> None:
    path = write_private(tmp_path / "k.pem", b"\x30\x82\x01\x00 not pem at all")
    assert (
        key_error(path) == f"{path} is not a PEM file (no '-----BEGIN ... PRIVATE KEY-----' line)"
    )


def test_public_key_or_certificate(tmp_path: Path, rsa_pem: bytes) -> None:
    private = serialization.load_pem_private_key(rsa_pem, password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = write_private(tmp_path / "k.pem", public)
    assert key_error(path) == f"{path} holds a public key, not a private key"
    path = write_private(tmp_path / "c.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n")
    assert key_error(path) == f"{path} holds a certificate, not a private key"


def test_corrupt_pem(tmp_path: Path) -> None:
    data = b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
    path = write_private(tmp_path / "k.pem", data)
    assert key_error(path) == f"{path} is not a valid PEM private key"


def test_encrypted_key(tmp_path: Path, rsa_pem: bytes) -> None:
    private = serialization.load_pem_private_key(rsa_pem, password=None)
    data = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    path = write_private(tmp_path / "k.pem", data)
    assert key_error(path) == (
        f"{path} is encrypted; carbontui needs an unencrypted PEM key (mode 0600)"
    )


def test_ed25519_key_is_rejected(tmp_path: Path, ed25519_pem: bytes) -> None:
    path = write_private(tmp_path / "k.pem", ed25519_pem)
    assert key_error(path) == (
        f"{path} holds an unsupported Ed25519 key; CarbonRegistry app keys must be RSA or EC"
    )


def test_ec_key_on_another_curve_is_rejected(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = write_private(tmp_path / "k.pem", pem)
    assert key_error(path) == (
        f"{path} is an EC key on secp384r1; app JWTs are ES256, which needs P-256 "
        "(secp256r1), or use an RSA key"
    )


def test_error_never_contains_key_material(tmp_path: Path, rsa_pem: bytes) -> None:
    body = rsa_pem.decode().splitlines()[1]
    broken = rsa_pem.replace(body.encode(), body[::-1].encode())
    message = key_error(write_private(tmp_path / "k.pem", broken))
    assert body not in message and body[::-1] not in message


def test_key_is_read_lazily(tmp_path: Path) -> None:
    """A missing key file does not stop the config from loading (or warn)."""
    text = (
        '[profiles.icr.registry]\napi_url = "http://127.0.0.1:1"\napp_id = "1"\n'
        'private_key_file = "missing.pem"\n'
    )
    config = load_config(write_private(tmp_path / "config.toml", text))
    assert config.warnings == ()
    registry = config.profile("icr").registry
    assert registry is not None
    with pytest.raises(ConfigError):
        registry.load_private_key()
