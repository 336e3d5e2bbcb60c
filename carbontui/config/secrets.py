"""Secret values and the places they come from (inline, an environment variable, a command)."""

from __future__ import annotations

import hmac
import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from carbontui.config.errors import ConfigError
from carbontui.redaction import register_secret

MASK = "********"
COMMAND_TIMEOUT = 10.0


class Secret:
    """A secret string that masks itself in ``repr``/``str``; ``reveal()`` returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Secret wraps a str, not {type(value).__name__}")
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        """The secret value itself: use it, don't print it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))


@dataclass(frozen=True)
class SecretSource:
    """Where a secret comes from: exactly one of ``inline``, ``env`` or ``command``.

    Resolution is lazy (``resolve()``), so merely loading or listing profiles never runs a
    password manager. A ``str`` given as ``inline`` is wrapped in a ``Secret``.
    """

    inline: Secret | None = None
    env: str | None = None
    command: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.inline, str):
            object.__setattr__(self, "inline", Secret(self.inline))
        if self.command is not None:
            object.__setattr__(self, "command", tuple(self.command))
        chosen = [x for x in (self.inline, self.env, self.command) if x is not None]
        if len(chosen) != 1:
            raise ValueError("SecretSource needs exactly one of inline, env or command")

    @classmethod
    def from_value(cls, value: str) -> SecretSource:
        """An inline secret."""
        return cls(inline=Secret(value))

    @classmethod
    def from_env(cls, var: str) -> SecretSource:
        """A secret read from environment variable ``var`` when resolved."""
        return cls(env=var)

    @classmethod
    def from_command(cls, argv: Sequence[str]) -> SecretSource:
        """A secret printed by running ``argv`` (no shell) when resolved."""
        return cls(command=tuple(argv))

    @property
    def kind(self) -> Literal["inline", "env", "command"]:
        """Which of the three sources this is."""
        if self.inline is not None:
            return "inline"
        return "env" if self.env is not None else "command"

    def describe(self) -> str:
        """Where the secret comes from, never its value: ``"env CARBONEXT_HML_SECRET"``."""
        if self.env is not None:
            return f"env {self.env}"
        if self.command is not None:
            return f"command `{shlex.join(self.command)}`"
        return "inline value"

    def resolve(
        self, env: Mapping[str, str] | None = None, timeout: float = COMMAND_TIMEOUT
    ) -> Secret:
        """The secret itself; ``ConfigError`` naming the variable or command if unavailable."""
        if self.inline is not None:
            return self.inline
        if self.env is not None:
            return _from_env(self.env, os.environ if env is None else env)
        assert self.command is not None
        return _from_command(self.command, timeout)

    def __repr__(self) -> str:
        if self.env is not None:
            return f"SecretSource(env={self.env!r})"
        if self.command is not None:
            return f"SecretSource(command={self.command!r})"
        return f"SecretSource(inline={self.inline!r})"


def _from_env(var: str, env: Mapping[str, str]) -> Secret:
    value = env.get(var)
    if value is None:
        raise ConfigError(f"environment variable {var} is not set")
    if not value:
        raise ConfigError(f"environment variable {var} is empty")
    return Secret(value)


def _from_command(argv: tuple[str, ...], timeout: float) -> Secret:
    shown = f"secret command `{shlex.join(argv)}`"
    try:
        done = subprocess.run(
            argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise ConfigError(f"{shown} failed: '{argv[0]}' not found") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{shown} timed out after {timeout:g} s") from None
    except OSError as exc:
        raise ConfigError(f"{shown} could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        # stderr carries the tool's own complaint ("not in the password store"); stdout,
        # which may hold the secret, is never shown.
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        detail = f": {lines[-1][:200]}" if lines else ""
        raise ConfigError(f"{shown} exited with status {done.returncode}{detail}")
    try:
        value = done.stdout.decode().rstrip("\r\n")
    except UnicodeDecodeError:
        raise ConfigError(f"{shown} printed something that is not UTF-8 text") from None
    if not value:
        raise ConfigError(f"{shown} printed nothing")
    return Secret(value)
