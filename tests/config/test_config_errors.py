"""Bad config input: one exact, friendly message naming the file and key (or line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, WriteFile, load_strict

from carbontui.config import ConfigError, load_config

REGISTRY = """\
[profiles.icr.registry]
api_url = "https://api.carbonregistry.com"
app_id = "67890"
private_key_file = "icr-app.pem"
"""


def error_for(write_config: WriteFile, text: str) -> tuple[str, Path]:
    path = write_config(text)
    with pytest.raises(ConfigError) as info:
        load_strict(path)
    return str(info.value), path


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("a = 1\nb = \n", 2, 5, "Invalid value"),
        ('x = "\\q"\n', 1, 8, "Unescaped '\\' in a string"),
        (
            "[profiles.hml]\nread_only = false\nread_only = true\n",
            3,
            17,
            "Cannot overwrite a value",
        ),
        ("a = [1,\n", 2, 1, "Invalid value"),  # tomllib says "at end of document"
    ],
)
def test_toml_syntax_error(
    write_config: WriteFile, text: str, line: int, col: int, message: str
) -> None:
    error, path = error_for(write_config, text)
    assert error == f"{path}:{line}:{col}: {message}"


def test_not_utf8(write_config: WriteFile, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'a = 1\nb = "\xff"\n')
    with pytest.raises(ConfigError) as info:
        load_strict(path)
    assert str(info.value) == f"{path}:2:6: not valid UTF-8 text"


def test_config_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError) as info:
        load_strict(tmp_path / "config.toml")
    assert str(info.value) == f"{tmp_path / 'config.toml'} is a directory, not a TOML file"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HML_CARBONEXT.replace("client_secret", "client_secrt"),
            "unknown key 'profiles.hml.carbonext.client_secrt'; did you mean 'client_secret'?",
        ),
        (
            "default_profil = 'hml'\n" + HML_CARBONEXT,
            "unknown key 'default_profil'; did you mean 'default_profile'?",
        ),
        (
            "[profiles.hml]\nreadonly = true\n" + HML_CARBONEXT,
            "unknown key 'profiles.hml.readonly'; did you mean 'read_only'?",
        ),
        (
            "[profiles.hml]\ncolour = 'red'\n" + HML_CARBONEXT,
            "unknown key 'profiles.hml.colour'",
        ),
        (
            "[profiles.hml.carbonex]\napi_url = 'x'\n",
            "unknown key 'profiles.hml.carbonex'; did you mean 'carbonext'?",
        ),
        (
            REGISTRY.replace("app_id", "appid"),
            "unknown key 'profiles.icr.registry.appid'; did you mean 'app_id'?",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', '{ evn = "X" }'),
            "unknown key 'profiles.hml.carbonext.client_secret.evn'; did you mean 'env'?",
        ),
        (
            '[profiles."my.profile"]\nread_olny = true\n',
            "unknown key 'profiles.\"my.profile\".read_olny'; did you mean 'read_only'?",
        ),
    ],
)
def test_unknown_key(write_config: WriteFile, text: str, message: str) -> None:
    error, path = error_for(write_config, text)
    assert error == f"{path}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[profiles.hml]\nread_only = "yes"\n',
            "profiles.hml.read_only must be a boolean (true or false), got a string",
        ),
        (
            '[profiles.hml]\npoll_interval = "30s"\n',
            "profiles.hml.poll_interval must be a number of seconds, got a string",
        ),
        (
            "[profiles.hml]\ntimeout = true\n",
            "profiles.hml.timeout must be a number of seconds, got a boolean",
        ),
        (
            "[profiles.hml]\ntimeout = 0\n",
            "profiles.hml.timeout must be between 0.1 and 300 seconds",
        ),
        (
            "[profiles.hml]\npoll_interval = -1.5\n",
            "profiles.hml.poll_interval must be between 2 and 3600 seconds",
        ),
        (
            "[profiles.hml]\nenvironment = 1\n",
            "profiles.hml.environment must be a string, got an integer",
        ),
        ('[profiles.hml]\nenvironment = ""\n', "profiles.hml.environment must not be empty"),
        (
            "[profiles.hml]\nca_bundle = []\n",
            "profiles.hml.ca_bundle must be a string, got an array",
        ),
        (
            "[profiles.hml]\nlog_file = 1\n",
            "profiles.hml.log_file must be a string, got an integer",
        ),
        ('[profiles.hml]\nlog_file = " "\n', "profiles.hml.log_file must not be empty"),
        ("default_profile = 1\n", "default_profile must be a string, got an integer"),
        ("profiles = 1\n", "profiles must be a table ([profiles]), got an integer"),
        (
            'profiles = { hml = "x" }\n',
            "profiles.hml must be a table ([profiles.hml]), got a string",
        ),
        (
            "[profiles.hml]\ncarbonext = 1\n",
            "profiles.hml.carbonext must be a table ([profiles.hml.carbonext]), got an integer",
        ),
        (
            HML_CARBONEXT.replace('"cbx_b2b_hml"', "1979-05-27"),
            "profiles.hml.carbonext.client_id must be a string, got a date/time",
        ),
        (
            HML_CARBONEXT + 'token_auth = "basic"\n',
            "profiles.hml.carbonext.token_auth must be 'client_secret_post' or "
            "'client_secret_basic'",
        ),
        (
            HML_CARBONEXT + 'token_auth = "client_secret_basik"\n',
            "profiles.hml.carbonext.token_auth must be 'client_secret_post' or "
            "'client_secret_basic'; did you mean 'client_secret_basic'?",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', "12345"),
            'profiles.hml.carbonext.client_secret must be a string, { env = "VAR" } or '
            '{ command = ["program", "arg"] }, got an integer',
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', '""'),
            "profiles.hml.carbonext.client_secret must not be empty",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', '{ env = "A", command = ["b"] }'),
            "profiles.hml.carbonext.client_secret must set exactly one of 'env' or 'command'",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', "{}"),
            "profiles.hml.carbonext.client_secret must set exactly one of 'env' or 'command'",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', "{ env = 1 }"),
            "profiles.hml.carbonext.client_secret.env must be a string, got an integer",
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', '{ command = "pass show x" }'),
            "profiles.hml.carbonext.client_secret.command must be a non-empty array of strings "
            '(the program and its arguments, e.g. ["pass", "show", "x"])',
        ),
        (
            HML_CARBONEXT.replace('"s3cr3t-inline-value"', "{ command = [] }"),
            "profiles.hml.carbonext.client_secret.command must be a non-empty array of strings "
            '(the program and its arguments, e.g. ["pass", "show", "x"])',
        ),
        (
            REGISTRY.replace('"67890"', "true"),
            "profiles.icr.registry.app_id must be a string, got a boolean",
        ),
    ],
)
def test_wrong_type_or_value(write_config: WriteFile, text: str, message: str) -> None:
    error, path = error_for(write_config, text)
    assert error == f"{path}: {message}"


def test_log_file_is_a_directory(write_config: WriteFile, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    error, path = error_for(write_config, '[profiles.hml]\nlog_file = "logs"\n')
    assert error == (
        f"{path}: profiles.hml.log_file must be a file, but {tmp_path / 'logs'} is a directory"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (HML_CARBONEXT.replace("client_id", "# client_id"), "profiles.hml.carbonext.client_id"),
        (HML_CARBONEXT.replace("token_url", "# token_url"), "profiles.hml.carbonext.token_url"),
        (HML_CARBONEXT.replace("api_url", "# api_url"), "profiles.hml.carbonext.api_url"),
        (
            HML_CARBONEXT.replace("client_secret", "# client_secret"),
            "profiles.hml.carbonext.client_secret",
        ),
        (REGISTRY.replace("app_id", "# app_id"), "profiles.icr.registry.app_id"),
        (REGISTRY.replace("api_url", "# api_url"), "profiles.icr.registry.api_url"),
        (
            REGISTRY.replace("private_key_file", "# private_key_file"),
            "profiles.icr.registry.private_key_file",
        ),
    ],
)
def test_missing_required_key(write_config: WriteFile, text: str, key: str) -> None:
    error, path = error_for(write_config, text)
    assert error == f"{path}: missing required key '{key}'"


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("api_url", "ftp://api-b2b-hml.carbonext.com.br"),
        ("api_url", "api-b2b-hml.carbonext.com.br"),
        ("token_url", "https://"),
        ("token_url", "file:///etc/passwd"),
        ("userinfo_url", "javascript:alert(1)"),
        ("api_url", "http://[::1"),
    ],
)
def test_url_not_http(write_config: WriteFile, key: str, url: str) -> None:
    text = HML_CARBONEXT + 'userinfo_url = "http://127.0.0.1/ok"\n'
    text = text.replace(
        next(line for line in text.splitlines() if line.startswith(key)), f'{key} = "{url}"'
    )
    error, path = error_for(write_config, text)
    assert error == (
        f"{path}: profiles.hml.carbonext.{key} must be an http:// or https:// URL with a host"
    )


def test_registry_url_not_http(write_config: WriteFile) -> None:
    error, path = error_for(write_config, REGISTRY.replace("https://", "ws://"))
    assert (
        error
        == f"{path}: profiles.icr.registry.api_url must be an http:// or https:// URL with a host"
    )


def test_unknown_profile_with_suggestion(write_config: WriteFile) -> None:
    text = HML_CARBONEXT + REGISTRY
    config = load_config(write_config(text))
    with pytest.raises(ConfigError) as info:
        config.profile("hlm")
    assert str(info.value) == "unknown profile 'hlm'; known profiles: hml, icr; did you mean 'hml'?"
    with pytest.raises(ConfigError) as info:
        config.profile("HML")
    assert str(info.value) == "unknown profile 'HML'; known profiles: hml, icr; did you mean 'hml'?"
    with pytest.raises(ConfigError) as info:
        config.profile("zzz")
    assert str(info.value) == "unknown profile 'zzz'; known profiles: hml, icr"


def test_default_profile_unknown(write_config: WriteFile) -> None:
    error, path = error_for(write_config, 'default_profile = "hm"\n' + HML_CARBONEXT)
    assert error == (
        f"{path}: default_profile names an unknown profile 'hm'; known profiles: hml; "
        "did you mean 'hml'?"
    )


def test_errors_never_echo_values(write_config: WriteFile) -> None:
    """Wrong-type and URL errors describe the value's type, never the value itself."""
    secret_url = "https://user:hunter2@"
    for text in (
        HML_CARBONEXT.replace('"https://api-b2b-hml.carbonext.com.br"', f'"{secret_url}"'),
        HML_CARBONEXT.replace('"s3cr3t-inline-value"', '["hunter2"]'),
        HML_CARBONEXT.replace('client_id = "cbx_b2b_hml"', 'client_id = ["hunter2"]'),
    ):
        error, _ = error_for(write_config, text)
        assert "hunter2" not in error
