"""Configuration errors: one user-facing message each, never a secret value."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(Exception):
    """A problem with the configuration; ``str(error)`` is the message the CLI prints."""


class ConfigNotFound(ConfigError):
    """The config file does not exist (the app shows a first-run message)."""


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The valid name closest to ``word`` (case-insensitive), or ``None`` if nothing is close."""
    by_lower = {choice.lower(): choice for choice in choices}
    if word.lower() in by_lower:
        return by_lower[word.lower()]
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return by_lower[matches[0]] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest valid name, or ``""``."""
    match = suggest(word, choices)
    return f"; did you mean '{match}'?" if match else ""


class ProfileExists(ConfigError):
    """Saving credentials under a profile name that is already taken (never overwritten)."""

    def __init__(self, name: str, file: object) -> None:
        super().__init__(f"profile '{name}' already exists in {file}; choose another name")
        self.name = name
        self.file = file
