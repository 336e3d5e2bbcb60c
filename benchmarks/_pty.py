"""Run a program on a fresh pseudo-terminal and time it until its screen shows something.

The program gets a new pty (``COLS`` x ``ROWS``, ``TERM=xterm-256color``) as its controlling
terminal, in its own session, so nothing it does reaches the terminal of the process timing
it. Its output is read continuously (it never blocks on a full pty buffer) and fed to
:class:`Screen`, a minimal terminal model, so a condition is checked against the text where it
is drawn: a marker split across reads or across style escapes is still found, and text drawn
over is gone. Terminal queries (e.g. DECRQM) get no answer, as from a terminal lacking them.
"""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROWS, COLS = 40, 120

#: One escape sequence: CSI (params, final), a string (OSC, DCS, ...), or a short ESC sequence.
_ESCAPE = re.compile(
    r"\x1b(?:\[([0-?]*)[ -/]*([@-~])"
    r"|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|[ -/]*[0-OQ-WYZ\\`-~])"
)
_TEXT = re.compile(r"[^\x00-\x1f\x7f]+")
#: An escape this long without an end is not one: skip its ESC instead of waiting for more.
_MAX_PENDING = 4096


class Screen:
    """Just enough of a VT100 to know which text is on which line.

    Understood: cursor positioning and moves, CR/LF/BS/TAB, erase in display/line/characters,
    the alternate screen (cleared on entry). Styles and modes are dropped; wide characters
    take two cells.
    """

    def __init__(self, rows: int = ROWS, cols: int = COLS) -> None:
        self.rows, self.cols = rows, cols
        self.row = self.col = 0
        self._cells = [[" "] * cols for _ in range(rows)]
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""

    def lines(self) -> list[str]:
        """The screen's text, one string per line, trailing blanks removed."""
        return ["".join(line).rstrip() for line in self._cells]

    def feed(self, data: bytes) -> None:
        """Apply the terminal output ``data`` (any split of the stream)."""
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        pos, end = 0, len(text)
        while pos < end:
            ch = text[pos]
            if ch == "\x1b":
                match = _ESCAPE.match(text, pos)
                if match is None:
                    if end - pos <= _MAX_PENDING:
                        self._pending = text[pos:]  # incomplete: wait for the rest
                        return
                    pos += 1
                    continue
                if match.group(2):
                    self._csi(match.group(1), match.group(2))
                pos = match.end()
            elif ch < " " or ch == "\x7f":
                self._control(ch)
                pos += 1
            else:
                match = _TEXT.match(text, pos)
                assert match is not None
                self._text(match.group())
                pos = match.end()

    def _clamp(self) -> None:
        self.row = min(max(self.row, 0), self.rows - 1)
        self.col = min(max(self.col, 0), self.cols)

    def _text(self, text: str) -> None:
        line = self._cells[self.row]
        for ch in text:
            wide = unicodedata.east_asian_width(ch) in "WF"
            if self.col < self.cols:
                line[self.col] = ch
                if wide and self.col + 1 < self.cols:
                    line[self.col + 1] = ""
            self.col = min(self.col + (2 if wide else 1), self.cols)

    def _control(self, ch: str) -> None:
        if ch == "\r":
            self.col = 0
        elif ch == "\n":
            if self.row == self.rows - 1:
                self._cells.pop(0)
                self._cells.append([" "] * self.cols)
            else:
                self.row += 1
        elif ch == "\b":
            self.col = max(self.col - 1, 0)
        elif ch == "\t":
            self.col = min((self.col // 8 + 1) * 8, self.cols - 1)

    def _erase(self, row: int, start: int, stop: int) -> None:
        self._cells[row][start:stop] = [" "] * (stop - start)

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?"):
            if final == "h" and "1049" in params.split(";"):
                self._csi("2", "J")  # the alternate screen starts blank
            return
        if params[:1] in ("<", "=", ">"):
            return
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        n = nums[0] if nums and nums[0] else 1
        if final in "Hf":
            self.row = (nums[0] if nums and nums[0] else 1) - 1
            self.col = (nums[1] if len(nums) > 1 and nums[1] else 1) - 1
        elif final == "A":
            self.row -= n
        elif final == "B":
            self.row += n
        elif final == "C":
            self.col += n
        elif final == "D":
            self.col -= n
        elif final == "G":
            self.col = n - 1
        elif final == "d":
            self.row = n - 1
        elif final == "J":
            mode = nums[0] if nums else 0
            first, last = {0: (self.row + 1, self.rows), 1: (0, self.row)}.get(mode, (0, self.rows))
            for row in range(first, last):
                self._erase(row, 0, self.cols)
            if mode == 0:
                self._erase(self.row, min(self.col, self.cols), self.cols)
            elif mode == 1:
                self._erase(self.row, 0, min(self.col + 1, self.cols))
        elif final == "K":
            mode = nums[0] if nums else 0
            start = 0 if mode in (1, 2) else min(self.col, self.cols)
            stop = min(self.col + 1, self.cols) if mode == 1 else self.cols
            self._erase(self.row, start, stop)
        elif final == "X":
            self._erase(self.row, min(self.col, self.cols), min(self.col + n, self.cols))
        self._clamp()


def _take_terminal() -> None:
    """In the child, after ``setsid``: make the pty (its stdin) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _read(fd: int, timeout: float) -> bytes | None:
    """What the pty has within ``timeout`` (b"" if nothing yet); None once it is closed."""
    if not select.select([fd], [], [], max(timeout, 0))[0]:
        return b""
    try:
        return os.read(fd, 65536) or None
    except OSError:  # EIO: every slave end is closed, the child is gone
        return None


def time_until(
    argv: Sequence[str],
    env: Mapping[str, str],
    ready: Callable[[Screen], bool],
    *,
    cwd: Path,
    timeout: float = 60.0,
) -> float:
    """Seconds from spawning ``argv`` on a new pty until ``ready(screen)`` holds.

    Then the child's process group gets SIGTERM (SIGKILL if still there after 5 s) and is
    reaped; the pty is drained until it closes. Raises if the child exits or times out first.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    child_env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES", "TEXTUAL_DRIVER")}
    child_env["TERM"] = "xterm-256color"
    screen = Screen()
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=child_env,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
    finally:
        os.close(slave)
    elapsed: float | None = None
    try:
        while (now := time.perf_counter()) - start < timeout:
            data = _read(master, start + timeout - now)
            if data is None:
                break
            screen.feed(data)
            if data and ready(screen):
                elapsed = time.perf_counter() - start
                break
    finally:
        _stop(proc, master)
    if elapsed is None:
        shown = "\n".join(line for line in screen.lines() if line.strip())
        raise RuntimeError(
            f"{argv} not ready after {time.perf_counter() - start:.1f} s "
            f"(exit code {proc.returncode}); screen:\n{shown}"
        )
    return elapsed


def _stop(proc: subprocess.Popen[bytes], master: int) -> None:
    """SIGTERM the child's process group, drain the pty until it closes, reap the child."""
    try:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            if _read(master, 0.1) is None:
                break
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        proc.wait(10)
    finally:
        os.close(master)
