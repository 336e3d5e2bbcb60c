"""Loading valid configs: defaults, inference, paths, profile selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, INLINE_SECRET, WriteFile

from carbontui.config import (
    ConfigError,
    ConfigNotFound,
    Secret,
    SecretSource,
    load_config,
    resolve_config_path,
    resolve_profile_name,
)
from carbontui.config.paths import default_config_path

FULL = """\
default_profile = "hml"

[profiles.hml]
environment = "hml"
read_only = true
poll_interval = 5
timeout = 2.5
ca_bundle = "corp-ca.pem"

[profiles.hml.carbonext]
api_url = "https://api-b2b-hml.carbonext.com.br/"
token_url = "https://auth-hml.carbonext.com.br/auth/realms/co2free/protocol/openid-connect/token"
userinfo_url = "http://127.0.0.1:8000/connect/userinfo"
client_id = "cbx_b2b_hml"
client_secret = { env = "CARBONEXT_HML_SECRET" }
scope = "roles"
token_auth = "client_secret_basic"

[profiles.hml.registry]
api_url = "https://api.carbonregistry.com"
api_version = "2024-01-01"
app_id = 67890
private_key_file = "keys/icr-app.pem"

[profiles.local.registry]
api_url = "http://127.0.0.1:8765"
app_id = "1"
private_key_file = "/abs/key.pem"
"""


def test_full_profile(write_config: WriteFile, tmp_path: Path) -> None:
    write_config("", name="corp-ca.pem")
    config = load_config(write_config(FULL))
    assert config.path == tmp_path / "config.toml"
    assert config.credentials_path == tmp_path / "credentials.toml"
    assert config.default_profile == "hml"
    assert list(config.profiles) == ["hml", "local"]
    assert config.warnings == ()

    hml = config.profile(None)
    assert hml.name == "hml"
    assert hml.environment == "hml"
    assert hml.read_only is True
    assert hml.poll_interval == 5.0
    assert hml.timeout == 2.5
    assert hml.ca_bundle == tmp_path / "corp-ca.pem"
    assert hml.source == tmp_path / "config.toml"
    assert not hml.is_prod

    cx = hml.carbonext
    assert cx is not None
    assert cx.api_url == "https://api-b2b-hml.carbonext.com.br"  # trailing slash dropped
    assert cx.userinfo_url == "http://127.0.0.1:8000/connect/userinfo"
    assert cx.client_id == "cbx_b2b_hml"
    assert cx.client_secret == SecretSource(env="CARBONEXT_HML_SECRET")
    assert cx.scope == "roles"
    assert cx.token_auth == "client_secret_basic"

    reg = hml.registry
    assert reg is not None
    assert reg.api_version == "2024-01-01"
    assert reg.app_id == "67890"  # integers are accepted
    assert reg.private_key_file == tmp_path / "keys" / "icr-app.pem"

    local = config.profile("local")
    assert local.carbonext is None
    assert local.registry is not None
    assert local.registry.api_url == "http://127.0.0.1:8765"
    assert local.registry.api_version == "2023-06-16"
    assert local.registry.private_key_file == Path("/abs/key.pem")


def test_defaults(write_config: WriteFile) -> None:
    profile = load_config(write_config(HML_CARBONEXT)).profile("hml")
    assert profile.read_only is False
    assert profile.poll_interval == 30
    assert profile.timeout == 15
    assert profile.ca_bundle is None
    assert profile.log_file is None
    assert profile.registry is None
    assert profile.carbonext is not None
    assert profile.carbonext.userinfo_url is None
    assert profile.carbonext.scope is None
    assert profile.carbonext.token_auth == "client_secret_post"
    assert profile.carbonext.client_secret.resolve() == Secret(INLINE_SECRET)


def test_log_file_resolves_against_the_config_dir(write_config: WriteFile, tmp_path: Path) -> None:
    text = '[profiles.hml]\nlog_file = "logs/carbontui.log"\n' + HML_CARBONEXT
    profile = load_config(write_config(text)).profile("hml")
    assert profile.log_file == tmp_path / "logs" / "carbontui.log"


def carbonext_profile(name: str, api_url: str, environment: str | None = None) -> str:
    env_line = f'environment = "{environment}"\n' if environment else ""
    return (
        f'[profiles."{name}"]\n{env_line}'
        f'[profiles."{name}".carbonext]\n'
        f'api_url = "{api_url}"\n'
        'token_url = "http://127.0.0.1:1/token"\n'
        'client_id = "cbx_b2b_x"\n'
        'client_secret = { env = "X" }\n'
    )


@pytest.mark.parametrize(
    ("name", "api_url", "environment", "expected"),
    [
        ("prod", "https://api-b2b.carbonext.com.br", None, "prod"),
        ("main", "https://api-b2b.carbonext.com.br", None, "prod"),
        ("main", "https://api-b2b.carbonext.com.br/", None, "prod"),
        ("sandbox-prod", "http://127.0.0.1:8000", None, "prod"),
        ("Production", "http://127.0.0.1:8000", None, "prod"),
        ("hml", "http://127.0.0.1:8000", None, "hml"),
        ("work", "https://api-b2b-hml.carbonext.com.br", None, "hml"),
        ("local", "http://127.0.0.1:8000", None, "custom"),
        ("local", "http://127.0.0.1:8000", "prod", "prod"),
        ("local", "http://127.0.0.1:8000", "Sandbox", "sandbox"),
        ("prod-like", "http://127.0.0.1:8000", "hml", "hml"),
    ],
)
def test_environment(
    write_config: WriteFile, name: str, api_url: str, environment: str | None, expected: str
) -> None:
    config = load_config(write_config(carbonext_profile(name, api_url, environment)))
    profile = config.profile(name)
    assert profile.environment == expected
    assert profile.is_prod == (expected == "prod")


def test_environment_without_carbonext_is_inferred_from_name(write_config: WriteFile) -> None:
    text = '[profiles.prod-icr.registry]\napi_url = "http://h"\napp_id = "1"\n'
    text += 'private_key_file = "k.pem"\n'
    assert load_config(write_config(text)).profile("prod-icr").is_prod


def test_explicit_production_is_prod(write_config: WriteFile) -> None:
    config = load_config(write_config(carbonext_profile("x", "http://h", "production")))
    assert config.profile("x").is_prod


def test_non_prod_environment_on_prod_url_warns(write_config: WriteFile) -> None:
    path = write_config(carbonext_profile("x", "https://api-b2b.carbonext.com.br", "hml"))
    assert load_config(path).warnings == (
        "profile 'x' has environment 'hml' but its carbonext api_url is the production API",
    )


def test_only_profile_is_the_default(write_config: WriteFile) -> None:
    assert load_config(write_config(HML_CARBONEXT)).profile(None).name == "hml"


def test_no_profile_selected_with_several(write_config: WriteFile) -> None:
    text = HML_CARBONEXT + carbonext_profile("other", "http://h")
    path = write_config(text)
    with pytest.raises(ConfigError) as info:
        load_config(path).profile(None)
    assert str(info.value) == (
        "no profile selected; use --profile NAME, CARBONTUI_PROFILE or default_profile in "
        f"{path}; known profiles: hml, other"
    )


def test_no_profiles(write_config: WriteFile) -> None:
    path = write_config("# nothing yet\n")
    config = load_config(path)
    assert config.profiles == {}
    with pytest.raises(ConfigError) as info:
        config.profile(None)
    assert str(info.value) == f"no profiles are defined in {path}"
    with pytest.raises(ConfigError) as info:
        config.profile("hml")
    assert str(info.value) == f"unknown profile 'hml'; no profiles are defined in {path}"


def test_profile_without_services_warns(write_config: WriteFile) -> None:
    config = load_config(write_config("[profiles.empty]\nread_only = true\n"))
    assert config.warnings == ("profile 'empty' configures neither carbonext nor registry",)


def test_missing_ca_bundle_warns(write_config: WriteFile, tmp_path: Path) -> None:
    text = '[profiles.hml]\nca_bundle = "ca.pem"\n' + HML_CARBONEXT
    config = load_config(write_config(text))
    assert config.warnings == (f"profile 'hml': ca_bundle {tmp_path / 'ca.pem'} not found",)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "config.toml"
    with pytest.raises(ConfigNotFound) as info:
        load_config(path)
    assert isinstance(info.value, ConfigError)
    assert str(info.value) == (
        f"no config file at {path}; run `carbontui config init` to create one"
    )


def test_relative_config_path_is_made_absolute(
    write_config: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(HML_CARBONEXT)
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("config.toml"))
    assert config.path == tmp_path / "config.toml"
    assert config.profile("hml").source.is_absolute()


def test_resolve_config_path(tmp_path: Path) -> None:
    env = {"CARBONTUI_CONFIG": str(tmp_path / "env.toml")}
    assert resolve_config_path("/x/cli.toml", env) == Path("/x/cli.toml")
    assert resolve_config_path(None, env) == tmp_path / "env.toml"
    assert resolve_config_path(None, {}) == default_config_path()
    assert resolve_config_path(None, {"CARBONTUI_CONFIG": ""}) == default_config_path()
    assert default_config_path().name == "config.toml"
    assert "carbontui" in default_config_path().parts
    # A directory means the config.toml inside it.
    assert resolve_config_path(str(tmp_path), {}) == tmp_path / "config.toml"
    assert resolve_config_path("~/c.toml", {}) == Path.home() / "c.toml"


def test_resolve_profile_name() -> None:
    env = {"CARBONTUI_PROFILE": "from-env"}
    assert resolve_profile_name("from-cli", env) == "from-cli"
    assert resolve_profile_name(None, env) == "from-env"
    assert resolve_profile_name(None, {}) is None
    assert resolve_profile_name(None, {"CARBONTUI_PROFILE": ""}) is None


def test_objects_are_immutable(write_config: WriteFile) -> None:
    config = load_config(write_config(HML_CARBONEXT))
    with pytest.raises(TypeError):
        config.profiles["x"] = config.profile("hml")  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.profile("hml").read_only = True  # type: ignore[misc]
