"""RS256 compact JWS for the realm's own tokens: signed and checked with cryptography alone.

The sandbox mints and checks these on the first request of every dashboard start; PyJWT
(which loads cryptography's X.509 support too, ~40 ms) stays for the JWTs clients send it
(Registry app JWTs, ``private_key_jwt`` assertions), imported where those are checked.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign_rs256(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    """``claims`` as a compact RS256 JWS with ``kid`` in its header."""
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = f"{_encode(_json(header))}.{_encode(_json(claims))}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_encode(signature)}"


def verify_rs256(token: str, key: rsa.RSAPublicKey) -> dict[str, Any] | None:
    """The claims of ``token`` if it is an RS256 JWS signed by ``key``, else None."""
    try:
        header_part, claims_part, signature_part = token.split(".")
        header = json.loads(_decode(header_part))
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            return None
        key.verify(
            _decode(signature_part),
            f"{header_part}.{claims_part}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        claims = json.loads(_decode(claims_part))
    except (ValueError, binascii.Error, UnicodeError, InvalidSignature):
        return None
    return claims if isinstance(claims, dict) else None
