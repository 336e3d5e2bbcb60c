"""Starting the dashboard: first run, bad config, and the --demo environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_testlib import SIZE, screen_text, wait_until

from carbontui.cli import main
from carbontui.config import load_config
from carbontui.launch import demo_environment, warm_tls_context
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


def test_demo_environment_serves_both_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    with demo_environment() as path:
        config = load_config(path)
        assert set(config.profiles) == {"sandbox-hml", "sandbox-prod"}
        assert config.profile("sandbox-prod").is_prod
        assert main(["--config", str(path), "keys", "list", "--json"]) == 0
        keys = json.loads(capsys.readouterr().out)
        assert {"cbx_b2b_sandbox_hml", "cbx_b2b_sandbox_prod"} <= {k["clientId"] for k in keys}
    assert not path.exists()  # the throw-away config is gone with the sandbox


async def test_demo_dashboard_uses_the_real_http_path() -> None:
    with demo_environment() as path:
        app = CarbonApp(load_config(path), profile="sandbox-hml", demo=True)
        async with app.run_test(size=SIZE) as pilot:
            view = app.query_one(KeysView)
            await wait_until(pilot, lambda: view.table.total_count == 25)
            header = app.query_one(ContextHeader)
            await wait_until(pilot, lambda: header.identity == "cbx_b2b_sandbox_hml")
            assert "demo sandbox" in screen_text(app)


def test_demo_client_signs_with_the_key_the_sandbox_generated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cryptography.hazmat.primitives.serialization as serialization

    def no_parse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the demo app key was parsed again")

    with demo_environment() as path:
        monkeypatch.setattr(serialization, "load_pem_private_key", no_parse)
        # The Registry app JWT is signed with the handed-over key and accepted by the sandbox.
        assert main(["--config", str(path), "installations", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 12


def test_tls_warm_up_fills_the_shared_context() -> None:
    import certifi

    from carbontui.api.session import tls_context

    warm_tls_context(certifi.where()).join()
    hits = tls_context.cache_info().hits
    tls_context(certifi.where())
    assert tls_context.cache_info().hits == hits + 1


def test_tls_warm_up_leaves_a_bad_ca_bundle_to_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    escaped: list[object] = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    warm_tls_context(str(tmp_path / "missing.pem")).join()
    assert escaped == []


def test_cli_and_dashboard_imports_leave_the_sandbox_server_out() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import carbontui.cli as cli\n"
        "cli.build_parser()\n"
        "import carbontui.launch, carbontui.tui.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'uvicorn'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
