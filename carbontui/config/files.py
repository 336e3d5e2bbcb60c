"""Reading TOML files with friendly errors, and the shared 0600 atomic writer."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from carbontui.config.errors import ConfigError, ConfigNotFound
from carbontui.errors import format_bytes

# tomllib appends "(at line L, column C)" or "(at end of document)" to its messages.
_TOML_POSITION = re.compile(
    r"^(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


#: The most a config.toml or credentials.toml may hold (a real one is a few KiB).
MAX_CONFIG_BYTES = 1024 * 1024
#: The most a private key file may hold (an RSA-4096 PEM is about 3.3 KiB).
MAX_KEY_BYTES = 64 * 1024

_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular_file(path: Path, cap: int) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` (at most ``cap``) and its ``fstat``, if it is a regular file.

    Opened without blocking (a FIFO cannot hang us) and checked on the open descriptor, so
    what is checked is what is read. Reads at most ``cap + 1`` bytes. Raises
    ``FileNotFoundError`` and other ``OSError`` as ``open`` does (a directory is
    ``IsADirectoryError``), and ``ConfigError`` for a device, FIFO or socket, or a file over
    ``cap``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "not a file")
            raise ConfigError(f"{path} is {kind}, not a regular file; refusing to read it")
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:
        raise ConfigError(f"{path} is larger than {format_bytes(cap)}; refusing to read it")
    return data, st


def check_trusted(path: Path, st: os.stat_result, what: str) -> None:
    """Refuse ``path`` (with ``st``, its stat) if another user owns it or may write it.

    ``what`` says what the file is for in the message ("config file", "directory").
    POSIX only: elsewhere there is nothing to check.
    """
    if os.name != "posix":
        return
    euid = os.geteuid()
    if st.st_uid != euid:
        raise ConfigError(
            f"{path} is owned by uid {st.st_uid}, not by you (uid {euid}); carbontui does not "
            f"trust a {what} another user controls; run: chown {euid} {path}"
        )
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = stat.S_IMODE(st.st_mode)
        fix = "chmod go-w" if stat.S_ISDIR(st.st_mode) else "chmod 600"
        raise ConfigError(
            f"{path} is writable by group/others (mode {mode:04o}); carbontui does not trust "
            f"a {what} others can change; run: {fix} {path}"
        )


def check_config_dir(directory: Path) -> None:
    """Refuse a config directory that is another user's or that others may write.

    Only the directory itself is checked, not its ancestors (``/tmp`` is world-writable).
    A missing directory passes (it is created 0700 when something is written there).
    """
    try:
        st = os.stat(directory)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ConfigError(f"cannot check {directory}: {exc.strerror or exc}") from None
    check_trusted(directory, st, "config directory")


def read_toml(path: Path, *, trusted_as: str | None = None) -> dict[str, Any]:
    """Parse ``path``; ``ConfigNotFound`` if missing, ``ConfigError`` (``path:line:col: ...``)
    on anything else.

    The file must be a regular file of at most ``MAX_CONFIG_BYTES``; with ``trusted_as`` (what
    the file is, for the message), it must also be the current user's and not writable by
    group/others (see ``check_trusted``).
    """
    try:
        data, st = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise ConfigNotFound(f"no config file at {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory, not a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    if trusted_as is not None:
        check_trusted(path, st, trusted_as)
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
