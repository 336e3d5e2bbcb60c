"""CLI and library conventions: completion, the config JSON Schema, --version, the README's
Python snippet, plain output, py.typed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from core_testlib import Sandbox

import carbontui
from carbontui.cli import build_parser, main, version_text
from carbontui.commands.completion_cmd import fish_script
from carbontui.config import schema as loader_schema
from carbontui.config.json_schema import PROFILE, config_schema, describe_keys
from carbontui.config.starter import STARTER_CONFIG, schema_text

ROOT = Path(__file__).resolve().parents[2]
BIN = str(Path(sys.executable).parent)


def shell_env(config: Path) -> dict[str, str]:
    """The test's environment with the venv's ``carbontui`` first on PATH."""
    return {
        **os.environ,
        "PATH": BIN + os.pathsep + os.environ["PATH"],
        "CARBONTUI_CONFIG": str(config),
    }


def in_shell(argv: list[str], sandbox: Sandbox) -> subprocess.CompletedProcess[str]:
    """Run a shell command line with the venv's carbontui and the sandbox's config."""
    return subprocess.run(
        argv,
        env=shell_env(sandbox.config_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- completion -------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_registers_and_completes_profiles(sandbox: Sandbox) -> None:
    script = """
eval "$(carbontui completion bash)"
complete -p carbontui
COMP_WORDS=(carbontui keys list --profile sandbox-p); COMP_CWORD=4
_shtab_carbontui carbontui sandbox-p --profile
printf 'profile:%s\\n' "${COMPREPLY[@]}"
COMP_WORDS=(carbontui ins); COMP_CWORD=1
_shtab_carbontui carbontui ins carbontui
printf 'command:%s\\n' "${COMPREPLY[@]}"
COMP_WORDS=(carbontui cache ""); COMP_CWORD=2
_shtab_carbontui carbontui "" cache
printf 'action:%s\\n' "${COMPREPLY[@]}"
"""
    done = in_shell(["bash", "-c", script], sandbox)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("complete ") and lines[0].endswith(" carbontui")
    assert "profile:sandbox-prod" in lines
    assert "command:installations" in lines
    assert {"action:list", "action:clear", "action:path"} <= set(lines)


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_loads(sandbox: Sandbox) -> None:
    done = in_shell(
        ["zsh", "-c", "autoload -U compinit && compinit -u && source <(carbontui completion zsh)"],
        sandbox,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_completes_profiles(sandbox: Sandbox) -> None:
    done = in_shell(
        [
            "fish",
            "-c",
            "carbontui completion fish | source; complete -C 'carbontui --profile sandbox-p'",
        ],
        sandbox,
    )
    assert done.returncode == 0, done.stderr
    assert "sandbox-prod" in done.stdout


def test_fish_script_covers_every_subcommand_and_completes_profiles() -> None:
    text = fish_script(build_parser())
    for command in ("token", "keys", "installations", "config", "cache", "api", "completion"):
        assert f"-a {command} " in text
    assert "__fish_seen_subcommand_from installations" in text
    assert "-l profile -s p -r -a '(carbontui config profiles --names 2>/dev/null)'" in text
    assert "-l service -r -a 'carbonext registry'" in text


def test_config_profiles_names(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(sandbox.config_path), "config", "profiles", "--names"]) == 0
    assert capsys.readouterr().out == "sandbox-hml\nsandbox-prod\n"


# -- the config schema ------------------------------------------------------------------------


def validate(toml_text: str) -> None:
    jsonschema.validate(tomllib.loads(toml_text), config_schema())


def test_the_shipped_example_and_generated_configs_validate(sandbox: Sandbox) -> None:
    jsonschema.Draft7Validator.check_schema(config_schema())
    assert (ROOT / "config.example.toml").read_text().startswith("#:schema ./config.schema.json\n")
    validate((ROOT / "config.example.toml").read_text())
    validate(STARTER_CONFIG)
    validate(sandbox.config_path.read_text())  # what every sandbox-backed test loads
    validate('[keymap]\n"table.sort" = "o"\n"app.quit" = ["q", "ctrl+q"]\n')
    # The committed schema is the generated one.
    assert (ROOT / "config.schema.json").read_text() == schema_text()


@pytest.mark.parametrize(
    "text",
    [
        "[profiles.a]\nread_onyl = true\n",
        "[profiles.a]\npoll_interval = 1\n",
        '[profiles.a]\ntoken_cache = "disk"\n',
        '[profiles.a.carbonext]\napi_url = "https://x"\ntoken_url = "https://x/t"\n',
        '[profiles.a.carbonext]\napi_url = "ftp://x"\ntoken_url = "https://x/t"\nclient_id = "c"\n',
        '[profiles.a.carbonext]\napi_url = "https://x"\ntoken_url = "https://x/t"\n'
        'client_id = "c"\nclient_secret = { env = "A", command = ["b"] }\n',
        '[profiles.a.registry]\napi_url = "https://x"\napp_id = "1"\n',
        '[keymap]\n"no.such.action" = "o"\n',
        "default_profile = 3\n",
    ],
)
def test_what_the_loader_refuses_the_schema_refuses(text: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate(text)


def test_the_schema_cannot_drift_from_the_loader() -> None:
    with pytest.raises(AssertionError, match="undescribed \\['extra_key'\\]"):
        describe_keys("profile", (*loader_schema.PROFILE_KEYS, "extra_key"), PROFILE)


def test_config_schema_command_and_init_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == config_schema()
    config = tmp_path / "cfg" / "config.toml"
    assert main(["--config", str(config), "config", "init"]) == 0
    written = json.loads((config.parent / "config.schema.json").read_text())
    assert written == config_schema()
    (config.parent / "config.schema.json").write_text("stale")
    assert main(["--config", str(config), "config", "schema", "--write"]) == 0
    assert json.loads((config.parent / "config.schema.json").read_text()) == config_schema()


# -- version, output, library -----------------------------------------------------------------


def test_version_names_textual_httpx_and_python(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out == version_text() + "\n"
    assert re.fullmatch(
        r"carbontui \S+ \(Textual \d\S*, httpx \d\S*, Python 3\.\d+\.\d+\)\n", out
    ), out


def test_output_is_plain_with_or_without_a_terminal(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for no_color in (None, "1"):
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        for argv in (["keys", "list"], ["config", "profiles"], ["cache", "list"]):
            assert main(["--config", str(sandbox.config_path), *argv]) == 0
            outputs.append(capsys.readouterr().out)
    assert all("\x1b" not in out for out in outputs)
    assert outputs[:3] == outputs[3:]


def test_the_package_is_typed() -> None:
    assert (Path(carbontui.__file__).parent / "py.typed").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["carbontui"]
    assert "Typing :: Typed" in pyproject["project"]["classifiers"]


def readme_python_snippet() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use carbontui from Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's Python section has no python block"
    return match.group(1)


def test_the_readme_python_snippet_runs(sandbox: Sandbox, tmp_path: Path) -> None:
    code = readme_python_snippet().replace('profile("hml")', 'profile("sandbox-hml")')
    assert code != readme_python_snippet()
    snippet = tmp_path / "snippet.py"
    snippet.write_text(code)
    env: dict[str, Any] = shell_env(sandbox.config_path)
    done = subprocess.run(
        [sys.executable, str(snippet)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Carbonext access token ")
    assert len(lines) == 1 + len(sandbox.state.applications)
    assert any(line.startswith("cbx_b2b_sandbox_hml ") for line in lines)


def test_a_dashboard_start_imports_no_subcommand() -> None:
    code = (
        "import sys\n"
        "import carbontui.cli as cli\n"
        "cli.dashboard_parser().parse_args(['--demo', '-p', 'hml', '--read-only'])\n"
        "print(sorted(m for m, module in sys.modules.items() if module is not None and "
        "m.startswith(('carbontui.commands', 'httpx', 'jwt', 'carbontui.api'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


@pytest.mark.parametrize(
    ("argv", "dashboard"),
    [
        ([], True),
        (["--demo"], True),
        (["-p", "keys", "--read-only"], True),  # "keys" is the profile's name here
        (["--config", "x.toml", "--log-file", "l"], True),
        (["keys", "list"], False),
        (["-p", "hml", "token"], False),
        (["--help"], False),
    ],
)
def test_only_a_start_without_command_skips_the_full_parser(
    argv: list[str], dashboard: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import carbontui.cli as cli
    import carbontui.launch as launch

    started: list[object] = []
    monkeypatch.setattr(launch, "run_dashboard", lambda args: started.append(args) or 0)
    real = cli.build_parser

    def counting() -> object:
        started.append("full parser")
        return real()

    monkeypatch.setattr(cli, "build_parser", counting)
    if dashboard:
        assert cli.main(argv) == 0
        assert "full parser" not in started and started[0].command is None  # type: ignore[union-attr]
    else:
        assert cli.names_a_command(argv)


def test_the_dashboard_modules_load_neither_pyjwt_nor_cryptography() -> None:
    # Both load when a Registry profile is opened (its key parsed, its JWT signed), not before.
    code = (
        "import sys\n"
        "import carbontui.launch, carbontui.tui.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'jwt', 'cryptography'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
