"""Import hygiene and secret hygiene: no Textual/httpx, no secret in any repr or message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from config_testlib import (
    COMMAND_SECRET,
    ENV_SECRET,
    INLINE_SECRET,
    KNOWN_SECRETS,
    SAVED_SECRET,
    WriteFile,
    load_strict,
)

from carbontui.config import ConfigError, CredentialsStore, SecretSource, load_config


def test_import_does_not_pull_in_textual_or_httpx() -> None:
    code = (
        "import sys, carbontui.config\n"
        "bad = sorted(m for m, module in sys.modules.items()\n"
        "             if module is not None and m.split('.')[0] in ('textual', 'httpx', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_no_secret_in_reprs(
    write_config: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARBONEXT_ENV_SECRET", ENV_SECRET)
    path = write_config(
        f"""\
default_profile = "inline"
[profiles.inline.carbonext]
api_url = "http://127.0.0.1:1"
token_url = "http://127.0.0.1:1/token"
client_id = "cbx_b2b_1"
client_secret = "{INLINE_SECRET}"
[profiles.env.carbonext]
api_url = "http://127.0.0.1:1"
token_url = "http://127.0.0.1:1/token"
client_id = "cbx_b2b_2"
client_secret = {{ env = "CARBONEXT_ENV_SECRET" }}
"""
    )
    CredentialsStore(tmp_path / "credentials.toml").save_carbonext_key(
        "saved", "cbx_b2b_3", SAVED_SECRET, based_on="inline"
    )
    config = load_config(path)
    resolved = [
        p.carbonext.client_secret.resolve() for p in config.profiles.values() if p.carbonext
    ]
    assert [s.reveal() for s in resolved] == [INLINE_SECRET, ENV_SECRET, SAVED_SECRET]
    command = SecretSource.from_command([sys.executable, "-c", f"print({COMMAND_SECRET!r})"])
    resolved.append(command.resolve())
    shown = " ".join(
        [repr(config), str(config), *map(repr, resolved), *map(str, resolved), *config.warnings]
    )
    for secret in (INLINE_SECRET, ENV_SECRET, SAVED_SECRET):
        assert secret not in shown
    assert COMMAND_SECRET not in " ".join(map(repr, resolved))


def test_no_secret_in_error_messages(write_config: WriteFile, tmp_path: Path) -> None:
    """Every failure around a file full of secrets reports without echoing one."""
    messages: list[str] = []
    base = (
        "[profiles.hml.carbonext]\n"
        'api_url = "http://127.0.0.1:1"\ntoken_url = "http://127.0.0.1:1/t"\n'
        'client_id = "cbx_b2b_1"\n'
    )
    broken = [
        base + f'client_secret = "{INLINE_SECRET}"\nclient_secret = "{INLINE_SECRET}"\n',
        base + f'client_secret = ["{INLINE_SECRET}"]\n',
        base + f'client_secret = {{ env = "{INLINE_SECRET}", command = ["x"] }}\n',
        base + f'client_secret = "{INLINE_SECRET}"\nclient_secrt = "{INLINE_SECRET}"\n',
        base + f'client_secret = "{INLINE_SECRET}\n',
        base.replace("http://127.0.0.1:1/t", f"ftp://u:{INLINE_SECRET}@h") + "client_secret = 'x'",
    ]
    for text in broken:
        with pytest.raises(ConfigError) as info:
            load_strict(write_config(text))
        messages.append(str(info.value))
    write_config(base + "client_secret = 'x'\n")
    write_config(
        f'[profiles.x.carbonext]\nclient_secret = ["{SAVED_SECRET}"]\n', name="credentials.toml"
    )
    with pytest.raises(ConfigError) as info:
        load_strict(tmp_path / "config.toml")
    messages.append(str(info.value))
    assert len(messages) == 7
    for message in messages:
        for secret in KNOWN_SECRETS:
            assert secret not in message, message
