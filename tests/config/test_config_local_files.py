"""Local files are hostile until checked: regular files under a size cap, in a directory and
with an owner and mode nobody else controls."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, SAVED_SECRET, WriteFile, write_private

from carbontui.config import ConfigError, CredentialsStore, RegistrySettings, load_config
from carbontui.config.files import MAX_CONFIG_BYTES, MAX_KEY_BYTES, read_toml

OTHER_UID = 65534  # nobody


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def key_error(path: Path) -> str:
    settings = RegistrySettings(api_url="http://127.0.0.1", app_id="1", private_key_file=path)
    with pytest.raises(ConfigError) as info:
        settings.load_private_key()
    return str(info.value)


# -- regular files under a cap ------------------------------------------------------------


def test_config_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    os.mkfifo(path, 0o600)
    assert load_error(path) == f"{path} is a FIFO, not a regular file; refusing to read it"


def test_credentials_fifo_is_refused(write_config: WriteFile, tmp_path: Path) -> None:
    path = write_config(HML_CARBONEXT)
    creds = tmp_path / "credentials.toml"
    os.mkfifo(creds, 0o600)
    assert load_error(path) == f"{creds} is a FIFO, not a regular file; refusing to read it"
    with pytest.raises(ConfigError):
        CredentialsStore(creds).save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    assert stat.S_ISFIFO(creds.stat().st_mode)  # not replaced


def test_device_is_refused() -> None:
    path = Path("/dev/zero")
    with pytest.raises(ConfigError) as info:
        read_toml(path)
    assert (
        str(info.value) == f"{path} is a character device, not a regular file; refusing to read it"
    )
    assert key_error(path) == str(info.value)


def test_key_fifo_and_directory_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "k.pem"
    os.mkfifo(fifo, 0o600)
    assert key_error(fifo) == f"{fifo} is a FIFO, not a regular file; refusing to read it"
    assert key_error(tmp_path) == f"cannot read private key file {tmp_path}: Is a directory"


def test_oversized_config_and_credentials_are_refused(
    write_config: WriteFile, tmp_path: Path
) -> None:
    assert MAX_CONFIG_BYTES == 1024 * 1024
    padding = "#" * MAX_CONFIG_BYTES + "\n"
    big = write_config(padding + HML_CARBONEXT)
    assert load_error(big) == f"{big} is larger than 1 MiB; refusing to read it"
    # Exactly at the cap is fine.
    write_config(HML_CARBONEXT + "#" * (MAX_CONFIG_BYTES - len(HML_CARBONEXT)))
    assert list(load_config(tmp_path / "config.toml").profiles) == ["hml"]
    creds = write_config(padding, name="credentials.toml")
    assert load_error(tmp_path / "config.toml") == (
        f"{creds} is larger than 1 MiB; refusing to read it"
    )


def test_oversized_key_is_refused(tmp_path: Path, rsa_pem: bytes) -> None:
    assert MAX_KEY_BYTES == 64 * 1024
    path = write_private(tmp_path / "k.pem", rsa_pem + b"\n" * MAX_KEY_BYTES)
    assert key_error(path) == f"{path} is larger than 64 KiB; refusing to read it"


# -- owner and mode -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_config_writable_by_others_is_refused(write_config: WriteFile, mode: int) -> None:
    path = write_config(HML_CARBONEXT, mode=mode)
    assert load_error(path) == (
        f"{path} is writable by group/others (mode {mode:04o}); carbontui does not trust a "
        f"config file others can change; run: chmod 600 {path}"
    )


def test_world_readable_config_only_warns(write_config: WriteFile) -> None:
    path = write_config(HML_CARBONEXT, mode=0o644)
    assert len(load_config(path).warnings) == 1


def test_credentials_writable_by_others_is_refused(write_config: WriteFile, tmp_path: Path) -> None:
    path = write_config(HML_CARBONEXT)
    creds = write_config("", name="credentials.toml", mode=0o622)
    expected = (
        f"{creds} is writable by group/others (mode 0622); carbontui does not trust a "
        f"credentials file others can change; run: chmod 600 {creds}"
    )
    assert load_error(path) == expected
    with pytest.raises(ConfigError) as info:
        CredentialsStore(creds).save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    assert str(info.value) == expected


def test_readable_credentials_still_only_warn(write_config: WriteFile, tmp_path: Path) -> None:
    path = write_config(HML_CARBONEXT)
    creds = write_config("", name="credentials.toml", mode=0o644)
    assert load_config(path).warnings == (
        f"{creds} is readable by group/others (mode 0644); run: chmod 600 {creds}",
    )


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o1777])
def test_config_dir_writable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    directory = tmp_path / "cfg"
    path = write_private(directory / "config.toml", HML_CARBONEXT)
    directory.chmod(mode)
    expected = (
        f"{directory} is writable by group/others (mode {mode:04o}); carbontui does not trust "
        f"a config directory others can change; run: chmod go-w {directory}"
    )
    assert load_error(path) == expected
    with pytest.raises(ConfigError) as info:
        CredentialsStore(directory / "credentials.toml").save_carbonext_key(
            "a", "cbx_b2b_a", SAVED_SECRET, None
        )
    assert str(info.value) == expected
    assert not (directory / "credentials.toml").exists()


def test_readable_config_dir_is_fine(tmp_path: Path) -> None:
    directory = tmp_path / "cfg"
    path = write_private(directory / "config.toml", HML_CARBONEXT)
    directory.chmod(0o755)
    assert list(load_config(path).profiles) == ["hml"]


def test_tmp_ancestors_are_not_checked(tmp_path: Path) -> None:
    """Only the config file's own directory counts: /tmp above it may be world-writable."""
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700  # pytest makes its tmp dirs private
    path = write_private(tmp_path / "config.toml", HML_CARBONEXT)
    assert list(load_config(path).profiles) == ["hml"]


