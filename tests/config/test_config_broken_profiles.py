"""One invalid profile does not fail the whole config: the others load, selecting the broken
one raises its own error, and ``config check`` / ``config profiles`` report it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, WriteFile

from carbontui.cli import main
from carbontui.config import ConfigError, load_config

BROKEN = "[profiles.broken]\nreadonly = true\n"


def test_valid_profiles_load_next_to_a_broken_one(write_config: WriteFile, tmp_path: Path) -> None:
    config = load_config(write_config(HML_CARBONEXT + BROKEN))
    assert list(config.profiles) == ["hml"]
    message = f"{tmp_path / 'config.toml'}: unknown key 'profiles.broken.readonly'; did you mean 'read_only'?"  # noqa: E501
    assert dict(config.problems) == {"broken": message}
    assert config.profile("hml").carbonext is not None
    with pytest.raises(ConfigError) as info:
        config.profile("broken")
    assert str(info.value) == message


def test_broken_default_profile_raises_its_error(write_config: WriteFile) -> None:
    config = load_config(write_config('default_profile = "broken"\n' + HML_CARBONEXT + BROKEN))
    with pytest.raises(ConfigError) as info:
        config.profile(None)
    assert "profiles.broken.readonly" in str(info.value)
    assert config.profile("hml").name == "hml"


def test_only_a_broken_profile_raises_its_error_when_none_is_selected(
    write_config: WriteFile,
) -> None:
    config = load_config(write_config(BROKEN))
    with pytest.raises(ConfigError) as info:
        config.profile(None)
    assert "profiles.broken.readonly" in str(info.value)


def test_no_selection_lists_broken_profiles_too(write_config: WriteFile) -> None:
    config = load_config(write_config(HML_CARBONEXT + BROKEN))
    with pytest.raises(ConfigError) as info:
        config.profile(None)
    assert str(info.value).endswith("known profiles: hml, broken")


def test_unknown_default_profile_still_fails_the_whole_config(write_config: WriteFile) -> None:
    with pytest.raises(ConfigError):
        load_config(write_config('default_profile = "nope"\n' + HML_CARBONEXT))


def test_broken_credentials_entry_breaks_only_that_profile(
    write_config: WriteFile, tmp_path: Path
) -> None:
    path = write_config(HML_CARBONEXT + "[profiles.other]\nread_only = true\n")
    write_config(
        '[profiles.good]\nbased_on = "hml"\n[profiles.good.carbonext]\nclient_id = "cbx_b2b_g"\n'
        '[profiles.bad]\nbased_on = "hml"\n[profiles.bad.carbonext]\n'
        'client_secret = { command = ["sh", "-c", "evil"] }\n'
        '[profiles.other.carbonext]\nclient_id = "cbx_b2b_o"\n',
        name="credentials.toml",
    )
    config = load_config(path)
    assert list(config.profiles) == ["hml", "good"]
    assert set(config.problems) == {"bad", "other"}
    assert "must be an inline string here" in config.problems["bad"]
    assert "has no [profiles.other.carbonext]" in config.problems["other"]


def test_profile_based_on_a_broken_one_is_broken_too(
    write_config: WriteFile, tmp_path: Path
) -> None:
    path = write_config(HML_CARBONEXT + BROKEN)
    write_config('[profiles.child]\nbased_on = "broken"\n', name="credentials.toml")
    config = load_config(path)
    assert config.problems["child"].startswith(
        f"{tmp_path / 'credentials.toml'}: profile 'child' is based on profile 'broken', "
        "which has a problem: "
    )


def test_file_level_problems_still_fail_everything(write_config: WriteFile) -> None:
    with pytest.raises(ConfigError):
        load_config(write_config("colour = 1\n" + HML_CARBONEXT))
    with pytest.raises(ConfigError):
        load_config(write_config(HML_CARBONEXT + "[profiles.x\n"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_check_and_profiles_report_a_broken_profile(
    write_config: WriteFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(HML_CARBONEXT + '[profiles."bad\\u001b[2J"]\nreadonly = true\n')
    code, out, err = run(capsys, "--config", str(path), "config", "check", "-p", "hml")
    assert code == 2
    assert out.splitlines()[0] == f"{path}: 1 of 2 profiles have errors"
    assert "profile 'hml' (hml):" in out
    assert err.startswith("carbontui: profile 'bad\N{REPLACEMENT CHARACTER}' cannot be used: ")
    assert "\x1b" not in out + err

    code, out, _ = run(capsys, "--config", str(path), "config", "check", "-p", "hml", "--json")
    data = json.loads(out)
    assert (code, data["ok"], list(data["problems"])) == (
        2,
        False,
        ["bad\N{REPLACEMENT CHARACTER}"],
    )

    code, out, err = run(capsys, "--config", str(path), "config", "profiles", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["name"], r["error"] is None) for r in rows] == [
        ("hml", True),
        ("bad\N{REPLACEMENT CHARACTER}", False),
    ]
    code, out, err = run(capsys, "--config", str(path), "config", "profiles")
    assert code == 0 and "(error)" in out and "cannot be used" in err

    # The good profile is still usable by other commands; the broken one fails alone.
    code, _, err = run(capsys, "--config", str(path), "config", "check", "-p", "bad\x1b[2J")
    assert code == 2 and "contains control characters" in err and "\x1b" not in err


def test_config_check_of_a_fully_valid_config_is_unchanged(
    write_config: WriteFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(HML_CARBONEXT)
    code, out, err = run(capsys, "--config", str(path), "config", "check")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{path}: ok (1 profile)"


def test_config_check_reports_every_problem_of_every_profile(
    write_config: WriteFile, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CBX_CHECK_MISSING", raising=False)
    both_broken = (
        "[profiles.envp.carbonext]\napi_url = 'https://x'\ntoken_url = 'https://x/t'\n"
        "client_id = 'c'\nclient_secret = { env = 'CBX_CHECK_MISSING' }\n"
        "[profiles.envp.registry]\napi_url = 'https://x'\napp_id = '1'\n"
        "private_key_file = 'missing.pem'\n"
    )
    path = write_config(HML_CARBONEXT + both_broken + BROKEN)
    code, out, err = run(capsys, "--config", str(path), "config", "check")
    assert code == 2
    assert out.splitlines()[0] == f"{path}: 2 of 3 profiles have errors"
    assert "profile 'hml' (hml):" in out and "profile 'envp' (custom):" in out
    problems = err.splitlines()
    assert len(problems) == 3
    assert "CBX_CHECK_MISSING is not set" in problems[0]
    assert "profile 'envp': registry:" in problems[1] and "missing.pem" in problems[1]
    assert problems[2].startswith("carbontui: profile 'broken' cannot be used: ")

    code, out, _ = run(capsys, "--config", str(path), "config", "check", "--json")
    data = json.loads(out)
    assert (code, data["ok"], list(data["problems"])) == (2, False, ["broken"])
    assert data["profiles"]["hml"]["problems"] == []
    assert len(data["profiles"]["envp"]["problems"]) == 2

    # Naming a profile checks that one alone.
    code, out, err = run(capsys, "--config", str(path), "config", "check", "-p", "hml")
    assert "envp" not in out + err and "profile 'hml' (hml):" in out
