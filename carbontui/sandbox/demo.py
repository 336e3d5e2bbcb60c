"""The in-process sandbox of ``carbontui --demo``: fixed keys, no server.

The demo's two RSA keys (the Registry app's and the realm's token-signing key) ship with
carbontui in ``demo_keys/``, so a start makes none (generating two 2048-bit keys took
~100-300 ms of CPU). Being published, they protect nothing: they only ever serve a sandbox
that answers the dashboard of the same process through ``httpx.ASGITransport``, never a port
(``carbontui sandbox`` keeps making fresh keys). Its tokens are RS256 JWTs as before.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from carbontui.sandbox.options import SandboxOptions

#: The key files, in ``carbontui/sandbox/demo_keys/``.
APP_KEY, REALM_KEY = "app.pem", "realm.pem"


def demo_key_pem(name: str) -> bytes:
    """The PEM text of the demo key ``name`` (``APP_KEY`` or ``REALM_KEY``)."""
    return files("carbontui.sandbox").joinpath("demo_keys", name).read_bytes()


@cache
def demo_key(name: str) -> rsa.RSAPrivateKey:
    """The demo key ``name``, loaded once.

    OpenSSL's RSA consistency check (~40-70 ms a key) is skipped: it guards against keys
    crafted by someone else, and these two are carbontui's own, shipped beside this module.
    """
    key = load_pem_private_key(
        demo_key_pem(name), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def demo_options(**options: Any) -> SandboxOptions:
    """``SandboxOptions(**options)`` with the demo's fixed keys."""
    return SandboxOptions(app_key=demo_key(APP_KEY), realm_key=demo_key(REALM_KEY), **options)
