"""``credentials.toml``: the tool-owned file of secrets carbontui saved (e.g. a key just created).

Shape::

    [profiles.NAME]
    based_on = "hml"            # only used when NAME is not in config.toml
    [profiles.NAME.carbonext]
    client_id = "cbx_b2b_..."
    client_secret = "..."

Entries for a profile in config.toml replace its Carbonext client id/secret; other entries
become new profiles copying their ``based_on`` profile.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from carbontui.config.errors import ConfigError, ConfigNotFound, ProfileExists
from carbontui.config.files import atomic_write_private, check_config_dir, read_toml
from carbontui.config.paths import CONFIG_FILENAME, CREDENTIALS_FILENAME
from carbontui.config.schema import Table, check_profile_name, profile_name_problem
from carbontui.config.secrets import MAX_SECRET_CHARS, secret_too_long

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock available
    fcntl = None  # type: ignore[assignment]

CREDENTIALS_TOP_KEYS = ("profiles",)
CREDENTIALS_PROFILE_KEYS = ("based_on", "carbonext")
CREDENTIALS_CARBONEXT_KEYS = ("client_id", "client_secret")
#: How long a save waits for another carbontui process to finish its own save.
LOCK_TIMEOUT = 10.0

_HEADER = (
    "# Written by carbontui (tool-owned, mode 0600). Entries here are merged over the profiles\n"
    "# in config.toml. Hand edits are kept, comments are not.\n\n"
)


@dataclass(frozen=True)
class CredentialsEntry:
    """One validated ``[profiles.NAME]`` entry; ``carbonext`` holds the raw TOML values."""

    name: str
    based_on: str | None
    carbonext: dict[str, Any]


def parse_credentials(
    data: dict[str, Any], file: Path, problems: dict[str, str] | None = None
) -> list[CredentialsEntry]:
    """Validate a parsed credentials.toml (errors name ``file``).

    Secrets here are inline strings only: ``{ env }`` and ``{ command }`` sources belong in
    the user's config.toml, never in a file the tool writes. With ``problems``, an invalid
    entry is recorded there (name -> message) and skipped instead of raising.
    """
    top = Table(data, (), file)
    top.check_keys(CREDENTIALS_TOP_KEYS)
    profiles = top.table("profiles") or Table({}, ("profiles",), file)
    entries: list[CredentialsEntry] = []
    for name in profiles:
        try:
            entries.append(_parse_entry(profiles, name, file))
        except ConfigError as exc:
            if problems is None:
                raise
            problems.setdefault(name, str(exc))
    return entries


def _parse_entry(profiles: Table, name: str, file: Path) -> CredentialsEntry:
    check_profile_name(name, file)
    entry = profiles.table(name)
    assert entry is not None
    entry.check_keys(CREDENTIALS_PROFILE_KEYS)
    based_on = entry.optional_str("based_on")
    if based_on == name:
        raise entry.error(f"{entry.name('based_on')} must name another profile")
    carbonext = entry.table("carbonext")
    values: dict[str, Any] = {}
    if carbonext is not None:
        carbonext.check_keys(CREDENTIALS_CARBONEXT_KEYS)
        if "client_id" in carbonext:
            values["client_id"] = carbonext.required_str("client_id")
        if "client_secret" in carbonext:
            # validate only; merged as raw TOML
            carbonext.secret_source("client_secret", inline_only=True)
            values["client_secret"] = carbonext.data["client_secret"]
    return CredentialsEntry(name, based_on, values)


def _config_base(based_on: str | None, data: dict[str, Any], in_config: set[str]) -> str | None:
    """The config.toml profile to base a new entry on.

    A key created from a profile that itself lives only in credentials.toml is based on that
    profile's own base (the loader only bases profiles on config.toml ones).
    """
    if based_on is None or based_on in in_config:
        return based_on
    saved = data.get("profiles", {}).get(based_on)
    if isinstance(saved, dict) and isinstance(saved.get("based_on"), str):
        return saved["based_on"]
    return based_on


class CredentialsStore:
    """Reads and atomically rewrites ``credentials.toml`` (mode 0600), keeping other entries.

    Every read-modify-write holds an exclusive ``flock`` on ``.credentials.toml.lock`` beside
    it, so concurrent carbontui processes never lose each other's entries. A profile name
    already in credentials.toml or in ``config_path`` (config.toml) is never overwritten.
    """

    def __init__(self, path: Path, config_path: Path | None = None) -> None:
        path = Path(path)
        config_path = None if config_path is None else Path(config_path)
        if path.name == CONFIG_FILENAME:
            # config.toml is the user's hand-written file and is never rewritten.
            raise ConfigError(f"refusing to write credentials into {path}; use credentials.toml")
        self.path = path
        # Without a config path, the config.toml beside it (where credentials_path_for points).
        self.config_path: Path = (
            path.with_name(CONFIG_FILENAME) if config_path is None else config_path
        )

    @classmethod
    def for_config(cls, config_path: Path) -> CredentialsStore:
        """The store beside ``config_path``, refusing names that config.toml already uses."""
        config_path = Path(config_path)
        return cls(config_path.parent / CREDENTIALS_FILENAME, config_path)

    @property
    def lock_path(self) -> Path:
        """The sidecar lock file (mode 0600) every read-modify-write holds."""
        return self.path.with_name(f".{self.path.name}.lock")

    def read(self) -> dict[str, Any]:
        """The current contents (empty if the file does not exist yet)."""
        try:
            return read_toml(self.path, trusted_as="credentials file")
        except ConfigNotFound:
            return {}

    def check_can_save(self, profile: str) -> None:
        """Raise unless ``profile`` could be saved now (a pre-check: saving checks again).

        ``ProfileExists`` if the name is taken in config.toml or credentials.toml;
        ``ConfigError`` if the name is invalid, a file cannot be loaded back or the
        directory is not trustworthy.
        """
        self._check_name(profile)
        check_config_dir(self.path.parent)
        self._check_free(profile, self.read())

    def save_carbonext_key(
        self, profile: str, client_id: str, client_secret: str, based_on: str | None
    ) -> None:
        """Store a Carbonext client id/secret as a new profile ``profile``.

        ``based_on`` names the config.toml profile a new profile copies its settings from.
        Raises ``ProfileExists`` if ``profile`` is already in config.toml or
        credentials.toml (checked under the lock), and ``ConfigError`` if the entry cannot
        be read back after writing.
        """
        self._check_name(profile)
        if not client_id or not client_secret:
            raise ConfigError("both a client id and a client secret are required")
        if secret_too_long(client_secret):
            raise ConfigError(f"a client secret longer than {MAX_SECRET_CHARS} characters")
        if based_on == profile:
            raise ConfigError(f"profile '{profile}' cannot be based on itself")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        check_config_dir(self.path.parent)
        with self._locked():
            data = self.read()
            parse_credentials(data, self.path)  # don't build on a file we could not load back
            in_config = self._check_free(profile, data)
            based_on = _config_base(based_on, data, in_config)
            entry: dict[str, Any] = {}
            if based_on is not None:
                entry["based_on"] = based_on
            entry["carbonext"] = {"client_id": client_id, "client_secret": client_secret}
            data.setdefault("profiles", {})[profile] = entry
            atomic_write_private(self.path, _HEADER + tomli_w.dumps(data))
            saved = self.read().get("profiles", {}).get(profile)
            if saved != entry:
                raise ConfigError(
                    f"wrote {self.path} but profile '{profile}' is not in it as written; "
                    "store the secret yourself"
                )

    def _check_name(self, profile: str) -> None:
        if not profile:
            raise ConfigError("a profile name is required to save credentials")
        problem = profile_name_problem(profile)
        if problem is not None:
            raise ConfigError(problem)

    def _check_free(self, profile: str, data: dict[str, Any]) -> set[str]:
        """``ProfileExists`` if ``profile`` is in ``data`` (credentials) or in config.toml.

        Returns the profile names config.toml defines.
        """
        profiles = data.get("profiles")
        if isinstance(profiles, dict) and profile in profiles:
            raise ProfileExists(profile, self.path)
        try:
            config = read_toml(self.config_path, trusted_as="config file")
        except ConfigNotFound:
            return set()
        names = config.get("profiles")
        names = set(names) if isinstance(names, dict) else set()
        if profile in names:
            raise ProfileExists(profile, self.config_path)
        return names

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the sidecar lock file (created 0600)."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
        try:
            fd = os.open(self.lock_path, flags, 0o600)
        except OSError as exc:
            raise ConfigError(f"cannot lock {self.lock_path}: {exc.strerror or exc}") from None
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ConfigError(
                            f"{self.path} is locked by another carbontui process "
                            f"({self.lock_path}); try again"
                        ) from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
