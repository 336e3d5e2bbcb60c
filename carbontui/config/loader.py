"""``load_config``: read config.toml, merge credentials.toml over it, validate."""

from __future__ import annotations

import copy
import ipaddress
import stat
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from carbontui.config.credentials import CredentialsEntry, parse_credentials
from carbontui.config.errors import ConfigError, ConfigNotFound, did_you_mean
from carbontui.config.files import check_config_dir, permission_warning, read_toml
from carbontui.config.keymap import parse_keymap
from carbontui.config.models import Config, Profile, is_prod_carbonext_url, unknown_profile_message
from carbontui.config.paths import credentials_path_for
from carbontui.config.schema import (
    TOP_LEVEL_KEYS,
    Table,
    check_profile_name,
    dotted,
    parse_profile,
)
from carbontui.sanitize import neutralize


def load_config(path: Path) -> Config:
    """Load and validate the config at ``path`` with its ``credentials.toml``.

    Raises ``ConfigNotFound`` if the config file is missing and ``ConfigError`` for a problem
    with a whole file (syntax, size, owner/mode, top-level keys, default_profile). A problem
    inside one profile only breaks that profile: it is left out of ``profiles`` and its
    message kept in ``problems`` (selecting it raises it). Secrets are not resolved here
    (see ``SecretSource.resolve``).
    """
    path = Path(path).expanduser().absolute()
    try:
        raw = read_toml(path, trusted_as="config file")
    except ConfigNotFound:
        raise ConfigNotFound(
            f"no config file at {path}; run `carbontui config init` to create one"
        ) from None
    # A config.toml may name a secret command: its directory must not let others swap it.
    check_config_dir(path.parent)
    creds_path = credentials_path_for(path)
    try:
        creds_raw = read_toml(creds_path, trusted_as="credentials file")
    except ConfigNotFound:
        creds_raw = {}
    top = Table(raw, (), path)
    top.check_keys(TOP_LEVEL_KEYS)
    default_profile = top.optional_str("default_profile")
    keymap, keymap_warnings = parse_keymap(raw.get("keymap"), path)
    profiles_table = top.table("profiles") or Table({}, ("profiles",), path)

    problems: dict[str, str] = {}
    raw_profiles: dict[str, dict[str, Any]] = {}
    for name in profiles_table:
        try:
            check_profile_name(name, path)
            table = profiles_table.table(name)
        except ConfigError as exc:
            problems[name] = str(exc)
            continue
        assert table is not None
        raw_profiles[name] = copy.deepcopy(dict(table.data))
    entries = parse_credentials(creds_raw, creds_path, problems)

    for entry in entries:
        if entry.name in raw_profiles and entry.name not in problems:
            try:
                _apply_credentials(raw_profiles[entry.name], entry, path, creds_path)
            except ConfigError as exc:
                problems[entry.name] = str(exc)

    base_dir = path.parent
    profiles: dict[str, Profile] = {}
    for name, data in raw_profiles.items():
        if name in problems:
            continue
        try:
            table = Table(data, ("profiles", name), path)
            profiles[name] = parse_profile(name, table, base_dir, path)
        except ConfigError as exc:
            problems[name] = str(exc)
    for entry in entries:
        if entry.name in raw_profiles or entry.name in problems:
            continue
        if entry.based_on in problems:
            problems[entry.name] = (
                f"{creds_path}: profile '{entry.name}' is based on profile "
                f"'{entry.based_on}', which has a problem: {problems[entry.based_on]}"
            )
            continue
        try:
            profiles[entry.name] = _derived_profile(entry, raw_profiles, profiles, path, creds_path)
        except ConfigError as exc:
            problems[entry.name] = str(exc)

    if (
        default_profile is not None
        and default_profile not in profiles
        and default_profile not in problems
    ):
        raise ConfigError(
            f"{path}: default_profile names an "
            + unknown_profile_message(default_profile, profiles, path)
        )
    return Config(
        path=path,
        default_profile=default_profile,
        profiles=MappingProxyType(profiles),
        warnings=tuple([*keymap_warnings, *_warnings(path, creds_path, profiles)]),
        problems=MappingProxyType(problems),
        keymap=keymap,
    )


