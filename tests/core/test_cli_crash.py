"""An unexpected exception in a command or while starting the dashboard: one inert line.

Exit 1, no traceback and no secret on stderr; with a log file, the traceback (redacted, no
locals) is in the log.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

import carbontui.commands.keys as keys_module
import carbontui.launch as launch_module
from carbontui import logging_setup
from carbontui.cli import main
from carbontui.redaction import MASK, forget_all_secrets, register_secret

SECRET = "s3cr3t-client-secret-0123456789abcdef"
#: A local variable's value that is not a secret: it must not appear anywhere either.
LOCAL_MARKER = "local-marker-7d1f0c"
HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x1b[2J\x9b31m"


@pytest.fixture(autouse=True)
def _secret() -> Iterator[None]:
    register_secret(SECRET)
    yield
    logging_setup.shutdown()
    forget_all_secrets()


def _explode() -> None:
    client_secret = SECRET
    marker = LOCAL_MARKER
    raise RuntimeError(f"could not use {client_secret} {HOSTILE}{marker[:0]}")


async def _failing_handler(ctx: object) -> int:
    _explode()
    return 0


def _assert_one_clean_line(err: str) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith("carbontui: error: unexpected RuntimeError: could not use ")
    assert MASK in err
    assert SECRET not in err and LOCAL_MARKER not in err
    assert "Traceback" not in err
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in err), err


def _assert_log_has_redacted_traceback(log: Path) -> None:
    text = log.read_text()
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: could not use" in text
    assert "_explode" in text  # the frames are there ...
    assert SECRET not in text and MASK in text
    assert LOCAL_MARKER not in text  # ... but never their locals


def test_unexpected_exception_in_a_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(keys_module, "run_list", _failing_handler)
    code = main(["keys", "list"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    _assert_one_clean_line(err)
    assert err.rstrip().endswith("(run with --log-file PATH for details)")


def test_unexpected_exception_in_a_command_with_a_log_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(keys_module, "run_list", _failing_handler)
    log = tmp_path / "debug.log"
    code = main(["keys", "list", "--log-file", str(log)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    _assert_one_clean_line(err)
    assert err.rstrip().endswith(f"(details in {log})")
    _assert_log_has_redacted_traceback(log)


def _failing_config_load(path: Path) -> None:
    _explode()


@pytest.mark.parametrize("with_log", [False, True])
def test_unexpected_exception_while_starting_the_dashboard(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    with_log: bool,
) -> None:
    monkeypatch.setattr(launch_module, "load_config", _failing_config_load)
    log = tmp_path / "debug.log"
    argv = ["--config", str(tmp_path / "config.toml")]
    code = main([*argv, "--log-file", str(log)] if with_log else argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    _assert_one_clean_line(err)
    if with_log:
        _assert_log_has_redacted_traceback(log)
    else:
        assert not log.exists()


def test_interrupt_is_not_reported_as_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(launch_module, "_run_dashboard", interrupted)
    assert main([]) == 130
