"""credentials.toml saves: a cross-process lock, a read-back check, and no silent overwrite."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, SAVED_SECRET, WriteFile

from carbontui.config import (
    ConfigError,
    CredentialsStore,
    ProfileExists,
    load_config,
)
from carbontui.config import credentials as credentials_module

PROCESSES = 6
SAVES_EACH = 4
ROUNDS = 3

# Each process says "ready", waits for the go file, then saves its own profiles.
SAVER = """\
import sys, time
from pathlib import Path
from carbontui.config import CredentialsStore
path, me, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
store = CredentialsStore(path)
for i in range(count):
    store.save_carbonext_key(f"{me}-{i}", f"cbx_b2b_{me}_{i}", f"secret-{me}-{i}", based_on="hml")
"""


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_processes_keep_every_entry(
    write_config: WriteFile, tmp_path: Path, round_: int
) -> None:
    config = write_config(HML_CARBONEXT)
    creds = tmp_path / "credentials.toml"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(creds), f"p{n}", str(SAVES_EACH), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n"
        go.touch()
        results = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [(p.returncode, err) for p, (_, err) in zip(procs, results, strict=True)] == [
        (0, "")
    ] * PROCESSES
    expected = {f"p{n}-{i}" for n in range(PROCESSES) for i in range(SAVES_EACH)}
    saved = CredentialsStore(creds).read()["profiles"]
    assert set(saved) == expected
    for name in expected:
        me, i = name.split("-")
        assert saved[name]["carbonext"] == {
            "client_id": f"cbx_b2b_{me}_{i}",
            "client_secret": f"secret-{me}-{i}",
        }
    assert set(load_config(config).profiles) == {"hml"} | expected
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600


def test_saving_holds_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another holder of the lock makes a save wait, then give up with a clear error."""
    import fcntl
    import os

    store = CredentialsStore(tmp_path / "credentials.toml")
    fd = os.open(store.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        monkeypatch.setattr(credentials_module, "LOCK_TIMEOUT", 0.05)
        with pytest.raises(ConfigError) as info:
            store.save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
        assert str(info.value) == (
            f"{store.path} is locked by another carbontui process ({store.lock_path}); try again"
        )
        assert not store.path.exists()
    finally:
        os.close(fd)
    store.save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)  # the lock is free again
    assert "a" in store.read()["profiles"]


def test_existing_profile_in_config_toml_is_refused(
    write_config: WriteFile, tmp_path: Path
) -> None:
    config = write_config(HML_CARBONEXT)
    for store in (
        CredentialsStore(tmp_path / "credentials.toml"),
        CredentialsStore.for_config(config),
    ):
        with pytest.raises(ProfileExists) as info:
            store.save_carbonext_key("hml", "cbx_b2b_new", SAVED_SECRET, based_on=None)
        assert str(info.value) == (f"profile 'hml' already exists in {config}; choose another name")
        with pytest.raises(ProfileExists):
            store.check_can_save("hml")
    assert not (tmp_path / "credentials.toml").exists()


def test_config_toml_with_another_name_is_checked(tmp_path: Path, write_config: WriteFile) -> None:
    config = write_config(HML_CARBONEXT, name="work.toml")
    store = CredentialsStore.for_config(config)
    assert store.path == tmp_path / "credentials.toml"
    with pytest.raises(ProfileExists) as info:
        store.save_carbonext_key("hml", "cbx_b2b_new", SAVED_SECRET, based_on=None)
    assert str(info.value).endswith(f"already exists in {config}; choose another name")


def test_existing_profile_in_credentials_toml_is_refused(
    write_config: WriteFile, tmp_path: Path
) -> None:
    write_config(HML_CARBONEXT)
    store = CredentialsStore(tmp_path / "credentials.toml")
    store.save_carbonext_key("robot", "cbx_b2b_robot", "first-secret", based_on="hml")
    before = store.path.read_bytes()
    with pytest.raises(ProfileExists) as info:
        store.save_carbonext_key("robot", "cbx_b2b_robot2", "second-secret", based_on="hml")
    assert str(info.value) == (
        f"profile 'robot' already exists in {store.path}; choose another name"
    )
    with pytest.raises(ProfileExists):
        store.check_can_save("robot")
    assert store.path.read_bytes() == before  # untouched
    store.check_can_save("robot2")  # a free name passes the pre-check


def test_refused_under_the_lock_when_another_process_saved_meanwhile(
    write_config: WriteFile, tmp_path: Path
) -> None:
    """The pre-check passed, then another process took the name: the save itself refuses."""
    write_config(HML_CARBONEXT)
    mine = CredentialsStore(tmp_path / "credentials.toml")
    mine.check_can_save("robot")
    CredentialsStore(tmp_path / "credentials.toml").save_carbonext_key(
        "robot", "cbx_b2b_theirs", "their-secret", based_on="hml"
    )
    with pytest.raises(ProfileExists):
        mine.save_carbonext_key("robot", "cbx_b2b_mine", "my-secret", based_on="hml")
    assert mine.read()["profiles"]["robot"]["carbonext"]["client_secret"] == "their-secret"


def test_write_is_read_back_and_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If what lands on disk is not what was saved, the save fails loudly."""
    real = credentials_module.atomic_write_private

    def lossy(path: Path, data: str) -> None:
        real(path, data.replace("lost-name", "other-name"))

    monkeypatch.setattr(credentials_module, "atomic_write_private", lossy)
    store = CredentialsStore(tmp_path / "credentials.toml")
    with pytest.raises(ConfigError) as info:
        store.save_carbonext_key("lost-name", "cbx_b2b_x", SAVED_SECRET, None)
    assert str(info.value) == (
        f"wrote {store.path} but profile 'lost-name' is not in it as written; "
        "store the secret yourself"
    )


def test_key_from_a_saved_profile_is_based_on_its_base(
    write_config: WriteFile, tmp_path: Path
) -> None:
    """A key created while using a saved profile must still load (based on a config profile)."""
    config = write_config(HML_CARBONEXT)
    store = CredentialsStore.for_config(config)
    store.save_carbonext_key("robot", "cbx_b2b_robot", "robot-secret", based_on="hml")
    store.save_carbonext_key("robot2", "cbx_b2b_robot2", "robot2-secret", based_on="robot")
    assert store.read()["profiles"]["robot2"]["based_on"] == "hml"
    loaded = load_config(config).profile("robot2")
    assert loaded.carbonext is not None and loaded.carbonext.client_id == "cbx_b2b_robot2"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad\x1b]52;c;x\x07", "contains control characters or escape sequences"),
        ("tab\tname", "contains control characters or escape sequences"),
        ("   ", "a profile name must not be empty"),
        ("x" * 101, "is longer than 100 characters"),
    ],
)
def test_store_refuses_unclean_profile_names(tmp_path: Path, name: str, message: str) -> None:
    store = CredentialsStore(tmp_path / "credentials.toml")
    with pytest.raises(ConfigError) as info:
        store.save_carbonext_key(name, "cbx_b2b_x", SAVED_SECRET, None)
    assert message in str(info.value)
    assert "\x1b" not in str(info.value) and "\t" not in str(info.value)
    assert not store.path.exists()


def test_store_refuses_an_oversized_secret(tmp_path: Path) -> None:
    store = CredentialsStore(tmp_path / "credentials.toml")
    with pytest.raises(ConfigError) as info:
        store.save_carbonext_key("a", "cbx_b2b_x", "s" * 4097, None)
    assert str(info.value) == "a client secret longer than 4096 characters"
    store.save_carbonext_key("a", "cbx_b2b_x", "s" * 4096, None)
