"""What every headless command needs: the selected profile and a session for it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from carbontui import logging_setup
from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import (
    Config,
    Profile,
    load_config,
    resolve_config_path,
    resolve_profile_name,
)
from carbontui.errors import ReadOnlyError
from carbontui.history import ActionHistory
from carbontui.sanitize import neutralize


class UsageError(Exception):
    """Wrong use of a command (exit code 2), e.g. a create on a read-only profile."""


@dataclass
class CommandContext:
    """Parsed arguments plus lazily loaded config and profile."""

    args: argparse.Namespace
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    _config: Config | None = None

    @property
    def config(self) -> Config:
        """The loaded configuration (warnings go to stderr once)."""
        if self._config is None:
            path = resolve_config_path(getattr(self.args, "config", None), self.env)
            self._config = load_config(path)
            for warning in self._config.warnings:
                sys.stderr.write(f"carbontui: warning: {neutralize(str(warning))}\n")
        return self._config

    @property
    def profile(self) -> Profile:
        """The selected profile: --profile, CARBONTUI_PROFILE, then default_profile."""
        return self.config.profile(
            resolve_profile_name(getattr(self.args, "profile", None), self.env)
        )

    @property
    def read_only(self) -> bool:
        """Whether create/revoke are blocked (profile setting or --read-only)."""
        return bool(getattr(self.args, "read_only", False)) or self.profile.read_only

    def record(self, action: str, objects: Sequence[str], outcome: str) -> None:
        """Append to the local action history (ids and outcomes only); never fails the command."""
        try:
            ActionHistory().record(self.profile.name, action, objects, outcome)
        except OSError as exc:
            sys.stderr.write(
                f"carbontui: warning: could not write the action history: {neutralize(str(exc))}\n"
            )

    def session(self) -> ProfileSession:
        """A fresh session for the selected profile (its ``log_file`` applies from here)."""
        logging_setup.apply_profile(self.profile)
        return ProfileSession(self.profile, cache=TokenCache())

    def require_writable(self, action: str) -> None:
        """Refuse ``action`` on a read-only profile; on prod, demand the typed profile name."""
        profile = self.profile
        if self.read_only:
            raise ReadOnlyError(f"{action} refused: profile '{profile.name}' is read-only")
        if not profile.is_prod:
            return
        confirm = getattr(self.args, "confirm", None)
        if confirm is None and sys.stdin.isatty():
            sys.stderr.write(
                f"Profile '{neutralize(profile.name)}' is production. Type its name to {action}: "
            )
            sys.stderr.flush()
            confirm = sys.stdin.readline().strip()
        if confirm != profile.name:
            raise UsageError(
                f"{action} on production profile '{profile.name}' needs confirmation: "
                f"pass --confirm {profile.name}"
            )


def require_service(session: ProfileSession, service: str) -> None:
    """Fail clearly when the profile has no usable ``service`` (missing section, bad secret)."""
    session.require(service)
