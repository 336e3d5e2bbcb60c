"""The config schema: typed, validated reads of TOML tables into the model objects.

Every error names the file and the dotted key, and never echoes a value (it may be a secret).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from carbontui.config.errors import ConfigError, did_you_mean
from carbontui.config.models import (
    DEFAULT_REGISTRY_API_VERSION,
    CarbonextSettings,
    Profile,
    RegistrySettings,
    TokenAuth,
    TokenCacheMode,
    infer_environment,
)
from carbontui.config.secrets import MAX_SECRET_CHARS, SecretSource, secret_too_long
from carbontui.sanitize import is_clean, neutralize

T = TypeVar("T")

TOP_LEVEL_KEYS = ("default_profile", "profiles", "keymap")
PROFILE_KEYS = (
    "environment",
    "read_only",
    "poll_interval",
    "timeout",
    "token_cache",
    "ca_bundle",
    "log_file",
    "carbonext",
    "registry",
)
CARBONEXT_KEYS = (
    "api_url",
    "token_url",
    "userinfo_url",
    "client_id",
    "client_secret",
    "scope",
    "token_auth",
)
REGISTRY_KEYS = ("api_url", "api_version", "app_id", "private_key_file")
SECRET_SOURCE_KEYS = ("env", "command")
TOKEN_AUTH_CHOICES: tuple[TokenAuth, ...] = ("client_secret_post", "client_secret_basic")
TOKEN_CACHE_CHOICES: tuple[TokenCacheMode, ...] = ("shared", "memory")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

#: Bounds (seconds) for a profile's HTTP timeout and its dashboard refresh interval.
TIMEOUT_BOUNDS = (0.1, 300.0)
POLL_INTERVAL_BOUNDS = (2.0, 3600.0)
#: The longest profile name accepted.
MAX_PROFILE_NAME = 100


def profile_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a profile name (shown inertly), or ``None`` if it can."""
    if not name.strip():
        return "a profile name must not be empty"
    if not is_clean(name):
        return (
            f"profile name '{neutralize(name)}' contains control characters or escape "
            "sequences; use letters, digits, '-' or '_'"
        )
    if len(name) > MAX_PROFILE_NAME:
        return f"profile name '{name[:20]}...' is longer than {MAX_PROFILE_NAME} characters"
    return None


def check_profile_name(name: str, file: Path) -> None:
    """``ConfigError`` naming ``file`` if ``name`` cannot be a profile name."""
    problem = profile_name_problem(name)
    if problem is not None:
        raise ConfigError(f"{file}: {problem}")


def dotted(parts: tuple[str, ...]) -> str:
    """A TOML dotted key, quoting the parts that need it: ``profiles."my.key".carbonext``."""
    return ".".join(p if _BARE_KEY.match(p) else '"' + p.replace('"', '\\"') + '"' for p in parts)


#: TOML value types as an error message names them; first match wins (a bool is an int).
_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (dict, "a table"),
    ((dt.date, dt.time), "a date/time"),
)


def type_name(value: object) -> str:
    """How a TOML value's type reads in an error message."""
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


