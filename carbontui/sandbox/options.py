"""Sandbox settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa

from carbontui.sandbox.faults import Fault


@dataclass(frozen=True)
class SandboxOptions:
    """How the sandbox seeds its data and behaves.

    ``apps`` counts every seeded Carbonext key, including the two admin keys (so it is >= 2).
    ``now`` is the sandbox's clock; tokens, timestamps and the HTTP ``Date`` header use it.
    """

    seed: int = 0
    apps: int = 25
    installations: int = 12
    token_ttl: int = 3600
    latency_ms: int = 0
    now: Callable[[], float] = time.time
    #: Faults installed at start (``--faults``); more can be added at run time.
    faults: tuple[Fault, ...] = ()
    #: The Registry app's private key; None makes a new one. ``--config-out`` passes the key
    #: it wrote before, so a restarted sandbox accepts the JWTs of clients that loaded it.
    app_key: rsa.RSAPrivateKey | None = field(default=None, repr=False, compare=False)
    #: The realm's token-signing key; None makes a new one (in the background).
    realm_key: rsa.RSAPrivateKey | None = field(default=None, repr=False, compare=False)
    #: Opaque tokens drawn from a generator seeded with ``seed`` instead of the OS: the same
    #: run gives the same tokens (pictures and snapshots only; never for a served sandbox).
    repeatable_tokens: bool = False

    def __post_init__(self) -> None:
        if self.apps < 2:
            raise ValueError("apps must be >= 2 (the two admin keys are always seeded)")
        if self.installations < 0:
            raise ValueError("installations must be >= 0")
        if self.token_ttl <= 0:
            raise ValueError("token_ttl must be > 0")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