def _apply_credentials(
    profile: dict[str, Any], entry: CredentialsEntry, config_path: Path, creds_path: Path
) -> None:
    if not entry.carbonext:
        return
    carbonext = profile.get("carbonext")
    if not isinstance(carbonext, dict):
        section = dotted(("profiles", entry.name, "carbonext"))
        raise ConfigError(
            f"{creds_path}: {section} has credentials for profile '{entry.name}', "
            f"which has no [{section}] in {config_path}"
        )
    carbonext.update(entry.carbonext)


def _derived_profile(
    entry: CredentialsEntry,
    raw_profiles: dict[str, dict[str, Any]],
    profiles: dict[str, Profile],
    config_path: Path,
    creds_path: Path,
) -> Profile:
    """A profile that exists only in credentials.toml: a copy of its ``based_on`` profile."""
    if entry.based_on is None:
        raise ConfigError(
            f"{creds_path}: profile '{entry.name}' is not in {config_path} and has no based_on"
            + did_you_mean(entry.name, raw_profiles)
        )
    if entry.based_on not in raw_profiles:
        raise ConfigError(
            f"{creds_path}: {dotted(('profiles', entry.name, 'based_on'))} names an "
            + unknown_profile_message(entry.based_on, raw_profiles, config_path)
        )
    data = copy.deepcopy(raw_profiles[entry.based_on])
    # Keep the base's environment even when it was inferred from the base's name (a key
    # created from "prod" must stay a prod profile).
    data["environment"] = profiles[entry.based_on].environment
    _apply_credentials(data, entry, config_path, creds_path)
    table = Table(data, ("profiles", entry.name), config_path)
    return parse_profile(entry.name, table, config_path.parent, creds_path)


def _warnings(config_path: Path, creds_path: Path, profiles: dict[str, Profile]) -> list[str]:
    files = [config_path, creds_path]
    warnings: list[str] = []
    plain_hosts: set[str] = set()
    for profile in profiles.values():
        if profile.registry is not None:
            files.append(profile.registry.private_key_file)
        if profile.ca_bundle is not None:
            problem = _ca_bundle_problem(profile.ca_bundle)
            if problem is not None:
                bundle = profile.ca_bundle
                warnings.append(f"profile '{profile.name}': ca_bundle {bundle} {problem}")
        warnings.extend(_plain_http_warnings(profile, plain_hosts))
        if profile.carbonext is None and profile.registry is None:
            warnings.append(f"profile '{profile.name}' configures neither carbonext nor registry")
        if (
            profile.carbonext is not None
            and not profile.is_prod
            and is_prod_carbonext_url(profile.carbonext.api_url)
        ):
            warnings.append(
                f"profile '{profile.name}' has environment '{profile.environment}' but its "
                "carbonext api_url is the production API"
            )
    for file in dict.fromkeys(files):  # de-duplicated, in order
        warning = permission_warning(file)
        if warning is not None:
            warnings.append(warning)
    return list(dict.fromkeys(warnings))


def _ca_bundle_problem(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "not found"
    return None if stat.S_ISREG(mode) else "is not a regular file"


LOOPBACK_NAMES = ("localhost", "localhost.")


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` (and ``*.localhost``), 127.0.0.0/8 and ``::1``."""
    if not host:
        return False
    host = host.lower()
    if host in LOOPBACK_NAMES or host.rstrip(".").endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _plain_http_warnings(profile: Profile, seen: set[str]) -> list[str]:
    """A warning for an ``http://`` URL to a non-loopback host (credentials sent in clear).

    Once per host (``seen`` collects them): profiles based on another repeat its URLs.
    """
    urls: list[tuple[str, str | None]] = []
    if profile.carbonext is not None:
        cx = profile.carbonext
        urls += [
            ("carbonext.api_url", cx.api_url),
            ("carbonext.token_url", cx.token_url),
            ("carbonext.userinfo_url", cx.userinfo_url),
        ]
    if profile.registry is not None:
        urls.append(("registry.api_url", profile.registry.api_url))
    warnings = []
    for key, url in urls:
        if url is None:
            continue
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme.lower() != "http" or is_loopback_host(host) or host in seen:
            continue
        seen.add(host)
        # Only the host is shown: a URL may carry user:password.
        warnings.append(
            f"profile '{profile.name}': {key} uses plain http:// to "
            f"{neutralize(host)}, which is not loopback; credentials and "
            "tokens would travel unencrypted (use https://)"
        )
    return warnings
