"""Tokens shared by every carbontui process of one user: one small file per cache entry.

Layout: ``<cache dir>/tokens/<digest>.json`` (0600) and ``<digest>.lock`` beside it, in a
directory that is 0700 and the user's own. ``digest`` hashes the cache key together with a
*binding*: a fingerprint of what the token was obtained with (token URL, client id, a hash of
the client secret; or the app id, API URL and a hash of the private key), so a changed
credential never reuses an old token, and no file name or content says what the secret is.

Only access tokens (and the Carbonext refresh token) are stored: never the app JWT, client
secrets or keys. A file that cannot be read back exactly (corrupt, foreign, too large, of
another format) is ignored and removed; nothing here raises for a bad file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import stat
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
import platformdirs

from carbontui.auth.token import Token, TokenKey, TokenKind
from carbontui.config.files import atomic_write_private

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "CARBONTUI_CACHE_DIR"
FORMAT = 1
#: A stored entry is a few KiB at most (a token is capped at 16 KiB by validation).
MAX_ENTRY_BYTES = 64 * 1024
#: How long a process waits for another one's fetch before fetching itself.
LOCK_TIMEOUT = 120.0
LOCK_POLL = 0.02
#: Entries expired longer than this are pruned (a refresh token may outlive its access token).
PRUNE_AFTER = 24 * 3600.0
#: The cache key parts that are never stored (the app JWT is signed locally, in memory).
NOT_SHARED = frozenset({"jwt"})


def default_root() -> Path:
    """``$CARBONTUI_CACHE_DIR``, else the user's cache directory, plus ``tokens``."""
    base = os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("carbontui")
    return Path(base) / "tokens"


def fingerprint(*parts: str) -> str:
    """A one-way digest of credential parts (each secret part should be hashed already)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def secret_fingerprint(secret: str | bytes) -> str:
    """A hash of a secret, to bind tokens to it without storing it."""
    data = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"carbontui-secret\0" + data).hexdigest()


class StoredToken(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One entry on disk."""

    format: int
    profile: str
    service: str
    credential: str
    installation: str
    binding: str
    kind: str
    value: str
    issued_at: float
    expires_at: float | None
    scope: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    permissions: dict[str, str] = msgspec.field(default_factory=dict)
    refresh_token: str | None = None
    installation_id: str | None = None
    organization_id: str | None = None

    def __repr__(self) -> str:
        return f"StoredToken(profile={self.profile!r}, kind={self.kind!r})"

    @property
    def key(self) -> TokenKey:
        """The cache key this entry belongs to."""
        return TokenKey(self.profile, self.service, self.credential, self.installation)


_decoder = msgspec.json.Decoder(StoredToken)
_encoder = msgspec.json.Encoder()


def _to_stored(key: TokenKey, binding: str, token: Token) -> StoredToken:
    return StoredToken(
        format=FORMAT,
        profile=key.profile,
        service=key.service,
        credential=key.credential,
        installation=key.installation,
        binding=binding,
        kind=token.kind.value,
        value=token.value,
        issued_at=token.issued_at,
        expires_at=token.expires_at,
        scope=token.scope,
        roles=token.roles,
        permissions=dict(token.permissions),
        refresh_token=token.refresh_token,
        installation_id=token.installation_id,
        organization_id=token.organization_id,
    )


def _to_token(stored: StoredToken) -> Token:
    from carbontui.auth.claims import unverified_claims
    from carbontui.auth.validation import check_token

    kind = TokenKind(stored.kind)
    if kind is TokenKind.REGISTRY_APP_JWT:
        raise ValueError("an app JWT is never shared")
    value = check_token(stored.value, endpoint="token cache", field="value")
    claims = unverified_claims(value) if kind is TokenKind.CARBONEXT else None
    return Token(
        value=value,
        kind=kind,
        issued_at=stored.issued_at,
        expires_at=stored.expires_at,
        scope=stored.scope,
        roles=stored.roles,
        permissions=stored.permissions,
        refresh_token=stored.refresh_token,
        claims=claims,
        installation_id=stored.installation_id,
        organization_id=stored.organization_id,
    )


@dataclass(frozen=True)
class Seen:
    """One entry found by :meth:`SharedTokenStore.scan`."""

    key: TokenKey
    binding: str
    token: Token
    #: Changes whenever the file is replaced: tells a rescan what is new.
    stamp: tuple[int, int]
    #: The file's stat when it was read (what ``scan`` compares to skip unchanged files).
    quick: tuple[int, ...] = ()


