"""Reading and checking a CarbonRegistry app private key (PEM, RSA or EC)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from carbontui.config.errors import ConfigError
from carbontui.config.files import MAX_KEY_BYTES, read_regular_file
from carbontui.config.secrets import Secret

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


#: Parsed keys by PEM text, oldest first; a handful at most (one per Registry app in use).
_parsed: dict[bytes, PrivateKeyTypes] = {}
_PARSED_MAX = 8


def parse_private_key(data: bytes) -> PrivateKeyTypes:
    """``load_pem_private_key`` (unencrypted), remembered per PEM text.

    Loading validates the key (~40 ms for RSA-2048); the config check and the JWT signer
    both need it, so the second caller gets the already-validated key. Raises as
    ``load_pem_private_key`` does (``ValueError``, ``TypeError``, ``UnsupportedAlgorithm``).
    """
    key = _parsed.get(data)
    if key is None:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(data, password=None)
        remember_private_key(data, key)
    return key


def remember_private_key(data: bytes, key: PrivateKeyTypes) -> None:
    """Record that ``data`` is the PEM of ``key``, e.g. a key this process generated itself."""
    _parsed[data] = key
    while len(_parsed) > _PARSED_MAX:
        _parsed.pop(next(iter(_parsed)), None)


def read_private_key(path: Path, *, check: bool = True) -> Secret:
    """The PEM text at ``path`` if it is an unencrypted RSA or EC private key.

    With ``check=False`` only the file and its PEM label are checked, without loading
    cryptography or parsing the key: ``check_private_key`` does the rest when it is needed.
    """
    try:
        data, _ = read_regular_file(path, MAX_KEY_BYTES)
    except FileNotFoundError:
        raise ConfigError(f"private key file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read private key file {path}: {exc.strerror or exc}") from None
    text = data.decode("ascii", errors="replace")
    label = _PEM_LABEL.search(text)
    if label is None:
        raise ConfigError(f"{path} is not a PEM file (no '-----BEGIN ... PRIVATE KEY-----' line)")
    if "PRIVATE KEY" not in label[1]:
        raise ConfigError(f"{path} holds a {label[1].lower()}, not a private key")
    if check:
        check_private_key(data, str(path))
    return Secret(text)


def check_private_key(data: bytes, where: str) -> RSAPrivateKey | EllipticCurvePrivateKey:
    """The parsed key if ``data`` is an unencrypted RSA or EC P-256 private key (PEM).

    ``ConfigError`` naming ``where`` (a path, or what the key is) otherwise.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = parse_private_key(data)
    except TypeError:
        raise ConfigError(
            f"{where} is encrypted; carbontui needs an unencrypted PEM key (mode 0600)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(f"{where} is not a valid PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        kind = type(key).__name__.removesuffix("PrivateKey").removeprefix("_")
        raise ConfigError(
            f"{where} holds an unsupported {kind} key; CarbonRegistry app keys must be RSA or EC"
        )
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        raise ConfigError(
            f"{where} is an EC key on {key.curve.name}; app JWTs are ES256, which needs P-256 "
            "(secp256r1), or use an RSA key"
        )
    return key
