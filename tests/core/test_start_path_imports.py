"""A dashboard start imports what its first screen needs, and nothing else.

Each check runs in a fresh interpreter: what a module pulls in is only visible there. A
``None`` entry in ``sys.modules`` is an import that was blocked, not a loaded module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carbontui.sandbox.demo import APP_KEY, demo_key_pem

#: Loaded modules (not blocked ones) named by, or inside, any of the given names.
LOADED = (
    "def loaded(*names):\n"
    "    return sorted(m for m, module in sys.modules.items() if module is not None\n"
    "                  and any(m == n or m.startswith(n + '.') for n in names))\n"
)

#: Only needed by another tab, a dialog, a key press or a subcommand.
NOT_AT_START = (
    "click",
    "pygments",
    "httpx._main",
    "uvicorn",
    "starlette",
    "jwt",
    "cryptography",
    "carbontui.commands",
    "carbontui.sandbox",
    "carbontui.tui.views.identity",
    "carbontui.tui.views.installations",
    "carbontui.tui.views.profiles",
    "carbontui.tui.create_key",
    "carbontui.tui.palette",
    "carbontui.tui.screens.help",
    "carbontui.tui.screens.command_prompt",
    "carbontui.usecases.rotate_key",
    "carbontui.usecases.installation_tokens",
    "carbontui.tui.screens.confirm",
    "textual.widgets._text_area",
)


def run(code: str) -> object:
    """The JSON that ``code`` (run in a fresh interpreter with ``loaded``) prints."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + LOADED + code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_the_dashboard_modules_leave_other_tabs_dialogs_and_subcommands_out() -> None:
    code = (
        "import carbontui.cli as cli\n"
        "cli.dashboard_parser().parse_args([])\n"
        "import carbontui.launch, carbontui.tui.app\n"
        f"print(json.dumps(loaded(*{NOT_AT_START!r})))\n"
    )
    assert run(code) == []


def test_the_full_cli_parser_and_the_dashboard_leave_the_sandbox_server_out() -> None:
    code = (
        "import carbontui.cli as cli\n"
        "cli.build_parser()\n"
        "import carbontui.launch, carbontui.tui.app\n"
        "print(json.dumps(loaded('starlette', 'uvicorn')))\n"
    )
    assert run(code) == []


def test_a_demo_environment_loads_no_server_and_no_pyjwt() -> None:
    code = (
        "from carbontui.launch import demo_environment\n"
        "with demo_environment() as demo: pass\n"
        "print(json.dumps(loaded('uvicorn', 'jwt')))\n"
    )
    assert run(code) == []


def test_httpx_loads_without_its_command_line_client() -> None:
    code = (
        "import carbontui, httpx\n"
        "print(json.dumps([loaded('click', 'pygments', 'httpx._main'), callable(httpx.main)]))\n"
    )
    assert run(code) == [[], True]


@pytest.mark.parametrize("registry", [True, False])
def test_opening_a_profile_parses_no_key(tmp_path: Path, registry: bool) -> None:
    key = tmp_path / "app.pem"
    key.write_bytes(demo_key_pem(APP_KEY))
    key.chmod(0o600)
    config = tmp_path / "config.toml"
    section = (
        f'[profiles.p.registry]\napi_url = "http://127.0.0.1:9"\napp_id = "1"\n'
        f'private_key_file = "{key}"\n'
        if registry
        else ""
    )
    config.write_text(
        'default_profile = "p"\n[profiles.p]\nenvironment = "hml"\n'
        '[profiles.p.carbonext]\napi_url = "http://127.0.0.1:9"\n'
        'token_url = "http://127.0.0.1:9/token"\nclient_id = "c"\nclient_secret = "s"\n' + section
    )
    config.chmod(0o600)
    tmp_path.chmod(0o700)
    code = (
        "from carbontui.config import load_config\n"
        "from carbontui.tui.services import Services\n"
        f"services = Services(load_config({str(config)!r}))\n"
        "session = services.open('p')\n"
        "print(json.dumps([session.registry is not None, loaded('jwt', 'cryptography')]))\n"
    )
    assert run(code) == [registry, []]
