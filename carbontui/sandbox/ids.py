"""Identifier and secret generators."""

from __future__ import annotations

import random
import secrets

_VARIANT = "89ab"


def uuid4_from(rng: random.Random) -> str:
    """A version-4 UUID string drawn from ``rng`` (deterministic, and faster than ``uuid.UUID``)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def random_uuid4() -> str:
    """A version-4 UUID from the OS CSPRNG (for things that must not be guessable)."""
    return uuid4_from(random.SystemRandom())


def opaque_token() -> str:
    """An IdentityServer-style opaque token: 43 base64url characters, like the docs' examples."""
    return secrets.token_urlsafe(32)


def registry_token() -> str:
    """A CarbonRegistry token: ``crs_`` + 48 hex characters, like the docs' example."""
    return "crs_" + secrets.token_hex(24)


def cnpj(rng: random.Random) -> str:
    """A formatted CNPJ (``NN.NNN.NNN/0001-NN``) with valid check digits."""
    return cnpj_from_int(rng.getrandbits(32))


def cnpj_from_int(v: int) -> str:
    """The CNPJ whose 8-digit root is taken from ``v`` (branch 0001), with its check digits."""
    digits = [int(c) for c in f"{v % 10**8:08d}"] + [0, 0, 0, 1]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        rest = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        digits.append(0 if rest < 2 else 11 - rest)
    s = "".join(map(str, digits))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def cnpj_is_valid(value: str) -> bool:
    """Check a CNPJ's two check digits (formatted or bare)."""
    digits = [int(c) for c in value if c.isdigit()]
    if len(digits) != 14:
        return False
    for n, weights in (
        (12, (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
        (13, (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)),
    ):
        rest = sum(d * w for d, w in zip(digits[:n], weights, strict=True)) % 11
        if digits[n] != (0 if rest < 2 else 11 - rest):
            return False
    return True


def uuid4_batch(rng: random.Random, n: int) -> list[str]:
    """``n`` version-4 UUID strings from one bulk draw (fast enough for 100k-row seeds)."""
    h = rng.randbytes(16 * n).hex()
    v = _VARIANT
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-4{h[i + 13 : i + 16]}-"
        f"{v[int(h[i + 16], 16) & 3]}{h[i + 17 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]
