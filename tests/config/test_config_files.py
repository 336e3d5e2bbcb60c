"""The shared atomic 0600 writer and the group/other-readable warnings."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, WriteFile, write_private

from carbontui.config import atomic_write_private, load_config


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_creates_0600(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "secret.toml"
    atomic_write_private(path, "x = 1\n")
    assert path.read_text() == "x = 1\n"
    assert mode(path) == 0o600
    atomic_write_private(path, b"x = 2\n")
    assert path.read_bytes() == b"x = 2\n"
    assert list(path.parent.iterdir()) == [path]


def test_atomic_write_is_never_world_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temp file is 0600 from creation: check it at the moment it replaces the target."""
    seen: list[int] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(stat.S_IMODE(os.stat(src).st_mode))
        seen.append(len(Path(src).read_bytes()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    old = os.umask(0)
    try:
        atomic_write_private(tmp_path / "c.toml", "abc")
    finally:
        os.umask(old)
    assert seen == [0o600, 3]


def test_atomic_write_replaces_a_loose_file(tmp_path: Path) -> None:
    path = write_private(tmp_path / "c.toml", "old", mode=0o666)
    atomic_write_private(path, "new")
    assert (path.read_text(), mode(path)) == ("new", 0o600)


def test_atomic_write_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_private(tmp_path / "c.toml", "old")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        atomic_write_private(path, "new")
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]  # temp file cleaned up


@pytest.mark.parametrize(("file_mode", "access"), [(0o644, "readable"), (0o640, "readable")])
def test_loose_config_warns(write_config: WriteFile, file_mode: int, access: str) -> None:
    path = write_config(HML_CARBONEXT, mode=file_mode)
    assert load_config(path).warnings == (
        f"{path} is {access} by group/others (mode {file_mode:04o}); run: chmod 600 {path}",
    )


def test_loose_credentials_and_key_files_warn(write_config: WriteFile, tmp_path: Path) -> None:
    text = HML_CARBONEXT + (
        "[profiles.hml.registry]\n"
        'api_url = "http://127.0.0.1:1"\napp_id = "1"\nprivate_key_file = "k.pem"\n'
        "[profiles.other.registry]\n"
        'api_url = "http://127.0.0.1:1"\napp_id = "2"\nprivate_key_file = "k.pem"\n'
    )
    path = write_config(text)
    creds = write_config("", name="credentials.toml", mode=0o604)
    key = write_config("not checked at load time", name="k.pem", mode=0o644)
    assert load_config(path).warnings == (
        f"{creds} is readable by group/others (mode 0604); run: chmod 600 {creds}",
        f"{key} is readable by group/others (mode 0644); run: chmod 600 {key}",
    )


def test_private_files_do_not_warn(write_config: WriteFile) -> None:
    path = write_config(HML_CARBONEXT, mode=0o600)
    write_config("", name="credentials.toml", mode=0o400)
    assert load_config(path).warnings == ()