class Table:
    """A TOML table under validation: typed getters that raise ``ConfigError``."""

    def __init__(self, data: Mapping[str, Any], key: tuple[str, ...], file: Path) -> None:
        self.data = data
        self.key = key
        self.file = file

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def error(self, message: str) -> ConfigError:
        """A ``ConfigError`` prefixed with this table's file."""
        return ConfigError(f"{self.file}: {message}")

    def name(self, key: str) -> str:
        """The dotted name of ``key`` in this table."""
        return dotted((*self.key, key))

    def check_keys(self, allowed: Collection[str]) -> None:
        """Reject the first key not in ``allowed``, suggesting the nearest valid one."""
        for key in self.data:
            if key not in allowed:
                raise self.error(f"unknown key '{self.name(key)}'{did_you_mean(key, allowed)}")

    def wrong_type(self, key: str, expected: str) -> ConfigError:
        """``KEY must be EXPECTED, got a TYPE``."""
        return self.error(f"{self.name(key)} must be {expected}, got {type_name(self.data[key])}")

    def missing(self, key: str) -> ConfigError:
        """``missing required key 'KEY'``."""
        return self.error(f"missing required key '{self.name(key)}'")

    def present(self, key: str, value: T | None) -> T:
        """``value`` read by an ``optional_*`` reader, which must not have found it absent."""
        if value is None:
            raise self.missing(key)
        return value

    def of_type(self, key: str, type_: type[T], expected: str) -> T | None:
        """The value at ``key`` when it is a ``type_``, ``None`` if absent, else ``wrong_type``."""
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, type_):
            raise self.wrong_type(key, expected)
        return value

    def optional_str(self, key: str) -> str | None:
        """A non-empty string, or ``None`` if absent."""
        value = self.of_type(key, str, "a string")
        if value is not None and not value.strip():
            raise self.error(f"{self.name(key)} must not be empty")
        return value

    def required_str(self, key: str) -> str:
        """A non-empty string that must be present."""
        return self.present(key, self.optional_str(key))

    def boolean(self, key: str, default: bool) -> bool:
        """``true`` or ``false``."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.wrong_type(key, "a boolean (true or false)")
        return value

    def seconds(self, key: str, default: float, bounds: tuple[float, float]) -> float:
        """An integer or float number of seconds within ``bounds`` (inclusive)."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.wrong_type(key, "a number of seconds")
        low, high = bounds
        if not low <= value <= high:  # also false for nan
            raise self.error(f"{self.name(key)} must be between {low:g} and {high:g} seconds")
        return float(value)

    def choice(self, key: str, choices: Collection[str], default: str) -> str:
        """One of ``choices``."""
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.wrong_type(key, "a string")
        if value not in choices:
            options = " or ".join(f"'{c}'" for c in choices)
            raise self.error(f"{self.name(key)} must be {options}{did_you_mean(value, choices)}")
        return value

    def optional_url(self, key: str) -> str | None:
        """An absolute ``http://`` or ``https://`` URL, or ``None`` if absent."""
        value = self.optional_str(key)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            ok = False
        if not ok:
            raise self.error(f"{self.name(key)} must be an http:// or https:// URL with a host")
        return value

    def required_url(self, key: str) -> str:
        """An absolute ``http://`` or ``https://`` URL that must be present."""
        return self.present(key, self.optional_url(key))

    def path(self, key: str, base_dir: Path) -> Path | None:
        """A file path; relative paths resolve against ``base_dir``."""
        value = self.optional_str(key)
        if value is None:
            return None
        return (base_dir / Path(value).expanduser()).absolute()

    def file_path(self, key: str, base_dir: Path) -> Path | None:
        """A path to write a file at: like ``path``, but not an existing directory."""
        value = self.path(key, base_dir)
        if value is not None and value.is_dir():
            raise self.error(f"{self.name(key)} must be a file, but {value} is a directory")
        return value

    def table(self, key: str) -> Table | None:
        """A sub-table, or ``None`` if absent."""
        value = self.of_type(key, dict, f"a table ([{self.name(key)}])")
        return None if value is None else Table(value, (*self.key, key), self.file)

    def secret_source(self, key: str, *, inline_only: bool = False) -> SecretSource:
        """A required secret: ``"inline"``, ``{ env = "VAR" }`` or ``{ command = [...] }``.

        With ``inline_only`` (credentials.toml), only an inline string is accepted.
        """
        if key not in self.data:
            raise self.missing(key)
        value = self.data[key]
        if isinstance(value, str):
            if not value:
                raise self.error(f"{self.name(key)} must not be empty")
            if secret_too_long(value):
                raise self.error(
                    f"{self.name(key)} is longer than {MAX_SECRET_CHARS} characters; "
                    "that is not a client secret"
                )
            return SecretSource.from_value(value)
        if inline_only:
            raise self.error(
                f"{self.name(key)} must be an inline string here, got {type_name(value)}; "
                "this file holds saved values only: put { env = ... } or { command = [...] } "
                "sources in config.toml"
            )
        if not isinstance(value, dict):
            raise self.wrong_type(
                key, 'a string, { env = "VAR" } or { command = ["program", "arg"] }'
            )
        source = Table(value, (*self.key, key), self.file)
        source.check_keys(SECRET_SOURCE_KEYS)
        if len(value) != 1:
            raise self.error(f"{self.name(key)} must set exactly one of 'env' or 'command'")
        if "env" in value:
            return SecretSource.from_env(source.required_str("env"))
        argv = value["command"]
        if not (isinstance(argv, list) and argv and all(isinstance(a, str) and a for a in argv)):
            raise source.error(
                f"{source.name('command')} must be a non-empty array of strings "
                '(the program and its arguments, e.g. ["pass", "show", "x"])'
            )
        return SecretSource.from_command(argv)


