"""`carbontui config init` and the shipped config.example.toml."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from carbontui.config import (
    STARTER_CONFIG,
    ConfigError,
    Secret,
    load_config,
    write_starter_config,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_starter_is_written_private_and_loads_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    write_starter_config(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == STARTER_CONFIG
    config = load_config(path)
    assert config.warnings == ()
    assert config.default_profile == "hml"
    assert config.profile(None).name == "hml"


def test_starter_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n")
    with pytest.raises(ConfigError) as info:
        write_starter_config(path)
    assert str(info.value) == f"{path} already exists; not overwriting it"
    assert path.read_text() == "# mine\n"


def test_example_is_the_starter() -> None:
    assert EXAMPLE.read_text() == STARTER_CONFIG


def test_example_loads_with_real_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONEXT_HML_SECRET", "hml-secret")
    monkeypatch.setenv("CARBONEXT_PROD_SECRET", "prod-secret")
    config = load_config(EXAMPLE)
    hml, prod = config.profile("hml"), config.profile("prod")
    assert (hml.environment, prod.environment) == ("hml", "prod")
    assert not hml.read_only and prod.read_only and prod.is_prod

    assert hml.carbonext is not None and prod.carbonext is not None
    assert hml.carbonext.api_url == "https://api-b2b-hml.carbonext.com.br"
    assert hml.carbonext.token_url == (
        "https://auth-hml.carbonext.com.br/auth/realms/co2free/protocol/openid-connect/token"
    )
    assert (hml.carbonext.scope, hml.carbonext.userinfo_url) == ("roles", None)
    assert hml.carbonext.client_secret.resolve() == Secret("hml-secret")

    assert prod.carbonext.api_url == "https://api-b2b.carbonext.com.br"
    assert prod.carbonext.token_url == "https://api-auth.carbonext.com.br/connect/token"
    assert prod.carbonext.userinfo_url == "https://api-auth.carbonext.com.br/connect/userinfo"
    assert prod.carbonext.scope == "offline_access"
    assert prod.carbonext.client_secret.resolve() == Secret("prod-secret")

    for profile in (hml, prod):
        assert profile.registry is not None
        assert profile.registry.api_url == "https://api.carbonregistry.com"
        assert profile.registry.api_version == "2023-06-16"
        assert profile.registry.private_key_file == EXAMPLE.parent / "icr-app.pem"
