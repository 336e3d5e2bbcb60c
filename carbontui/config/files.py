"""Reading TOML files with friendly errors, and the shared 0600 atomic writer."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from carbontui.config.errors import ConfigError, ConfigNotFound

# tomllib appends "(at line L, column C)" or "(at end of document)" to its messages.
_TOML_POSITION = re.compile(
    r"^(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse ``path``; ``ConfigNotFound`` if missing, ``ConfigError`` (``path:line:col: ...``)
    on anything else."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigNotFound(f"no config file at {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory, not a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data[: exc.start].decode("utf-8", errors="replace"))
        raise ConfigError(f"{path}:{line}:{col}: not valid UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_message(path, text, str(exc))) from None


def _syntax_message(path: Path, text: str, message: str) -> str:
    match = _TOML_POSITION.match(message)
    if match is None:
        return f"{path}: {message}"
    if match["line"] is None:
        line, col = _line_col(text)
    else:
        line, col = int(match["line"]), int(match["col"])
    return f"{path}:{line}:{col}: {match['msg']}"


def _line_col(text: str) -> tuple[int, int]:
    """1-based position just after the end of ``text``."""
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def permission_warning(path: Path) -> str | None:
    """A warning if ``path`` exists and group or others may read or write it (POSIX only)."""
    if os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    access = [
        word
        for word, bits in (
            ("readable", stat.S_IRGRP | stat.S_IROTH),
            ("writable", stat.S_IWGRP | stat.S_IWOTH),
        )
        if mode & bits
    ]
    if not access:
        return None
    return (
        f"{path} is {' and '.join(access)} by group/others (mode {stat.S_IMODE(mode):04o}); "
        f"run: chmod 600 {path}"
    )


def atomic_write_private(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` atomically; the file is mode 0600 from its creation.

    Writes a temp file in the same directory (``mkstemp`` creates it 0600), fsyncs it and
    ``os.replace``s it over ``path``, so readers see the old or the new file, never a mix.
    Missing parent directories are created (0700).
    """
    path = Path(path)
    payload = data.encode() if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            if hasattr(os, "fchmod"):
                os.fchmod(tmp.fileno(), 0o600)
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
