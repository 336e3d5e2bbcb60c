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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from carbontui.config.errors import ConfigError, ConfigNotFound
from carbontui.config.files import atomic_write_private, read_toml
from carbontui.config.paths import CONFIG_FILENAME
from carbontui.config.schema import Table

CREDENTIALS_TOP_KEYS = ("profiles",)
CREDENTIALS_PROFILE_KEYS = ("based_on", "carbonext")
CREDENTIALS_CARBONEXT_KEYS = ("client_id", "client_secret")

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


def parse_credentials(data: dict[str, Any], file: Path) -> list[CredentialsEntry]:
    """Validate a parsed credentials.toml (errors name ``file``)."""
    top = Table(data, (), file)
    top.check_keys(CREDENTIALS_TOP_KEYS)
    profiles = top.table("profiles") or Table({}, ("profiles",), file)
    entries: list[CredentialsEntry] = []
    for name in profiles:
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
                carbonext.secret_source("client_secret")  # validate only; merged as raw TOML
                values["client_secret"] = carbonext.data["client_secret"]
        entries.append(CredentialsEntry(name, based_on, values))
    return entries


class CredentialsStore:
    """Reads and atomically rewrites ``credentials.toml`` (mode 0600), keeping other entries."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if path.name == CONFIG_FILENAME:
            # config.toml is the user's hand-written file and is never rewritten.
            raise ConfigError(f"refusing to write credentials into {path}; use credentials.toml")
        self.path = path

    def read(self) -> dict[str, Any]:
        """The current contents (empty if the file does not exist yet)."""
        try:
            return read_toml(self.path)
        except ConfigNotFound:
            return {}

    def save_carbonext_key(
        self, profile: str, client_id: str, client_secret: str, based_on: str | None
    ) -> None:
        """Store a Carbonext client id/secret for ``profile``.

        ``based_on`` names the config.toml profile a new profile copies its settings from; it
        is ignored by the loader when ``profile`` itself is in config.toml.
        """
        if not profile:
            raise ConfigError("a profile name is required to save credentials")
        if not client_id or not client_secret:
            raise ConfigError("both a client id and a client secret are required")
        if based_on == profile:
            raise ConfigError(f"profile '{profile}' cannot be based on itself")
        data = self.read()
        parse_credentials(data, self.path)  # don't build on a file we could not load back
        profiles = data.setdefault("profiles", {})
        entry = profiles.setdefault(profile, {})
        if based_on is not None:
            entry["based_on"] = based_on
        carbonext = entry.setdefault("carbonext", {})
        carbonext["client_id"] = client_id
        carbonext["client_secret"] = client_secret
        atomic_write_private(self.path, _HEADER + tomli_w.dumps(data))
