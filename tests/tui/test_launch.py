"""Starting the dashboard: first run, bad config, and the --demo environment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import jwt
import pytest
from tui_testlib import SIZE, screen_text, wait_until

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.cli import main
from carbontui.config import load_config
from carbontui.launch import DEMO_URL, demo_environment, warm_tls_context
from carbontui.sandbox import create_app, write_config
from carbontui.sandbox.demo import REALM_KEY, demo_key
from carbontui.tui.app import CarbonApp
from carbontui.tui.views.keys import KeysView
from carbontui.tui.widgets.context_header import ContextHeader


def test_first_run_explains_demo_and_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "config.toml"
    monkeypatch.setenv("CARBONTUI_CONFIG", str(missing))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert f"no configuration found at {missing}" in err
    assert "carbontui --demo" in err
    assert "carbontui config init" in err
    assert "Traceback" not in err


def test_malformed_config_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('default_profile = "hml"\n[profiles.hml\n')
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"carbontui: error: {config}:2:")
    assert "Traceback" not in err


async def test_demo_environment_serves_both_profiles_in_process() -> None:
    with demo_environment() as demo:
        config = load_config(demo.config)
        assert set(config.profiles) == {"sandbox-hml", "sandbox-prod"}
        assert config.profile("sandbox-prod").is_prod
        assert config.profile("sandbox-hml").carbonext.api_url.startswith(DEMO_URL)  # type: ignore[union-attr]
        for name in config.profiles:
            profile = config.profile(name)
            async with ProfileSession(
                profile, cache=TokenCache(), transport=demo.transport
            ) as session:
                keys = await session.require_carbonext().list_all()
                assert {"cbx_b2b_sandbox_hml", "cbx_b2b_sandbox_prod"} <= {
                    k.client_id for k in keys
                }
        # hml's (Keycloak) token is an RS256 JWT that PyJWT checks against the demo realm key.
        async with ProfileSession(
            config.profile("sandbox-hml"), cache=TokenCache(), transport=demo.transport
        ) as session:
            token = await session.require_carbonext().token()
        public = demo_key(REALM_KEY).public_key()
        claims = jwt.decode(token.value, public, algorithms=["RS256"], audience="account")
        assert claims["azp"] == "cbx_b2b_sandbox_hml"
    assert not demo.config.exists()  # the throw-away config is gone with the sandbox


async def test_demo_dashboard_talks_to_the_in_process_sandbox() -> None:
    with demo_environment() as demo:
        app = CarbonApp(
            load_config(demo.config), profile="sandbox-hml", demo=True, transport=demo.transport
        )
        async with app.run_test(size=SIZE) as pilot:
            view = app.query_one(KeysView)
            await wait_until(pilot, lambda: view.table.total_count == 25)
            header = app.query_one(ContextHeader)
            await wait_until(pilot, lambda: header.identity == "cbx_b2b_sandbox_hml")
            assert "demo sandbox" in screen_text(app)


async def test_demo_client_signs_with_the_key_the_sandbox_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cryptography.hazmat.primitives.serialization as serialization

    def no_parse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the demo app key was parsed again")

    with demo_environment() as demo:
        monkeypatch.setattr(serialization, "load_pem_private_key", no_parse)
        profile = load_config(demo.config).profile("sandbox-hml")
        async with ProfileSession(profile, cache=TokenCache(), transport=demo.transport) as session:
            # The Registry app JWT is signed with the handed-over key and accepted.
            installations = await session.require_registry().list_all()
    assert len(installations) == 12


def test_a_demo_start_neither_serves_nor_generates_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from carbontui.sandbox import keys

    def no_keygen(*args: object, **kwargs: object) -> object:
        raise AssertionError("a demo start generated an RSA key")

    monkeypatch.setattr(keys, "_generate", no_keygen)
    with demo_environment() as demo:
        assert isinstance(demo.transport, httpx.ASGITransport)


def test_tls_warm_up_fills_the_shared_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import certifi

    from carbontui.api import session

    built: list[str | None] = []
    real = session._new_tls_context

    def counting(ca_bundle: str | None) -> object:
        built.append(ca_bundle)
        return real(ca_bundle)

    monkeypatch.setattr(session, "_new_tls_context", counting)
    warm_tls_context(certifi.where()).join()
    context = session.tls_context(certifi.where())
    assert session.tls_context(certifi.where()) is context
    assert built == [certifi.where()]  # built once, by the warm-up


def test_a_caller_waits_for_the_warm_up_instead_of_building_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from carbontui.api import session

    started, release = threading.Event(), threading.Event()
    built: list[str | None] = []
    real = session._new_tls_context

    def slow(ca_bundle: str | None) -> object:
        built.append(ca_bundle)
        started.set()
        release.wait(30)
        return real(ca_bundle)

    monkeypatch.setattr(session, "_new_tls_context", slow)
    warm = warm_tls_context(None)
    assert started.wait(30)
    threading.Timer(0.2, release.set).start()
    context = session.tls_context(None)  # arrives while the warm-up builds
    warm.join()
    assert built == [None] and session.tls_context(None) is context


def test_a_plain_http_profile_never_loads_the_ca_store(tmp_path: Path) -> None:
    from carbontui.api import session

    config = load_config(write_config(tmp_path / "cfg", "http://127.0.0.1:9", create_app()))
    profile = config.profile("sandbox-hml")
    assert not profile.needs_ca_store
    session.ProfileSession(profile, cache=TokenCache())
    assert session._tls_contexts == {}
    https = replace(profile, registry=replace(profile.registry, api_url="https://x.test"))  # type: ignore[type-var]
    assert https.needs_ca_store
    session.ProfileSession(https, cache=TokenCache())
    assert list(session._tls_contexts) == [None]


def test_tls_warm_up_leaves_a_bad_ca_bundle_to_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    escaped: list[object] = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    warm_tls_context(str(tmp_path / "missing.pem")).join()
    assert escaped == []
