"""Secret masking and the three secret sources (inline, env, command)."""

from __future__ import annotations

import shlex
import sys

import pytest
from config_testlib import COMMAND_SECRET, ENV_SECRET, INLINE_SECRET

from carbontui.config import ConfigError, Secret, SecretSource

PY = sys.executable


def python_command(code: str) -> list[str]:
    return [PY, "-c", code]


def test_secret_masks_itself() -> None:
    secret = Secret(INLINE_SECRET)
    assert repr(secret) == "Secret('********')"
    assert str(secret) == "Secret('********')"
    assert f"{secret}" == "Secret('********')"
    assert INLINE_SECRET not in repr([secret, {"k": secret}])
    assert secret.reveal() == INLINE_SECRET


def test_secret_equality_and_hash() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert len({Secret("a"), Secret("a"), Secret("b")}) == 2
    with pytest.raises(TypeError):
        Secret(1)  # type: ignore[arg-type]


def test_inline_source() -> None:
    source = SecretSource.from_value(INLINE_SECRET)
    assert source.kind == "inline"
    assert source.describe() == "inline value"
    assert source.resolve() == Secret(INLINE_SECRET)
    assert repr(source) == "SecretSource(inline=Secret('********'))"
    assert SecretSource(inline=INLINE_SECRET) == source  # type: ignore[arg-type]


def test_source_needs_exactly_one() -> None:
    with pytest.raises(ValueError):
        SecretSource()
    with pytest.raises(ValueError):
        SecretSource(env="A", command=("b",))


def test_env_source(monkeypatch: pytest.MonkeyPatch) -> None:
    source = SecretSource.from_env("CARBONEXT_HML_SECRET")
    assert source.kind == "env"
    assert source.describe() == "env CARBONEXT_HML_SECRET"
    assert repr(source) == "SecretSource(env='CARBONEXT_HML_SECRET')"
    assert source.resolve({"CARBONEXT_HML_SECRET": ENV_SECRET}).reveal() == ENV_SECRET
    monkeypatch.setenv("CARBONEXT_HML_SECRET", ENV_SECRET)
    assert source.resolve().reveal() == ENV_SECRET


def test_env_source_missing_or_empty() -> None:
    source = SecretSource.from_env("CARBONEXT_HML_SECRET")
    with pytest.raises(ConfigError) as info:
        source.resolve({})
    assert str(info.value) == "environment variable CARBONEXT_HML_SECRET is not set"
    with pytest.raises(ConfigError) as info:
        source.resolve({"CARBONEXT_HML_SECRET": ""})
    assert str(info.value) == "environment variable CARBONEXT_HML_SECRET is empty"


def test_command_source_strips_trailing_newline() -> None:
    argv = python_command(f"print({COMMAND_SECRET!r} + '  ')")
    source = SecretSource.from_command(argv)
    assert source.kind == "command"
    assert source.command == tuple(argv)
    assert source.describe() == f"command `{shlex.join(argv)}`"
    assert source.resolve().reveal() == COMMAND_SECRET + "  "


def test_command_source_keeps_inner_lines() -> None:
    source = SecretSource.from_command(python_command("print('a\\nb\\r')"))
    assert source.resolve().reveal() == "a\nb"


def test_command_not_found() -> None:
    source = SecretSource.from_command(["carbontui-no-such-program", "show", "x"])
    with pytest.raises(ConfigError) as info:
        source.resolve()
    assert str(info.value) == (
        "secret command `carbontui-no-such-program show x` failed: "
        "'carbontui-no-such-program' not found"
    )


def test_command_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONTUI_TEST_SECRET", COMMAND_SECRET)
    code = (
        "import os, sys; print(os.environ['CARBONTUI_TEST_SECRET']); "
        "sys.stderr.write('warming up\\nError: x is not in the password store.\\n'); sys.exit(3)"
    )
    argv = python_command(code)
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    assert str(info.value) == (
        f"secret command `{shlex.join(argv)}` exited with status 3: "
        "Error: x is not in the password store."
    )
    assert COMMAND_SECRET not in str(info.value)


def test_command_fails_silently() -> None:
    argv = python_command("raise SystemExit(1)")
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    assert str(info.value) == f"secret command `{shlex.join(argv)}` exited with status 1"


def test_command_prints_nothing() -> None:
    argv = python_command("print()")
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    assert str(info.value) == f"secret command `{shlex.join(argv)}` printed nothing"


def test_command_times_out() -> None:
    argv = python_command("import time; time.sleep(30)")
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve(timeout=0.5)
    assert str(info.value) == f"secret command `{shlex.join(argv)}` timed out after 0.5 s"


def test_command_default_timeout_is_thirty_seconds() -> None:
    """Long enough to type a passphrase into a password manager's prompt."""
    from carbontui.config.secrets import COMMAND_TIMEOUT

    assert COMMAND_TIMEOUT == 30


def test_command_not_executable(tmp_path) -> None:
    script = tmp_path / "secret.sh"
    script.write_text("#!/bin/sh\necho x\n")
    script.chmod(0o600)
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command([str(script)]).resolve()
    assert str(info.value) == (f"secret command `{script}` could not run: Permission denied")
