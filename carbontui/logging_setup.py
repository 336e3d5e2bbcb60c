"""The optional log file (``--log-file`` or a profile's ``log_file``), with secrets redacted.

One file handler on the root logger at a time; carbontui, httpx and httpcore log at DEBUG into
it. A ``RedactingFilter`` on the handler rewrites every record before it is written, so neither
our lines nor the libraries' own debug output can carry a token, secret or key.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbontui.config import ConfigError, Profile
from carbontui.redaction import redact

if TYPE_CHECKING:
    import httpx

#: Loggers whose DEBUG output goes into the file (everything else: WARNING and up).
DEBUG_LOGGERS = ("carbontui", "httpx", "httpcore")
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

http_log = logging.getLogger("carbontui.http")
_STARTED = "carbontui.started"


class RedactingFilter(logging.Filter):
    """Replaces each record's message (and traceback) with a redacted rendering."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Formatters use a set exc_text as is, instead of rendering exc_info again.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PrivateFileHandler(logging.FileHandler):
    """A FileHandler whose file is created, or tightened to, mode 0600."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


@dataclass
class _Active:
    handler: PrivateFileHandler
    path: Path
    #: Chosen by ``--log-file``: profile settings do not replace it.
    pinned: bool


_active: _Active | None = None


def configure(path: Path, *, pinned: bool = False) -> Path:
    """Log to ``path`` from now on (replacing any earlier log file); returns the path."""
    global _active
    path = path.expanduser().absolute()
    if _active is not None and _active.path == path:
        _active.pinned = _active.pinned or pinned
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = PrivateFileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot open log file {path}: {exc.strerror or exc}") from None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    shutdown()
    logging.getLogger().addHandler(handler)
    for name in DEBUG_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    _active = _Active(handler, path, pinned)
    logging.getLogger("carbontui").info("logging to %s", path)
    return path


def apply_profile(profile: Profile) -> None:
    """Follow ``profile.log_file``, unless ``--log-file`` chose the file."""
    if _active is not None and _active.pinned:
        return
    if profile.log_file is None:
        shutdown()
    else:
        configure(profile.log_file)


def shutdown() -> None:
    """Close the log file, if one is open."""
    global _active
    if _active is None:
        return
    logging.getLogger().removeHandler(_active.handler)
    _active.handler.close()
    for name in DEBUG_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    _active = None


def current_log_file() -> Path | None:
    """The file being logged to, if any."""
    return _active.path if _active is not None else None


# -- request lines ---------------------------------------------------------------------------


async def _on_request(request: httpx.Request) -> None:
    request.extensions[_STARTED] = time.perf_counter()


async def _on_response(response: httpx.Response) -> None:
    request = response.request
    started = request.extensions.get(_STARTED)
    took = time.perf_counter() - started if isinstance(started, float) else 0.0
    # Path only: query strings and hosts add nothing and could carry parameters.
    http_log.info(
        "%s %s -> %d in %.3fs", request.method, request.url.path, response.status_code, took
    )


def request_log_hooks() -> Mapping[str, list[Callable[..., Any]]]:
    """httpx ``event_hooks`` that log method, path, status and time to headers."""
    return {"request": [_on_request], "response": [_on_response]}
