"""``--log-file`` and the profile's ``log_file``: where the log goes, and bad paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from carbontui import logging_setup
from carbontui.cli import main
from carbontui.config import load_config
from carbontui.sandbox import SandboxOptions, create_app, write_config


@pytest.fixture(autouse=True)
def _close_log_file() -> Iterator[None]:
    yield
    logging_setup.shutdown()


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = write_config(tmp_path / "cfg", "http://127.0.0.1:9", create_app(SandboxOptions()))
    text = path.read_text().replace(
        "[profiles.sandbox-hml]\n", '[profiles.sandbox-hml]\nlog_file = "hml.log"\n', 1
    )
    path.write_text(text)
    return path


def test_flag_after_the_subcommand_and_unwritable_path(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["config", "check", "--config", str(config_path), "--log-file", f"{blocker}/x"])
    assert code == 2
    assert f"cannot open log file {blocker}/x" in capsys.readouterr().err


def test_flag_wins_over_the_profile_setting(config_path: Path, tmp_path: Path) -> None:
    profile = load_config(config_path).profile("sandbox-hml")
    assert profile.log_file == config_path.parent / "hml.log"
    logging_setup.configure(tmp_path / "flag.log", pinned=True)
    logging_setup.apply_profile(profile)
    assert logging_setup.current_log_file() == tmp_path / "flag.log"
    logging_setup.shutdown()
    logging_setup.apply_profile(profile)
    assert logging_setup.current_log_file() == config_path.parent / "hml.log"
    logging_setup.apply_profile(load_config(config_path).profile("sandbox-prod"))
    assert logging_setup.current_log_file() is None
