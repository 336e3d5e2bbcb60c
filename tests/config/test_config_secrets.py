"""Secret masking and the three secret sources (inline, env, command)."""

from __future__ import annotations

import shlex
import sys

import pytest
from config_testlib import COMMAND_SECRET, ENV_SECRET, INLINE_SECRET, load_strict

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


# -- caps and deadlines ---------------------------------------------------------------------


def test_command_output_is_capped_and_the_command_killed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from carbontui.config.secrets import MAX_COMMAND_OUTPUT

    assert MAX_COMMAND_OUTPUT == 64 * 1024
    monkeypatch.setenv("CARBONTUI_TEST_SECRET", COMMAND_SECRET)
    # Prints forever: only a cap stops it (the deadline is far away).
    argv = python_command(
        "import os, sys\nsys.stdout.write(os.environ['CARBONTUI_TEST_SECRET'])\n"
        "while True: sys.stdout.write('x' * 4096)"
    )
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve(timeout=60)
    assert str(info.value) == (
        f"secret command `{shlex.join(argv)}` printed more than 64 KiB; it was stopped"
    )
    assert COMMAND_SECRET not in str(info.value)


def test_command_that_prints_slowly_forever_hits_the_deadline() -> None:
    argv = python_command(
        "import sys, time\nwhile True:\n    sys.stdout.write('x'); sys.stdout.flush(); "
        "time.sleep(0.01)"
    )
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve(timeout=0.3)
    assert str(info.value) == f"secret command `{shlex.join(argv)}` timed out after 0.3 s"


def test_command_that_closes_its_output_but_never_exits_hits_the_deadline() -> None:
    argv = python_command(
        "import os, sys, time\nprint('s3cret', flush=True)\nos.close(1); os.close(2)\n"
        "time.sleep(60)"
    )
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve(timeout=0.3)
    assert str(info.value) == f"secret command `{shlex.join(argv)}` timed out after 0.3 s"


def test_command_stderr_is_one_neutralised_line_and_stdout_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CARBONTUI_TEST_SECRET", COMMAND_SECRET)
    code = (
        "import os, sys; print(os.environ['CARBONTUI_TEST_SECRET']); "
        "sys.stderr.write('noise\\n' * 5000); "
        "sys.stderr.write('gpg: \\x1b]52;c;aGk=\\x07decryption \\x1b[2Jfailed\\n'); sys.exit(2)"
    )
    argv = python_command(code)
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    message = str(info.value)
    assert message.startswith(f"secret command `{shlex.join(argv)}` exited with status 2: ")
    assert COMMAND_SECRET not in message
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    # Only the last line of a long stderr, made inert.
    assert message.endswith(
        ": gpg: \N{REPLACEMENT CHARACTER}decryption \N{REPLACEMENT CHARACTER}failed"
    )


def test_command_stderr_line_is_neutralised() -> None:
    argv = python_command("import sys; sys.stderr.write('bad \\x1b[31mred\\x9b\\n'); sys.exit(1)")
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    tail = str(info.value).rsplit("exited with status 1: ", 1)[1]
    assert tail == "bad \N{REPLACEMENT CHARACTER}red\N{REPLACEMENT CHARACTER}"


def test_command_secret_longer_than_the_cap() -> None:
    argv = python_command("print('s' * 4097)")
    with pytest.raises(ConfigError) as info:
        SecretSource.from_command(argv).resolve()
    assert str(info.value) == (
        f"secret command `{shlex.join(argv)}` printed more than 4096 characters; "
        "that is not a client secret"
    )
    assert SecretSource.from_command(python_command("print('s' * 4096)")).resolve().reveal() == (
        "s" * 4096
    )


def test_env_secret_longer_than_the_cap() -> None:
    source = SecretSource.from_env("BIG")
    with pytest.raises(ConfigError) as info:
        source.resolve({"BIG": "s" * 4097})
    assert str(info.value) == (
        "environment variable BIG is longer than 4096 characters; that is not a client secret"
    )
    assert source.resolve({"BIG": "s" * 4096}).reveal() == "s" * 4096


def test_inline_secret_longer_than_the_cap(tmp_path) -> None:
    from config_testlib import HML_CARBONEXT, INLINE_SECRET, write_private

    path = write_private(tmp_path / "config.toml", HML_CARBONEXT.replace(INLINE_SECRET, "s" * 4097))
    with pytest.raises(ConfigError) as info:
        load_strict(path)
    assert str(info.value) == (
        f"{path}: profiles.hml.carbonext.client_secret is longer than 4096 characters; "
        "that is not a client secret"
    )
