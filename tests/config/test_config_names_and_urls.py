"""Profile names are clean, timings are bounded, and plain http to a real host warns."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, WriteFile, load_strict

from carbontui.config import ConfigError, load_config
from carbontui.config.starter import STARTER_CONFIG

ROOT = Path(__file__).resolve().parents[2]


def load_error(write_config: WriteFile, text: str, creds: str | None = None) -> str:
    path = write_config(text)
    if creds is not None:
        write_config(creds, name="credentials.toml")
    with pytest.raises(ConfigError) as info:
        load_strict(path)
    return str(info.value)


@pytest.mark.parametrize(
    "name",
    ['"evil\\u001b]0;pwned\\u0007"', '"tab\\tname"', '"new\\nline"', '"bidi\\u202eeman"', '" "'],
)
def test_unclean_profile_name_in_config(write_config: WriteFile, tmp_path: Path, name: str) -> None:
    error = load_error(write_config, f"[profiles.{name}]\nread_only = true\n")
    assert error.startswith(f"{tmp_path / 'config.toml'}: ")
    assert "control characters" in error or "must not be empty" in error
    assert "\x1b" not in error and "\x07" not in error and "\n" not in error
    assert "\u202e" not in error and "\t" not in error


def test_unclean_profile_name_in_credentials(write_config: WriteFile, tmp_path: Path) -> None:
    error = load_error(
        write_config,
        HML_CARBONEXT,
        '[profiles."x\\u001b[2J"]\nbased_on = "hml"\n',
    )
    assert error == (
        f"{tmp_path / 'credentials.toml'}: profile name 'x\N{REPLACEMENT CHARACTER}' contains "
        "control characters or escape sequences; use letters, digits, '-' or '_'"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("timeout = 0.05", "profiles.hml.timeout must be between 0.1 and 300 seconds"),
        ("timeout = 301", "profiles.hml.timeout must be between 0.1 and 300 seconds"),
        ("timeout = nan", "profiles.hml.timeout must be between 0.1 and 300 seconds"),
        ("timeout = inf", "profiles.hml.timeout must be between 0.1 and 300 seconds"),
        ("poll_interval = 1", "profiles.hml.poll_interval must be between 2 and 3600 seconds"),
        ("poll_interval = 3601", "profiles.hml.poll_interval must be between 2 and 3600 seconds"),
    ],
)
def test_timings_out_of_bounds(
    write_config: WriteFile, tmp_path: Path, line: str, message: str
) -> None:
    error = load_error(write_config, f"[profiles.hml]\n{line}\n" + HML_CARBONEXT)
    assert error == f"{tmp_path / 'config.toml'}: {message}"


def test_timings_at_the_bounds(write_config: WriteFile) -> None:
    text = "[profiles.hml]\ntimeout = 0.1\npoll_interval = 3600\n" + HML_CARBONEXT
    profile = load_config(write_config(text)).profile("hml")
    assert (profile.timeout, profile.poll_interval) == (0.1, 3600)
    text = "[profiles.hml]\ntimeout = 300\npoll_interval = 2\n" + HML_CARBONEXT
    profile = load_config(write_config(text)).profile("hml")
    assert (profile.timeout, profile.poll_interval) == (300, 2)


def test_shipped_configs_stay_valid(write_config: WriteFile) -> None:
    config = load_config(write_config(STARTER_CONFIG))
    assert set(config.profiles) == {"hml", "prod"}
    example = (ROOT / "config.example.toml").read_text()
    assert set(load_config(write_config(example)).profiles) == {"hml", "prod"}


def test_sandbox_config_stays_valid_and_quiet(tmp_path: Path) -> None:
    from carbontui.sandbox import SandboxOptions, SandboxState, write_config

    directory = tmp_path / "cfg"
    path = write_config(directory, "http://127.0.0.1:8765", SandboxState(SandboxOptions(seed=0)))
    config = load_config(path)
    assert set(config.profiles) == {"sandbox-hml", "sandbox-prod"}
    assert config.warnings == ()


def carbonext(name: str, base: str, userinfo: str | None = None) -> str:
    text = (
        f"[profiles.{name}.carbonext]\n"
        f'api_url = "{base}"\ntoken_url = "{base}/token"\n'
        'client_id = "cbx_b2b_x"\nclient_secret = "s"\n'
    )
    if userinfo:
        text += f'userinfo_url = "{userinfo}"\n'
    return text


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:8000",
        "http://127.8.9.10",
        "http://[::1]:8000",
        "http://localhost:8000",
        "http://LOCALHOST",
        "http://app.localhost",
        "https://example.com",
    ],
)
def test_loopback_or_https_does_not_warn(write_config: WriteFile, base: str) -> None:
    assert load_config(write_config(carbonext("a", base))).warnings == ()


def test_plain_http_to_a_real_host_warns_once(write_config: WriteFile) -> None:
    text = (
        carbonext("a", "http://auth.example.com", userinfo="http://user:pw@other.example.com/u")
        + carbonext("b", "http://auth.example.com")
        + '[profiles.c.registry]\napi_url = "http://10.0.0.1"\napp_id = "1"\n'
        'private_key_file = "k.pem"\n'
    )
    path = write_config(text)
    write_config('[profiles.d]\nbased_on = "a"\n', name="credentials.toml")
    tail = "which is not loopback; credentials and tokens would travel unencrypted (use https://)"
    assert load_config(path).warnings == (
        f"profile 'a': carbonext.api_url uses plain http:// to auth.example.com, {tail}",
        f"profile 'a': carbonext.userinfo_url uses plain http:// to other.example.com, {tail}",
        f"profile 'c': registry.api_url uses plain http:// to 10.0.0.1, {tail}",
    )
    assert all("pw" not in w for w in load_config(path).warnings)


def test_plain_http_warning_names_the_token_url(write_config: WriteFile) -> None:
    text = carbonext("a", "https://api.example.com").replace(
        "https://api.example.com/token", "http://auth.example.com/token"
    )
    assert load_config(write_config(text)).warnings == (
        "profile 'a': carbonext.token_url uses plain http:// to auth.example.com, which is not "
        "loopback; credentials and tokens would travel unencrypted (use https://)",
    )
