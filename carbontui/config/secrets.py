"""Secret values and the places they come from (inline, an environment variable, a command)."""

from __future__ import annotations

import hmac
import os
import selectors
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from carbontui.config.errors import ConfigError
from carbontui.redaction import register_secret
from carbontui.sanitize import neutralize

MASK = "********"
#: A secret command that has not finished by then is killed (a password manager may prompt).
COMMAND_TIMEOUT = 30.0
#: The most a secret command may print on stdout; more and it is killed.
MAX_COMMAND_OUTPUT = 64 * 1024
#: Of a failing command's stderr, only the last this-many bytes are kept (one line is shown).
MAX_COMMAND_STDERR = 8 * 1024
#: The longest secret value accepted from any source.
MAX_SECRET_CHARS = 4096


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


def secret_too_long(value: str) -> bool:
    """Whether ``value`` is longer than any real secret (``MAX_SECRET_CHARS``)."""
    return len(value) > MAX_SECRET_CHARS


def _from_env(var: str, env: Mapping[str, str]) -> Secret:
    value = env.get(var)
    if value is None:
        raise ConfigError(f"environment variable {var} is not set")
    if not value:
        raise ConfigError(f"environment variable {var} is empty")
    if secret_too_long(value):
        raise ConfigError(
            f"environment variable {var} is longer than {MAX_SECRET_CHARS} characters; "
            "that is not a client secret"
        )
    return Secret(value)


class _Stopped(Exception):
    """The command was killed: ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _run_capped(argv: tuple[str, ...], timeout: float, max_output: int) -> tuple[int, bytes, bytes]:
    """Run ``argv`` (no shell, stdin closed); its exit status, stdout and stderr.

    stdout is read up to ``max_output`` bytes; stderr is drained, keeping its last
    ``MAX_COMMAND_STDERR`` bytes. Raises ``_Stopped`` after killing the process if it prints more
    than ``max_output`` or has not exited within ``timeout`` seconds (a total deadline).
    """
    deadline = time.monotonic() + timeout
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = bytearray(), bytearray()
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ, out)
            selector.register(proc.stderr, selectors.EVENT_READ, err)
            while selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Stopped(f"timed out after {timeout:g} s")
                for key, _ in selector.select(left):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        continue
                    buffer: bytearray = key.data
                    if buffer is out:
                        out += chunk
                        if len(out) > max_output:
                            raise _Stopped(f"printed more than {_size(max_output)}; it was stopped")
                    else:  # keep the end: the complaint is usually the last line
                        err += chunk
                        del err[:-MAX_COMMAND_STDERR]
        try:
            code = proc.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            raise _Stopped(f"timed out after {timeout:g} s") from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()
    return code, bytes(out), bytes(err)


def _size(size: int) -> str:
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} bytes"


def _from_command(
    argv: tuple[str, ...], timeout: float, max_output: int = MAX_COMMAND_OUTPUT
) -> Secret:
    shown = f"secret command `{shlex.join(argv)}`"
    try:
        code, stdout, stderr = _run_capped(argv, timeout, max_output)
    except FileNotFoundError:
        raise ConfigError(f"{shown} failed: '{argv[0]}' not found") from None
    except _Stopped as stopped:
        raise ConfigError(f"{shown} {stopped.reason}") from None
    except OSError as exc:
        raise ConfigError(f"{shown} could not run: {exc.strerror or exc}") from None
    if code != 0:
        # stderr carries the tool's own complaint ("not in the password store"); stdout,
        # which may hold the secret, is never shown. One line, made inert for a terminal.
        lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
        detail = f": {neutralize(lines[-1].strip())[:200]}" if lines else ""
        raise ConfigError(f"{shown} exited with status {code}{detail}")
    try:
        value = stdout.decode().rstrip("\r\n")
    except UnicodeDecodeError:
        raise ConfigError(f"{shown} printed something that is not UTF-8 text") from None
    if not value:
        raise ConfigError(f"{shown} printed nothing")
    if secret_too_long(value):
        raise ConfigError(
            f"{shown} printed more than {MAX_SECRET_CHARS} characters; that is not a client secret"
        )
    return Secret(value)
