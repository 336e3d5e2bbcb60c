"""Hiding secrets in text: known values the process resolved, plus patterns of token shapes.

``register_secret`` is called wherever a secret comes into being (a resolved ``Secret``, a
minted ``Token``, a created key's client secret); ``redact`` hides every registered value and
anything shaped like a credential. Used by the log filter and for error messages.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"
#: Shorter values would blank out ordinary words all over a log.
MIN_SECRET_LENGTH = 6
#: A long-running dashboard mints a token an hour per installation; keep the newest ones.
MAX_KNOWN = 4096
#: Longer values are remembered by their start: no real secret or token is this long.
MAX_SECRET_LENGTH = 16 * 1024

_SECRET_NAMES = (
    r"authorization|proxy-authorization|client_secret|clientSecret|refresh_token|refreshToken"
    r"|access_token|accessToken|id_token|password|secret|token"
)
_PATTERNS = (
    # PEM blocks, whole or cut off.
    re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|\Z)", re.DOTALL),
    # `Authorization: Bearer x`, `client_secret=x`, `"refresh_token": "x"`, `(b'authorization',
    # b'Basic x')`: the name, a separator, then the value (with an optional auth scheme). A
    # value a known secret already turned into MASK is taken whole: the value characters stop
    # at `]`, so `[REDACTED` alone would be masked again and leave `[REDACTED]]`.
    re.compile(
        rf"(?P<name>\b(?:{_SECRET_NAMES}))(?P<sep>['\"]?\s*[:=]\s*['\"]?|['\"]\s*,\s*b?['\"])"
        r"(?P<value>(?:(?:Bearer|Basic|token)\s+)?"
        rf"(?:{re.escape(MASK)}|[^\s'\"&,;}}\])])+)",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    # JWTs, including a cut-off one: a base64url JSON header ("eyJ") and what follows.
    re.compile(r"eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}"),
    re.compile(r"\bcrs_[A-Za-z0-9_-]+"),
)

#: New values go into a small index of their own; past this many, everything is reindexed.
RECENT_LIMIT = 64

_lock = threading.Lock()
_known: OrderedDict[str, None] = OrderedDict()
# Two indexes, so that a new token costs a rebuild of the small one only (some KB of regex),
# and the large one is rebuilt once per RECENT_LIMIT new values.
_base: _SecretIndex | None = None
_recent: list[str] = []
_recent_index: _SecretIndex | None = None


class _SecretIndex:
    """Finds every known secret in a text at a cost that does not grow with their number.

    Secrets are indexed by their last ``KEY_LENGTH`` characters (the end of a token is its
    signature or random part; starts are often shared, e.g. a JWT header). One regex, a
    character trie of those keys, finds where a secret may end; each candidate is confirmed
    by comparing the whole value. The regex is some KB however long the tokens are, so
    rebuilding it after a new token is cheap.
    """

    KEY_LENGTH = 16

    def __init__(self, secrets: list[str]) -> None:
        self._by_key: dict[str, list[str]] = {}
        for secret in sorted(secrets, key=len, reverse=True):  # longest first within a key
            self._by_key.setdefault(secret[-self.KEY_LENGTH :], []).append(secret)
        self._pattern = re.compile(f"(?=({_trie_regex(self._by_key)}))")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Start and end of every occurrence of a known secret."""
        found: list[tuple[int, int]] = []
        for match in self._pattern.finditer(text):
            longest = match.group(1)
            # The trie returns the longest key here; a shorter key may be its prefix.
            for length in range(len(longest), 0, -1):
                secrets = self._by_key.get(longest[:length])
                if secrets is None:
                    continue
                end = match.start() + length
                span = next(
                    (
                        (end - len(secret), end)
                        for secret in secrets
                        if end >= len(secret) and text.startswith(secret, end - len(secret))
                    ),
                    None,
                )
                if span is not None:
                    found.append(span)
                    break
        return found


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, as a trie, so a match costs the word's length."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, dict]) -> str:
    branches = []
    for char, child in sorted((c, n) for c, n in node.items() if c):
        literal = char
        while len(child) == 1 and "" not in child:  # a chain: one literal, no group
            ((char, child),) = child.items()
            literal += char
        branches.append(re.escape(literal) + _trie_node(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def register_secret(value: str | None) -> None:
    """Remember ``value`` so ``redact`` hides it, in every form the client sends it.

    Besides the raw value: its percent- and form-encoded forms (a server echoing a request
    body), its JSON-escaped form, and for a PEM key every body line. A value longer than
    ``MAX_SECRET_LENGTH`` (which callers refuse to use) is remembered in pieces of that length,
    the first eight of them.
    """
    if not value:
        return
    if len(value) > MAX_SECRET_LENGTH:
        for start in range(0, min(len(value), 8 * MAX_SECRET_LENGTH), MAX_SECRET_LENGTH):
            register_secret(value[start : start + MAX_SECRET_LENGTH])
        return
    parts = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    if "-----BEGIN" in value:
        parts.update(line.strip() for line in value.splitlines() if not line.startswith("-----"))
    global _base, _recent_index
    with _lock:
        for part in parts:
            if len(part) < MIN_SECRET_LENGTH:
                continue
            if part in _known:
                _known.move_to_end(part)
                continue
            _known[part] = None
            _recent.append(part)
            _recent_index = None
        while len(_known) > MAX_KNOWN:
            # An evicted value stays in the base index until its next rebuild: harmless.
            _known.popitem(last=False)
        if len(_recent) > RECENT_LIMIT:
            _base = None


def known_secret_count() -> int:
    """How many values are registered (for tests)."""
    return len(_known)


def forget_all_secrets() -> None:
    """Forget every registered value (tests, between cases)."""
    global _base, _recent_index
    with _lock:
        _known.clear()
        _recent.clear()
        _base = _recent_index = None


def _known_indexes() -> list[_SecretIndex]:
    global _base, _recent_index
    with _lock:
        if _base is None and _known:
            _base = _SecretIndex(list(_known))
            _recent.clear()
            _recent_index = None
        if _recent_index is None and _recent:
            _recent_index = _SecretIndex(list(_recent))
        return [index for index in (_base, _recent_index) if index is not None]


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:  # inside what is masked already
            continue
        if start > position or not out:
            out += (text[position:start], MASK)
        position = end  # a span touching or overlapping the last one only extends its mask
    out.append(text[position:])
    return "".join(out)


def _mask_value(match: re.Match[str]) -> str:
    return match["name"] + match["sep"] + MASK


def redact(text: str) -> str:
    """``text`` with every registered secret and credential-shaped substring replaced."""
    spans = [span for index in _known_indexes() for span in index.spans(text)]
    if spans:
        text = _mask_spans(text, spans)
    pem, named, *others = _PATTERNS
    text = pem.sub(MASK, text)
    text = named.sub(_mask_value, text)
    for pattern in others:
        text = pattern.sub(MASK, text)
    return text
