"""Why a poll failed, in words for a person: what is wrong, what to do, and whether waiting helps.

A transient problem (no answer, a 5xx, a rate limit) goes away by itself, so the view retries.
A lasting one (a secret that cannot be resolved, credentials the server refuses, a missing
permission) does not: retrying only repeats it, so the view stops and says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carbontui.auth.app_jwt import PrivateKeyError
from carbontui.config import ConfigError
from carbontui.errors import ApiError

#: Press this after fixing a lasting problem (PollingView binds it to a reload).
RELOAD_KEY = "ctrl+r"
#: OAuth error codes (Keycloak answers them with a 400) that mean the credentials are wrong.
REFUSED_CLIENT = frozenset({"invalid_client", "unauthorized_client", "invalid_scope"})
_ENV_VAR = re.compile(r"environment variable (\w+) is (?:not set|empty)")


@dataclass(frozen=True)
class Problem:
    """One failure of a poll, as shown to the user."""

    message: str
    #: What to do about it; empty for a transient problem.
    advice: str = ""
    #: Retrying cannot help until the user changes something and reloads.
    lasting: bool = False


def classify(exc: BaseException) -> Problem:
    """The problem ``exc`` stands for; an error raised ``from`` another is judged by that one."""
    message = str(exc)
    cause = exc.__cause__
    if cause is not None and not isinstance(exc, ApiError | ConfigError | PrivateKeyError):
        judged = classify(cause)
        return Problem(message, judged.advice, lasting=judged.lasting)
    if isinstance(exc, ConfigError | PrivateKeyError):
        return Problem(message, _config_advice(message), lasting=True)
    if isinstance(exc, ApiError) and (exc.status in (401, 403) or exc.code in REFUSED_CLIENT):
        registry = exc.endpoint.split(" ", 1)[-1].startswith("/app/")
        if exc.status == 403:
            advice = (
                "This profile's key lacks a permission: grant it (or use a profile whose key "
                f"has it), then press {RELOAD_KEY}."
            )
        elif registry:
            advice = (
                "CarbonRegistry refused the app's credentials: check app_id and "
                f"private_key_file in the config, then press {RELOAD_KEY}."
            )
        else:
            advice = (
                "Carbonext refused this profile's credentials: check client_id and "
                f"client_secret (config.toml or credentials.toml), then press {RELOAD_KEY}."
            )
        return Problem(message, advice, lasting=True)
    return Problem(message)


def _config_advice(message: str) -> str:
    var = _ENV_VAR.search(message)
    if var:
        # A running process never sees variables exported later in the shell that started it.
        return (
            f"Set {var[1]} and start carbontui again, or give the secret another source "
            f"(inline in credentials.toml, or a command) and press {RELOAD_KEY}."
        )
    return f"Fix the profile in the config (or the file it names), then press {RELOAD_KEY}."


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked to wait before trying again (``Retry-After``), if it did."""
    for error in (exc, exc.__cause__):
        if isinstance(error, ApiError) and error.retry_after is not None:
            return error.retry_after
    return None
