"""Hiding secrets in text: known values the process resolved, plus patterns of token shapes.

``register_secret`` is called wherever a secret comes into being (a resolved ``Secret``, a
minted ``Token``, a created key's client secret); ``redact`` hides every registered value and
anything shaped like a credential. Used by the log filter and for error messages.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

MASK = "[REDACTED]"
#: Shorter values would blank out ordinary words all over a log.
MIN_SECRET_LENGTH = 6
#: A long-running dashboard mints a token an hour per installation; keep the newest ones.
MAX_KNOWN = 4096

_SECRET_NAMES = (
    r"authorization|proxy-authorization|client_secret|clientSecret|refresh_token|refreshToken"
    r"|access_token|accessToken|id_token|password|secret|token"
)
_PATTERNS = (
    # PEM blocks, whole or cut off.
    re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|\Z)", re.DOTALL),
    # `Authorization: Bearer x`, `client_secret=x`, `"refresh_token": "x"`, `(b'authorization',
    # b'Basic x')`: the name, a separator, then the value (with an optional auth scheme).
    re.compile(
        rf"(?P<name>\b(?:{_SECRET_NAMES}))(?P<sep>['\"]?\s*[:=]\s*['\"]?|['\"]\s*,\s*b?['\"])"
        r"(?P<value>(?:(?:Bearer|Basic|token)\s+)?[^\s'\"&,;}\])]+)",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    # JWTs, including a cut-off one: a base64url JSON header ("eyJ") and what follows.
    re.compile(r"eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}"),
    re.compile(r"\bcrs_[A-Za-z0-9_-]+"),
)

_lock = threading.Lock()
_known: OrderedDict[str, None] = OrderedDict()
_known_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Remember ``value`` so ``redact`` hides it (PEM keys: every body line too)."""
    if not value:
        return
    parts = [value]
    if "-----BEGIN" in value:
        parts += [line.strip() for line in value.splitlines() if not line.startswith("-----")]
    global _known_pattern
    with _lock:
        changed = False
        for part in parts:
            if len(part) < MIN_SECRET_LENGTH:
                continue
            if part in _known:
                _known.move_to_end(part)
                continue
            _known[part] = None
            changed = True
        while len(_known) > MAX_KNOWN:
            _known.popitem(last=False)
        if changed:
            _known_pattern = None


def known_secret_count() -> int:
    """How many values are registered (for tests)."""
    return len(_known)


def _known_regex() -> re.Pattern[str] | None:
    global _known_pattern
    with _lock:
        if _known_pattern is None and _known:
            # Longest first, so a value containing another is hidden whole.
            alternatives = sorted(_known, key=len, reverse=True)
            _known_pattern = re.compile("|".join(map(re.escape, alternatives)))
        return _known_pattern


def _mask_value(match: re.Match[str]) -> str:
    return match["name"] + match["sep"] + MASK


def redact(text: str) -> str:
    """``text`` with every registered secret and credential-shaped substring replaced."""
    known = _known_regex()
    if known is not None:
        text = known.sub(MASK, text)
    pem, named, *others = _PATTERNS
    text = pem.sub(MASK, text)
    text = named.sub(_mask_value, text)
    for pattern in others:
        text = pattern.sub(MASK, text)
    return text
