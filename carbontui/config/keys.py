"""Reading and checking a CarbonRegistry app private key (PEM, RSA or EC)."""

from __future__ import annotations

import re
from pathlib import Path

from carbontui.config.errors import ConfigError
from carbontui.config.secrets import Secret

_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


def read_private_key(path: Path) -> Secret:
    """The PEM text at ``path`` if it is an unencrypted RSA or EC private key."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        data = path.read_bytes()
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
    try:
        key = load_pem_private_key(data, password=None)
    except TypeError:
        raise ConfigError(
            f"{path} is encrypted; carbontui needs an unencrypted PEM key (mode 0600)"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigError(f"{path} is not a valid PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        kind = type(key).__name__.removesuffix("PrivateKey").removeprefix("_")
        raise ConfigError(
            f"{path} holds an unsupported {kind} key; CarbonRegistry app keys must be RSA or EC"
        )
    return Secret(text)
