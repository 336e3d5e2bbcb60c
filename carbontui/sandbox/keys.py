"""Signing keys: generation, PEM export and JWKS."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import deque
from concurrent.futures import Future

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

#: RSA keys a ``SandboxState`` makes: the realm's token-signing key and the Registry app's key.
SANDBOX_KEYS = 2

_prefetched: deque[Future[rsa.RSAPrivateKey]] = deque()


def _generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _generate_into(futures: list[Future[rsa.RSAPrivateKey]]) -> None:
    for future in futures:
        try:
            future.set_result(_generate())
        except BaseException as exc:  # handed to whoever takes the key
            future.set_exception(exc)


def _generate_later(count: int) -> list[Future[rsa.RSAPrivateKey]]:
    """Futures for ``count`` keys made one after another on a background thread.

    OpenSSL releases the GIL while it searches for primes (50-90 ms a key), so they are made
    on another core while the caller carries on. In order, so the first is ready soonest.
    """
    futures: list[Future[rsa.RSAPrivateKey]] = [Future() for _ in range(count)]
    threading.Thread(target=_generate_into, args=(futures,), name="rsa-keygen", daemon=True).start()
    return futures


def prefetch_rsa_keys(count: int = SANDBOX_KEYS) -> None:
    """Start making ``count`` keys in the background for the next sandbox to take, in order."""
    _prefetched.extend(_generate_later(count))


def new_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key: the next prefetched one if any is pending, else made now."""
    try:
        future = _prefetched.popleft()
    except IndexError:
        return _generate()
    return future.result()


def rsa_key_future() -> Future[rsa.RSAPrivateKey]:
    """A fresh key that is still being made: the next prefetched one, else one started now."""
    try:
        return _prefetched.popleft()
    except IndexError:
        return _generate_later(1)[0]


def private_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: str | bytes) -> PublicKey:
    """Parse a PEM public key; only RSA and EC keys are accepted."""
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ValueError("only RSA and EC public keys are supported")
    return key


def _b64u_uint(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_id(key: rsa.RSAPublicKey) -> str:
    """A stable ``kid``: base64url SHA-256 of the DER public key (Keycloak kids look like this)."""
    digest = hashlib.sha256(
        key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()[:43]


def rsa_jwk(key: rsa.RSAPublicKey) -> dict[str, str]:
    """The JWK for an RS256 signing key."""
    numbers = key.public_numbers()
    return {
        "kid": key_id(key),
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "n": _b64u_uint(numbers.n),
        "e": _b64u_uint(numbers.e),
    }