class SharedTokenStore:
    """The directory of shared tokens; safe to use from many processes at once."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_root()
        self._usable: bool | None = None
        self._scanned: dict[str, Seen] = {}

    def __repr__(self) -> str:
        return f"SharedTokenStore({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------

    def entry_path(self, key: TokenKey, binding: str) -> Path:
        """Where the token for ``key`` under ``binding`` lives."""
        name = fingerprint(
            "entry", key.profile, key.service, key.credential, key.installation, binding
        )
        return self.root / f"{name[:40]}.json"

    def usable(self) -> bool:
        """Whether the directory exists (created 0700) and is ours alone; else memory only."""
        if self._usable is None:
            self._usable = self._prepare()
        return self._usable

    def _prepare(self) -> bool:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            st = os.lstat(self.root)
            if not stat.S_ISDIR(st.st_mode):
                raise OSError(f"{self.root} is not a directory")
            if os.name == "posix":
                if st.st_uid != os.geteuid():
                    raise OSError(f"{self.root} belongs to uid {st.st_uid}")
                if stat.S_IMODE(st.st_mode) != 0o700:
                    os.chmod(self.root, 0o700)
        except OSError as exc:
            log.warning("shared token cache disabled: %s", exc)
            return False
        return True

    # -- entries -----------------------------------------------------------------------------

    def load(self, key: TokenKey, binding: str) -> Token | None:
        """The stored token for ``key`` (fresh or not); ``None`` when absent or unreadable."""
        if not self.usable():
            return None
        found = self._read(self.entry_path(key, binding))
        if found is None:
            return None
        stored, token, _ = found
        if stored.key != key or stored.binding != binding:
            self._discard(self.entry_path(key, binding), "belongs to another entry")
            return None
        return token

    def save(self, key: TokenKey, binding: str, token: Token) -> None:
        """Store ``token`` for ``key`` (atomically, 0600); a failure only disables sharing."""
        if key.installation in NOT_SHARED or token.kind is TokenKind.REGISTRY_APP_JWT:
            return
        if not self.usable():
            return
        try:
            atomic_write_private(
                self.entry_path(key, binding), _encoder.encode(_to_stored(key, binding, token))
            )
        except OSError as exc:
            log.warning("could not write the shared token cache: %s", exc)
            return
        self.prune(token.issued_at)

    def drop(self, key: TokenKey, binding: str) -> None:
        """Remove the entry for ``key``, for every process."""
        if self.usable():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.entry_path(key, binding))

    def scan(self) -> Iterator[Seen]:
        """Every readable entry (unreadable ones are removed on the way).

        A file whose stat is unchanged since the last scan is not read again, so a dashboard
        can rescan every few seconds for the cost of a directory listing.
        """
        if not self.usable():
            return
        try:
            with os.scandir(self.root) as listing:
                files = sorted((e.name, e) for e in listing if e.name.endswith(".json"))
        except OSError:
            return
        memo: dict[str, Seen] = {}
        for name, dirent in files:
            try:
                st = dirent.stat(follow_symlinks=False)
            except OSError:
                continue
            quick = (st.st_mtime_ns, st.st_ino, st.st_mode, st.st_uid, st.st_size)
            seen = self._scanned.get(name)
            if seen is None or seen.quick != quick:
                found = self._read(self.root / name)
                if found is None:
                    continue
                stored, token, stamp = found
                seen = Seen(stored.key, stored.binding, token, stamp, quick)
            memo[name] = seen
            yield seen
        self._scanned = memo

    def clear(self, profile: str | None = None) -> int:
        """Remove every entry (of ``profile``); returns how many were removed."""
        removed = 0
        for seen in list(self.scan()):
            if profile is None or seen.key.profile == profile:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.entry_path(seen.key, seen.binding))
                    removed += 1
        return removed

    def prune(self, now: float) -> int:
        """Remove entries expired for longer than ``PRUNE_AFTER``; returns how many."""
        removed = 0
        for seen in list(self.scan()):
            expires = seen.token.expires_at
            if expires is not None and expires + PRUNE_AFTER < now:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.entry_path(seen.key, seen.binding))
                    removed += 1
        return removed

    def _read(self, path: Path) -> tuple[StoredToken, Token, tuple[int, int]] | None:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:  # a symlink (ELOOP), or unreadable
            self._discard(path, str(exc.strerror or exc))
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                reason = "not a regular file"
            elif os.name == "posix" and st.st_uid != os.geteuid():
                reason = "owned by another user"
            elif stat.S_IMODE(st.st_mode) & 0o077:
                reason = "readable by others"
            elif st.st_size > MAX_ENTRY_BYTES:
                reason = "too large"
            else:
                reason = ""
                data = os.read(fd, MAX_ENTRY_BYTES + 1)
        finally:
            os.close(fd)
        if reason:
            self._discard(path, reason)
            return None
        try:
            stored = _decoder.decode(data)
            if stored.format != FORMAT:
                raise ValueError(f"format {stored.format}")
            token = _to_token(stored)
        except Exception as exc:  # any bad content: the entry is worthless, never fatal
            self._discard(path, f"unreadable ({type(exc).__name__})")
            return None
        return stored, token, (st.st_mtime_ns, st.st_ino)

    def _discard(self, path: Path, reason: str) -> None:
        log.info("token cache: removing %s: %s", path.name, reason)
        with contextlib.suppress(OSError):
            os.unlink(path)

    # -- locking -----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def locked(self, key: TokenKey, binding: str) -> AsyncIterator[None]:
        """Hold the entry's cross-process lock (waiting up to ``LOCK_TIMEOUT``).

        Polled without blocking, so a cancelled waiter never holds the lock later. When the
        lock cannot be had (no fcntl, an unusable directory, a lock held too long) the body
        runs anyway: sharing is an optimisation, never a reason to fail.
        """
        if fcntl is None or not self.usable():
            yield
            return
        path = self.entry_path(key, binding).with_suffix(".lock")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            log.warning("token cache lock %s: %s", path.name, exc.strerror or exc)
            yield
            return
        try:
            held = await _acquire(fd)
            try:
                yield
            finally:
                if held:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


async def _acquire(fd: int) -> bool:
    assert fcntl is not None
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                log.warning("token cache: lock held for %.0fs; fetching anyway", LOCK_TIMEOUT)
                return False
            await asyncio.sleep(LOCK_POLL)
