"""The real executable: against a `carbontui sandbox --config-out DIR` process, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from carbontui.config import load_config

PYTHON = [sys.executable, "-m", "carbontui"]


def carbontui(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTHON, *argv], capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.fixture(scope="module")
def running_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``carbontui sandbox --port 0 --config-out DIR`` in its own process; yields DIR."""
    out = tmp_path_factory.mktemp("sandbox-process")
    proc = subprocess.Popen(
        [*PYTHON, "sandbox", "--port", "0", "--apps", "150", "--config-out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert first.startswith("sandbox listening on http://127.0.0.1:"), first
        assert second.startswith(f"wrote {out / 'config.toml'}"), second
        yield out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_keys_list_and_tokens_against_a_running_sandbox(running_sandbox: Path) -> None:
    config = str(running_sandbox / "config.toml")
    listed = carbontui("--config", config, "--profile", "sandbox-prod", "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    keys = json.loads(listed.stdout)
    assert len(keys) == 150 and len({k["id"] for k in keys}) == 150

    carbonext = carbontui("--config", config, "token")
    assert carbonext.returncode == 0 and carbonext.stdout.count(".") == 2
    registry = carbontui("token", "--service", "registry", "--config", config)
    assert registry.returncode == 0 and registry.stdout.startswith("crs_")
    assert registry.stderr == ""


def test_exit_codes_of_the_process(running_sandbox: Path) -> None:
    config = str(running_sandbox / "config.toml")
    api = carbontui("--config", config, "keys", "show", "nope")
    assert (api.returncode, api.stdout) == (1, "")
    assert api.stderr == (
        "carbontui: error: GET /v1/customers/applications/{id} (404): Application nope not found\n"
    )
    usage = carbontui("--config", config, "-p", "nope", "token")
    assert usage.returncode == 2
    assert usage.stderr == (
        "carbontui: error: unknown profile 'nope'; known profiles: sandbox-hml, sandbox-prod\n"
    )
    refused = carbontui(
        "--config", config, "-p", "sandbox-prod", "keys", "create", "--client-id", "pp",
        "--display-name", "P",
    )  # fmt: skip
    assert refused.returncode == 2 and "--confirm sandbox-prod" in refused.stderr


def test_sandbox_config_is_private(running_sandbox: Path) -> None:
    for name in ("config.toml", "registry-app.pem"):
        assert (running_sandbox / name).stat().st_mode & 0o077 == 0
    assert not load_config(running_sandbox / "config.toml").warnings


def test_library_imports_load_no_textual() -> None:
    code = (
        "import sys\n"
        "import carbontui.auth, carbontui.api, carbontui.config, carbontui.commands\n"
        "import carbontui.commands.keys, carbontui.commands.installations\n"
        "import carbontui.commands.tokens, carbontui.commands.config_cmd\n"
        "import carbontui.transport, carbontui.decoding, carbontui.history\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad), bad[:5])\n"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "0 []\n"
