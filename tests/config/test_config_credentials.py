"""credentials.toml: merged over config.toml, written atomically with mode 0600."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, INLINE_SECRET, SAVED_SECRET, WriteFile, load_strict

from carbontui.config import (
    ConfigError,
    CredentialsStore,
    ProfileExists,
    Secret,
    SecretSource,
    load_config,
)

PROD = """\
[profiles.prod.carbonext]
api_url = "https://api-b2b.carbonext.com.br"
token_url = "https://api-auth.carbonext.com.br/connect/token"
client_id = "cbx_b2b_prod"
client_secret = { env = "CARBONEXT_PROD_SECRET" }
[profiles.prod.registry]
api_url = "https://api.carbonregistry.com"
app_id = "1"
private_key_file = "icr-app.pem"
"""


def test_credentials_override_existing_profile(write_config: WriteFile) -> None:
    """A hand-written entry for a config.toml profile is merged (the store never writes one)."""
    path = write_config(HML_CARBONEXT)
    write_config(
        f'[profiles.hml.carbonext]\nclient_id = "cbx_b2b_new"\nclient_secret = "{SAVED_SECRET}"\n',
        name="credentials.toml",
    )
    config = load_config(path)
    assert list(config.profiles) == ["hml"]
    carbonext = config.profile("hml").carbonext
    assert carbonext is not None
    assert carbonext.client_id == "cbx_b2b_new"
    assert carbonext.client_secret.resolve() == Secret(SAVED_SECRET)
    assert carbonext.api_url == "https://api-b2b-hml.carbonext.com.br"
    assert config.profile("hml").source == path


def test_based_on_creates_a_profile(write_config: WriteFile, tmp_path: Path) -> None:
    path = write_config(HML_CARBONEXT + PROD)
    store = CredentialsStore(tmp_path / "credentials.toml")
    store.save_carbonext_key("prod-robot", "cbx_b2b_robot", SAVED_SECRET, based_on="prod")
    config = load_config(path)
    assert list(config.profiles) == ["hml", "prod", "prod-robot"]
    base, new = config.profile("prod"), config.profile("prod-robot")
    assert new.source == tmp_path / "credentials.toml"
    assert new.environment == base.environment == "prod"
    assert new.registry == base.registry
    assert new.carbonext is not None and base.carbonext is not None
    assert new.carbonext.api_url == base.carbonext.api_url
    assert new.carbonext.client_id == "cbx_b2b_robot"
    assert new.carbonext.client_secret == SecretSource.from_value(SAVED_SECRET)
    assert base.carbonext.client_id == "cbx_b2b_prod"  # the base is untouched


def test_based_on_keeps_an_inferred_prod_environment(write_config: WriteFile) -> None:
    """A key created from a profile inferred as prod stays prod whatever its own name."""
    path = write_config(PROD)
    CredentialsStore(path.parent / "credentials.toml").save_carbonext_key(
        "robot", "cbx_b2b_robot", SAVED_SECRET, based_on="prod"
    )
    assert load_config(path).profile("robot").is_prod


def test_based_on_ignored_for_a_profile_in_config(write_config: WriteFile) -> None:
    path = write_config(HML_CARBONEXT + PROD)
    write_config(
        '[profiles.hml]\nbased_on = "prod"\n[profiles.hml.carbonext]\nclient_id = "cbx_b2b_new"\n',
        name="credentials.toml",
    )
    hml = load_config(path).profile("hml")
    assert hml.environment == "hml"
    assert hml.registry is None


def test_store_keeps_other_entries_and_never_overwrites_one(tmp_path: Path) -> None:
    store = CredentialsStore(tmp_path / "credentials.toml")
    store.save_carbonext_key("a", "cbx_b2b_a", "secret-a", based_on="hml")
    store.save_carbonext_key("b", "cbx_b2b_b", "secret-b", based_on=None)
    with pytest.raises(ProfileExists) as info:
        store.save_carbonext_key("a", "cbx_b2b_a2", "secret-a2", based_on=None)
    assert str(info.value) == (
        f"profile 'a' already exists in {tmp_path / 'credentials.toml'}; choose another name"
    )
    assert store.read() == {
        "profiles": {
            "a": {
                "based_on": "hml",
                "carbonext": {"client_id": "cbx_b2b_a", "client_secret": "secret-a"},
            },
            "b": {"carbonext": {"client_id": "cbx_b2b_b", "client_secret": "secret-b"}},
        }
    }
    text = (tmp_path / "credentials.toml").read_text()
    assert text.startswith("# Written by carbontui")
    assert tomllib.loads(text) == store.read()


def test_store_writes_mode_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "credentials.toml"
    old = os.umask(0)
    try:
        CredentialsStore(path).save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # No temp file left; the lock file beside it is private too.
    assert sorted(p.name for p in path.parent.iterdir()) == [
        ".credentials.toml.lock",
        "credentials.toml",
    ]
    assert stat.S_IMODE((path.parent / ".credentials.toml.lock").stat().st_mode) == 0o600


def test_store_fixes_a_loose_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials.toml"
    path.write_text("")
    path.chmod(0o644)
    CredentialsStore(path).save_carbonext_key("a", "cbx_b2b_a", SAVED_SECRET, None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_store_refuses_config_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        CredentialsStore(tmp_path / "config.toml")
    assert str(info.value) == (
        f"refusing to write credentials into {tmp_path / 'config.toml'}; use credentials.toml"
    )


def test_store_does_not_clobber_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials.toml"
    path.write_text("[profiles.a\n")
    with pytest.raises(ConfigError) as info:
        CredentialsStore(path).save_carbonext_key("b", "cbx_b2b_b", SAVED_SECRET, None)
    assert str(info.value).startswith(f"{path}:1:")
    assert path.read_text() == "[profiles.a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "id", "s", None), "a profile name is required to save credentials"),
        (("p", "", "s", None), "both a client id and a client secret are required"),
        (("p", "id", "", None), "both a client id and a client secret are required"),
        (("p", "id", "s", "p"), "profile 'p' cannot be based on itself"),
    ],
)
def test_store_rejects_bad_arguments(
    tmp_path: Path, args: tuple[str, str, str, str | None], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        CredentialsStore(tmp_path / "credentials.toml").save_carbonext_key(*args)
    assert str(info.value) == message
    assert not (tmp_path / "credentials.toml").exists()


def credentials_error(write_config: WriteFile, config: str, credentials: str) -> str:
    path = write_config(config)
    write_config(credentials, name="credentials.toml")
    with pytest.raises(ConfigError) as info:
        load_strict(path)
    return str(info.value)


def test_credentials_without_based_on_for_unknown_profile(
    write_config: WriteFile, tmp_path: Path
) -> None:
    error = credentials_error(
        write_config, HML_CARBONEXT, '[profiles.hm.carbonext]\nclient_id = "cbx_b2b_x"\n'
    )
    assert error == (
        f"{tmp_path / 'credentials.toml'}: profile 'hm' is not in {tmp_path / 'config.toml'} "
        "and has no based_on; did you mean 'hml'?"
    )


def test_credentials_based_on_unknown_profile(write_config: WriteFile, tmp_path: Path) -> None:
    error = credentials_error(write_config, HML_CARBONEXT, '[profiles.new]\nbased_on = "hlm"\n')
    assert error == (
        f"{tmp_path / 'credentials.toml'}: profiles.new.based_on names an unknown profile "
        "'hlm'; known profiles: hml; did you mean 'hml'?"
    )


def test_credentials_for_profile_without_carbonext(write_config: WriteFile, tmp_path: Path) -> None:
    error = credentials_error(
        write_config, "[profiles.icr]\n", '[profiles.icr.carbonext]\nclient_id = "cbx_b2b_x"\n'
    )
    assert error == (
        f"{tmp_path / 'credentials.toml'}: profiles.icr.carbonext has credentials for profile "
        f"'icr', which has no [profiles.icr.carbonext] in {tmp_path / 'config.toml'}"
    )


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        (
            "[profiles.hml.carbonext]\nclient_secrt = 'x'\n",
            "unknown key 'profiles.hml.carbonext.client_secrt'; did you mean 'client_secret'?",
        ),
        (
            "[profiles.hml.carbonext]\napi_url = 'http://h'\n",
            "unknown key 'profiles.hml.carbonext.api_url'",
        ),
        (
            "[profiles.hml]\nbasedon = 'x'\n",
            "unknown key 'profiles.hml.basedon'; did you mean 'based_on'?",
        ),
        (
            "[profiles.hml.carbonext]\nclient_secret = 5\n",
            "profiles.hml.carbonext.client_secret must be an inline string here, got an "
            "integer; this file holds saved values only: put { env = ... } or "
            "{ command = [...] } sources in config.toml",
        ),
        ("[profiles.hml]\nbased_on = 'hml'\n", "profiles.hml.based_on must name another profile"),
        ("profile = {}\n", "unknown key 'profile'; did you mean 'profiles'?"),
    ],
)
def test_bad_credentials_file(
    write_config: WriteFile, tmp_path: Path, credentials: str, message: str
) -> None:
    error = credentials_error(write_config, HML_CARBONEXT, credentials)
    assert error == f"{tmp_path / 'credentials.toml'}: {message}"


def test_credentials_syntax_error(write_config: WriteFile, tmp_path: Path) -> None:
    error = credentials_error(write_config, HML_CARBONEXT, "[profiles.hml\n")
    assert (
        error
        == f"{tmp_path / 'credentials.toml'}:1:14: Expected ']' at the end of a table declaration"
    )


@pytest.mark.parametrize(
    ("source", "kind"),
    [('{ env = "X" }', "a table"), ('{ command = ["pass", "show", "x"] }', "a table")],
)
def test_credentials_refuse_env_or_command_sources(
    write_config: WriteFile, tmp_path: Path, source: str, kind: str
) -> None:
    """credentials.toml is tool-written: a command there would run whatever it names."""
    error = credentials_error(
        write_config, HML_CARBONEXT, f"[profiles.hml.carbonext]\nclient_secret = {source}\n"
    )
    assert error == (
        f"{tmp_path / 'credentials.toml'}: profiles.hml.carbonext.client_secret must be an "
        f"inline string here, got {kind}; this file holds saved values only: put "
        "{ env = ... } or { command = [...] } sources in config.toml"
    )


def test_credentials_inline_secret_overrides_only_the_secret(write_config: WriteFile) -> None:
    path = write_config(HML_CARBONEXT)
    write_config('[profiles.hml.carbonext]\nclient_secret = "x"\n', name="credentials.toml")
    carbonext = load_config(path).profile("hml").carbonext
    assert carbonext is not None
    assert carbonext.client_secret == SecretSource.from_value("x")
    assert carbonext.client_id == "cbx_b2b_hml"  # only the secret was overridden


def test_credentials_secret_completes_a_config_without_one(write_config: WriteFile) -> None:
    path = write_config(HML_CARBONEXT.replace(f'client_secret = "{INLINE_SECRET}"', ""))
    write_config("[profiles.hml.carbonext]\nclient_secret = 'saved'\n", name="credentials.toml")
    carbonext = load_config(path).profile("hml").carbonext
    assert carbonext is not None
    assert carbonext.client_secret.resolve().reveal() == "saved"