def pretend_another_user(monkeypatch: pytest.MonkeyPatch) -> int:
    """Make the files' owner someone else (really, as root; by faking our euid otherwise)."""
    me = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: OTHER_UID if me != OTHER_UID else OTHER_UID + 1)
    return os.geteuid()


def test_config_owned_by_another_user_is_refused(
    write_config: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(HML_CARBONEXT)
    owner = path.stat().st_uid
    euid = pretend_another_user(monkeypatch)
    assert load_error(path) == (
        f"{path} is owned by uid {owner}, not by you (uid {euid}); carbontui does not trust a "
        f"config file another user controls; run: chown {euid} {path}"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_root_refuses_files_owned_by_another_user(write_config: WriteFile, tmp_path: Path) -> None:
    path = write_config(HML_CARBONEXT)
    creds = write_config("", name="credentials.toml")
    os.chown(creds, OTHER_UID, OTHER_UID)
    assert load_error(path) == (
        f"{creds} is owned by uid {OTHER_UID}, not by you (uid 0); carbontui does not trust a "
        f"credentials file another user controls; run: chown 0 {creds}"
    )
    os.chown(creds, 0, 0)
    os.chown(path, OTHER_UID, OTHER_UID)
    assert "owned by uid 65534" in load_error(path)
    os.chown(path, 0, 0)
    directory = tmp_path / "cfg"
    inner = write_private(directory / "config.toml", HML_CARBONEXT)
    os.chown(directory, OTHER_UID, OTHER_UID)
    assert load_error(inner).startswith(f"{directory} is owned by uid {OTHER_UID}, not by you")


def test_config_dir_owned_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cfg"
    directory.mkdir(mode=0o700)
    store = CredentialsStore(directory / "credentials.toml")
    euid = pretend_another_user(monkeypatch)
    with pytest.raises(ConfigError) as info:
        store.save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    assert str(info.value).startswith(f"{directory} is owned by uid ")
    assert f"run: chown {euid} {directory}" in str(info.value)
    assert not store.path.exists()


def test_new_config_dir_is_created_private(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        store = CredentialsStore(tmp_path / "new" / "credentials.toml")
        store.save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
