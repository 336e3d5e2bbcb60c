"""Validated, immutable configuration objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

from carbontui.config.errors import ConfigError, did_you_mean
from carbontui.config.paths import credentials_path_for
from carbontui.config.secrets import Secret, SecretSource

TokenAuth = Literal["client_secret_post", "client_secret_basic"]
#: Where a profile's tokens live: shared on disk by every carbontui process, or per process.
TokenCacheMode = Literal["shared", "memory"]

PROD_CARBONEXT_HOST = "api-b2b.carbonext.com.br"
DEFAULT_REGISTRY_API_VERSION = "2023-06-16"
PROD_ENVIRONMENTS = frozenset({"prod", "production"})


@dataclass(frozen=True, kw_only=True)
class CarbonextSettings:
    """How to reach Carbonext B2B and which client credentials to use."""

    api_url: str
    token_url: str
    userinfo_url: str | None = None
    client_id: str
    client_secret: SecretSource
    scope: str | None = None
    token_auth: TokenAuth = "client_secret_post"


@dataclass(frozen=True, kw_only=True)
class RegistrySettings:
    """How to reach CarbonRegistry and which app (id + private key) to sign JWTs as."""

    api_url: str
    api_version: str = DEFAULT_REGISTRY_API_VERSION
    app_id: str
    private_key_file: Path

    def load_private_key(self, *, check: bool = True) -> Secret:
        """The PEM text of the app's RSA or EC private key.

        ``ConfigError`` if the file is unreadable, not a PEM private key, encrypted, or of
        another key type. Read on demand, never at load time. ``check=False`` reads the file
        without parsing the key (see ``config.keys.read_private_key``).
        """
        from carbontui.config.keys import read_private_key

        return read_private_key(self.private_key_file, check=check)


@dataclass(frozen=True, kw_only=True)
class Profile:
    """One named set of endpoints and credentials (either service may be absent)."""

    name: str
    environment: str
    read_only: bool = False
    poll_interval: float = 30
    timeout: float = 15
    token_cache: TokenCacheMode = "shared"
    ca_bundle: Path | None = None
    #: Where to write a redacted debug log (``--log-file`` overrides).
    log_file: Path | None = None
    carbonext: CarbonextSettings | None = None
    registry: RegistrySettings | None = None
    source: Path

    @property
    def is_prod(self) -> bool:
        """Production profiles get a distinct look and confirmations for destructive actions."""
        return self.environment in PROD_ENVIRONMENTS

    @property
    def needs_ca_store(self) -> bool:
        """Some endpoint is ``https``, or a ``ca_bundle`` is set (checked even if unused)."""
        if self.ca_bundle is not None:
            return True
        urls = [self.carbonext.api_url, self.carbonext.token_url] if self.carbonext else []
        if self.carbonext and self.carbonext.userinfo_url:
            urls.append(self.carbonext.userinfo_url)
        if self.registry:
            urls.append(self.registry.api_url)
        return any(not url.lower().startswith("http://") for url in urls)


@dataclass(frozen=True, kw_only=True)
class Config:
    """A loaded ``config.toml`` with ``credentials.toml`` merged in."""

    path: Path
    default_profile: str | None
    profiles: Mapping[str, Profile]
    warnings: tuple[str, ...] = ()
    #: Profiles that could not be loaded: name -> the error selecting them raises.
    problems: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: ``[keymap]``: dashboard action id -> its keys (Textual names, comma separated).
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def credentials_path(self) -> Path:
        """The tool-owned ``credentials.toml`` beside the config."""
        return credentials_path_for(self.path)

    def profile(self, name: str | None) -> Profile:
        """The profile called ``name``; ``None`` means ``default_profile``, or the only one."""
        if name is None:
            known = [*self.profiles, *self.problems]
            if self.default_profile is not None:
                name = self.default_profile
            elif len(known) == 1:
                name = known[0]
            elif not known:
                raise ConfigError(f"no profiles are defined in {self.path}")
            else:
                raise ConfigError(
                    "no profile selected; use --profile NAME, CARBONTUI_PROFILE or "
                    f"default_profile in {self.path}; known profiles: {', '.join(known)}"
                )
        if name in self.problems:
            raise ConfigError(self.problems[name])
        try:
            return self.profiles[name]
        except KeyError:
            raise ConfigError(unknown_profile_message(name, self.profiles, self.path)) from None


def unknown_profile_message(name: str, known: Mapping[str, object], path: Path) -> str:
    """``unknown profile 'x'; known profiles: a, b; did you mean 'a'?``"""
    if not known:
        return f"unknown profile '{name}'; no profiles are defined in {path}"
    return (
        f"unknown profile '{name}'; known profiles: {', '.join(known)}{did_you_mean(name, known)}"
    )


def is_prod_carbonext_url(url: str) -> bool:
    """Whether ``url`` points at the production Carbonext B2B API host."""
    return urlsplit(url).hostname == PROD_CARBONEXT_HOST


def infer_environment(name: str, carbonext_api_url: str | None) -> str:
    """``prod`` / ``hml`` / ``custom`` from the profile name and Carbonext API URL."""
    lowered = name.lower()
    url = (carbonext_api_url or "").lower()
    if "prod" in lowered or (url and is_prod_carbonext_url(url)):
        return "prod"
    if "hml" in lowered or "hml" in url:
        return "hml"
    return "custom"
