"""What every headless command needs: the selected profile and a session for it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from carbontui import logging_setup
from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.auth.shared_store import SharedTokenStore
from carbontui.config import (
    Config,
    Profile,
    load_config,
    resolve_config_path,
    resolve_profile_name,
)
from carbontui.history import ActionHistory
from carbontui.sanitize import neutralize
from carbontui.usecases.gate import ActionLog, Confirm, GatedWrites, WriteGate


class UsageError(Exception):
    """Wrong use of a command (exit code 2), e.g. a prod write without confirmation."""


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

    def action_log(self) -> ActionLog:
        """The selected profile's action history; a failure to write is a warning line."""

        def failed(exc: OSError) -> None:
            sys.stderr.write(
                f"carbontui: warning: could not write the action history: {neutralize(str(exc))}\n"
            )

        return ActionLog(ActionHistory(), self.profile.name, on_error=failed)

    def session(self) -> ProfileSession:
        """A fresh session for the selected profile (its ``log_file`` applies from here)."""
        logging_setup.apply_profile(self.profile)
        return ProfileSession(self.profile, cache=self.token_cache())

    def token_cache(self) -> TokenCache:
        """A cache backed by the shared store, or memory only with ``--no-cache``."""
        shared = not getattr(self.args, "no_cache", False)
        return TokenCache(store=SharedTokenStore() if shared else None)

    def gate(self) -> WriteGate:
        """The write gate of the selected profile (``--read-only`` included)."""
        return WriteGate.for_profile(self.profile, read_only=self.read_only)

    def writes(self, action: str) -> GatedWrites:
        """What a gated use case takes from the CLI: the gate, its confirmation, the history."""
        return GatedWrites(self.gate(), self.confirmer(action), self.action_log())

    def require_writable(self, action: str) -> None:
        """Refuse ``action`` on a read-only profile (``ReadOnlyError``, exit 2)."""
        self.gate().check_writable(action)

    def confirmer(self, action: str) -> Confirm:
        """The gate's ``confirm`` for the CLI: ``--yes``, ``--confirm PROFILE``, or a prompt.

        On a terminal the person types the profile name (or answers y for a plain question);
        with stdin not a terminal and neither flag given, the write is refused (exit 2).
        """

        async def confirm(question: str, type_to_confirm: str | None) -> bool:
            if getattr(self.args, "yes", False):
                return True
            given = getattr(self.args, "confirm", None)
            if given is not None and type_to_confirm is not None:
                if given == type_to_confirm:
                    return True
                raise UsageError(self._needs_confirmation(action, type_to_confirm))
            if not sys.stdin.isatty():
                raise UsageError(self._needs_confirmation(action, type_to_confirm))
            if type_to_confirm is not None:
                prompt = (
                    f"{question} Profile '{type_to_confirm}' is production. "
                    f"Type its name to {action}: "
                )
            else:
                prompt = f"{question} [y/N] "
            sys.stderr.write(neutralize(prompt))
            sys.stderr.flush()
            answer = sys.stdin.readline().strip()
            if type_to_confirm is not None:
                return answer == type_to_confirm
            return answer.lower() in ("y", "yes")

        return confirm

    def _needs_confirmation(self, action: str, type_to_confirm: str | None) -> str:
        name = self.profile.name
        flags = f"--yes or --confirm {type_to_confirm}" if type_to_confirm else "--yes"
        return f"{action} on production profile '{name}' needs confirmation: pass {flags}"


def add_confirmation_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--yes`` and ``--confirm PROFILE``: how a write on a prod profile is confirmed."""
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help=f"confirm the {verb} on a prod profile without asking",
    )
    parser.add_argument(
        "--confirm", metavar="PROFILE", help=f"confirm the {verb} on prod profile PROFILE"
    )