def parse_carbonext(table: Table) -> CarbonextSettings:
    """``[profiles.NAME.carbonext]``."""
    table.check_keys(CARBONEXT_KEYS)
    return CarbonextSettings(
        # Trailing slashes would double up when clients join paths.
        api_url=table.required_url("api_url").rstrip("/"),
        token_url=table.required_url("token_url"),
        userinfo_url=table.optional_url("userinfo_url"),
        client_id=table.required_str("client_id"),
        client_secret=table.secret_source("client_secret"),
        scope=table.optional_str("scope"),
        token_auth=cast(
            TokenAuth, table.choice("token_auth", TOKEN_AUTH_CHOICES, "client_secret_post")
        ),
    )


def parse_registry(table: Table, base_dir: Path) -> RegistrySettings:
    """``[profiles.NAME.registry]``; an integer ``app_id`` is accepted as its string."""
    table.check_keys(REGISTRY_KEYS)
    api_url = table.required_url("api_url")
    if isinstance(table.data.get("app_id"), int) and not isinstance(table.data["app_id"], bool):
        app_id = str(table.data["app_id"])
    else:
        app_id = table.required_str("app_id")
    key_file = table.path("private_key_file", base_dir)
    if key_file is None:
        raise table.missing("private_key_file")
    return RegistrySettings(
        api_url=api_url.rstrip("/"),
        api_version=table.optional_str("api_version") or DEFAULT_REGISTRY_API_VERSION,
        app_id=app_id,
        private_key_file=key_file,
    )


def parse_profile(name: str, table: Table, base_dir: Path, source: Path) -> Profile:
    """``[profiles.NAME]`` with its optional service sub-tables."""
    table.check_keys(PROFILE_KEYS)
    carbonext_table = table.table("carbonext")
    registry_table = table.table("registry")
    carbonext = parse_carbonext(carbonext_table) if carbonext_table is not None else None
    registry = parse_registry(registry_table, base_dir) if registry_table is not None else None
    environment = table.optional_str("environment")
    if environment is None:
        environment = infer_environment(name, carbonext.api_url if carbonext else None)
    return Profile(
        name=name,
        environment=environment.strip().lower(),
        read_only=table.boolean("read_only", False),
        poll_interval=table.seconds("poll_interval", 30, POLL_INTERVAL_BOUNDS),
        timeout=table.seconds("timeout", 15, TIMEOUT_BOUNDS),
        token_cache=cast(
            TokenCacheMode, table.choice("token_cache", TOKEN_CACHE_CHOICES, "shared")
        ),
        ca_bundle=table.path("ca_bundle", base_dir),
        log_file=table.file_path("log_file", base_dir),
        carbonext=carbonext,
        registry=registry,
        source=source,
    )
