"""``carbontui env`` and ``carbontui exec`` against the loopback sandbox.

``env``'s lines are evaluated by a real shell (sh always; fish and pwsh where installed), and
``exec`` runs a real child process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from core_testlib import INSTALLATION_TOKEN, Sandbox

from carbontui.cli import main
from carbontui.commands.env_cmd import (
    default_shell,
    fish_quote,
    powershell_quote,
    render,
    sh_quote,
)
from carbontui.sandbox.carbonext_auth import KEYCLOAK_PREFIX

NAMES = (
    "CARBONEXT_ACCESS_TOKEN",
    "CARBONEXT_API_URL",
    "CARBONREGISTRY_ACCESS_TOKEN",
    "CARBONREGISTRY_API_URL",
    "CARBONREGISTRY_API_VERSION",
)
#: Values each quoting must carry through a shell unchanged.
AWKWARD = [
    "plain",
    "",
    "two words",
    "it's",
    "''",
    'say "hi"',
    "back\\slash\\",
    "\\'",
    "$HOME ${HOME} $(echo no) `echo no`",
    "semi; colon & amp | pipe > gt < lt",
    "glob * ? [a]",
    "# not a comment",
    "tab\there",
    "new\nline",
    "\u2018curly\u2019 \u201alow\u201b",
    "ünïcödé €",
    "-n",
]


def run_cli(capfd: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    """``main`` in this process, with file-descriptor capture (a child's output included)."""
    capfd.readouterr()
    code = main(["--config", str(config), *argv])
    out, err = capfd.readouterr()
    return code, out, err


def sh_eval(lines: str, names: tuple[str, ...]) -> list[str]:
    """What ``sh`` holds in ``names`` after ``eval``-ing ``lines``, one value each."""
    script = 'eval "$1"; shift; for n in "$@"; do eval "printf \'%s\\0\' \\"\\$$n\\""; done'
    done = subprocess.run(
        ["sh", "-c", script, "sh", lines, *names],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return done.stdout.decode().split("\0")[:-1]


def add_profile(sandbox: Sandbox, text: str) -> None:
    with sandbox.config_path.open("a") as out:
        out.write("\n" + text)


def first_installation(sandbox: Sandbox) -> str:
    inst_id: str = sandbox.state.registry_apps["67890"].installations.page(0, 1)[0].id
    return inst_id


# -- quoting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", AWKWARD)
def test_sh_quoting_survives_eval(value: str) -> None:
    lines = render({"V": value}, "sh")
    assert lines == f"export V={sh_quote(value)}\n"
    assert sh_eval(lines, ("V",)) == [value]


@pytest.mark.parametrize("value", AWKWARD)
def test_fish_quoting_survives_eval(value: str) -> None:
    fish = shutil.which("fish")
    lines = render({"V": value}, "fish")
    assert lines == f"set -gx V {fish_quote(value)}\n"
    if fish is None:
        pytest.skip("fish is not installed (the quoting is unit-tested below)")
    done = subprocess.run(
        [fish, "--no-config", "-c", 'eval $argv[1]; printf "%s" "$V"', lines],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert done.stdout.decode() == value


@pytest.mark.parametrize("value", AWKWARD)
def test_powershell_quoting_survives_eval(value: str) -> None:
    pwsh = shutil.which("pwsh")
    lines = render({"V": value}, "powershell")
    assert lines == f"$env:V = {powershell_quote(value)}\n"
    if pwsh is None:
        pytest.skip("pwsh is not installed (the quoting is unit-tested below)")
    script = "Invoke-Expression $args[0]; [Console]::Out.Write($env:V)"
    done = subprocess.run(
        [pwsh, "-NoProfile", "-NonInteractive", "-Command", script, lines],
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.decode() == value


def test_fish_quote_escapes_only_quote_and_backslash() -> None:
    assert fish_quote("a b") == "'a b'"
    assert fish_quote("it's") == "'it\\'s'"
    assert fish_quote("a\\b") == "'a\\\\b'"
    assert fish_quote('$x (echo) "q"') == "'$x (echo) \"q\"'"


def test_powershell_quote_doubles_every_single_quote_form() -> None:
    assert powershell_quote("a b") == "'a b'"
    assert powershell_quote("it's") == "'it''s'"
    assert powershell_quote("\u2018x\u2019") == "'\u2018\u2018x\u2019\u2019'"
    assert powershell_quote("\u201a\u201b") == "'\u201a\u201a\u201b\u201b'"
    assert powershell_quote('$env:HOME `n "q"') == "'$env:HOME `n \"q\"'"


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("/usr/bin/fish", "fish"),
        ("/usr/local/bin/pwsh", "powershell"),
        ("/bin/bash", "sh"),
        ("/bin/zsh", "sh"),
        ("", "sh"),
    ],
)
def test_default_shell_from_SHELL(shell: str, expected: str) -> None:
    assert default_shell({"SHELL": shell} if shell else {}) == expected


# -- env ---------------------------------------------------------------------------------------


def test_env_for_sh_evaluates_to_both_services(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capfd, sandbox.config_path, "env", "--shell", "sh")
    assert (code, err) == (0, "")
    assert [line.split("=", 1)[0] for line in out.splitlines()] == [f"export {n}" for n in NAMES]
    carbonext, carbonext_url, registry, registry_url, version = sh_eval(out, NAMES)
    claims = jwt.decode(carbonext, options={"verify_signature": False})
    assert claims["azp"] == sandbox.state.admin_application("hml").client_id
    record = sandbox.state.registry_tokens[registry]
    assert record.is_active and record.installation_id is None
    assert carbonext_url == registry_url == sandbox.url
    assert version == "2023-06-16"


def test_env_installation_token(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    inst = first_installation(sandbox)
    code, out, err = run_cli(capfd, sandbox.config_path, "env", "--installation", inst)
    assert (code, err) == (0, "")
    (token,) = sh_eval(out, ("CARBONREGISTRY_ACCESS_TOKEN",))
    assert sandbox.state.registry_tokens[token].installation_id == inst


def test_env_installation_mint_is_gated_on_a_read_only_profile(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    inst = first_installation(sandbox)
    code, out, err = run_cli(
        capfd, sandbox.config_path, "--read-only", "env", "--installation", inst
    )
    assert (code, out) == (2, "")
    assert "mint an installation token refused" in err and "read-only" in err
    assert INSTALLATION_TOKEN not in sandbox.stats()


def test_env_only_for_the_services_the_profile_has(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    admin = sandbox.state.admin_application("hml")
    add_profile(
        sandbox,
        "[profiles.only-carbonext]\n"
        'environment = "hml"\n'
        "[profiles.only-carbonext.carbonext]\n"
        f'api_url = "{sandbox.url}"\n'
        f'token_url = "{sandbox.url}{KEYCLOAK_PREFIX}/token"\n'
        f'client_id = "{admin.client_id}"\n'
        f'client_secret = "{admin.client_secret}"\n'
        'scope = "roles"\n',
    )
    argv = ("-p", "only-carbonext", "env", "--shell", "fish")
    code, out, err = run_cli(capfd, sandbox.config_path, *argv)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[2] for line in lines] == list(NAMES[:2])
    assert lines[1] == f"set -gx CARBONEXT_API_URL '{sandbox.url}'"
    code, out, err = run_cli(capfd, sandbox.config_path, *argv, "--installation", "x")
    assert (code, out) == (2, "")
    assert "has no [registry] section" in err


def test_env_never_logs_the_tokens(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "debug.log"
    code, out, _ = run_cli(capfd, sandbox.config_path, "env", "--log-file", str(log))
    assert code == 0
    carbonext, registry = sh_eval(out, ("CARBONEXT_ACCESS_TOKEN", "CARBONREGISTRY_ACCESS_TOKEN"))
    text = log.read_text()
    assert "POST /app/accessTokens" in text  # the log was written
    assert carbonext not in text and registry not in text


def test_env_powershell_lines(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capfd, sandbox.config_path, "env", "--shell", "powershell")
    assert code == 0
    lines = out.splitlines()
    assert [line.split(" = ", 1)[0] for line in lines] == [f"$env:{n}" for n in NAMES]
    assert lines[-1] == "$env:CARBONREGISTRY_API_VERSION = '2023-06-16'"


# -- exec --------------------------------------------------------------------------------------

PRINT_ENV = (
    "import json, os, sys; json.dump({n: os.environ.get(n) for n in sys.argv[1:]}, sys.stdout)"
)


def test_exec_passes_the_variables(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    argv = ("exec", "--", sys.executable, "-c", PRINT_ENV, *NAMES, "PATH")
    code, out, err = run_cli(capfd, sandbox.config_path, *argv)
    assert (code, err) == (0, "")
    seen = json.loads(out)
    assert seen["PATH"] == os.environ["PATH"]  # the variables are added, not a new environment
    assert seen["CARBONEXT_API_URL"] == seen["CARBONREGISTRY_API_URL"] == sandbox.url
    assert seen["CARBONREGISTRY_API_VERSION"] == "2023-06-16"
    assert sandbox.state.registry_tokens[seen["CARBONREGISTRY_ACCESS_TOKEN"]].is_active
    claims = jwt.decode(seen["CARBONEXT_ACCESS_TOKEN"], options={"verify_signature": False})
    assert claims["azp"] == sandbox.state.admin_application("hml").client_id


def test_exec_with_an_installation_token(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    inst = first_installation(sandbox)
    argv = ("exec", "--installation", inst, "--", sys.executable, "-c", PRINT_ENV)
    code, out, _ = run_cli(capfd, sandbox.config_path, *argv, "CARBONREGISTRY_ACCESS_TOKEN")
    assert code == 0
    token = json.loads(out)["CARBONREGISTRY_ACCESS_TOKEN"]
    assert sandbox.state.registry_tokens[token].installation_id == inst


@pytest.mark.parametrize("status", [0, 3, 255])
def test_exec_passes_the_exit_code_through(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str], status: int
) -> None:
    argv = ("exec", "--", sys.executable, "-c", f"raise SystemExit({status})")
    code, out, err = run_cli(capfd, sandbox.config_path, *argv)
    assert (code, out, err) == (status, "", "")


def test_exec_without_separator(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_cli(capfd, sandbox.config_path, "exec", sys.executable, "-c", "exit(4)")
    assert code == 4


def test_exec_missing_command_is_127(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capfd, sandbox.config_path, "exec", "--", "no-such-command-xyzzy")
    assert (code, out) == (127, "")
    assert err == "carbontui: error: exec: no-such-command-xyzzy: command not found\n"
    code, out, err = run_cli(
        capfd, sandbox.config_path, "--json", "exec", "--", "no-such-command-xyzzy"
    )
    assert code == 127
    assert json.loads(err) == {
        "error": "exec: no-such-command-xyzzy: command not found",
        "exit": 127,
    }


def test_exec_not_executable_is_126(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o644)
    code, _, err = run_cli(capfd, sandbox.config_path, "exec", "--", str(script))
    assert code == 126 and "permission denied" in err


def test_exec_needs_a_command(sandbox: Sandbox, capfd: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capfd, sandbox.config_path, "exec", "--")
    assert code == 2 and "no command given" in err
    assert sandbox.stats() == {}


def test_exec_leaves_ctrl_c_to_the_child(sandbox: Sandbox, tmp_path: Path) -> None:
    """Ctrl-C reaches carbontui and the child alike: carbontui waits and reports the child's
    own exit code (5), not its own interruption (130); a child killed by a signal is 128 + N."""
    child = (
        "import os, signal, sys\n"
        "os.kill(os.getppid(), signal.SIGINT)\n"  # what the terminal does to the whole group
        "if sys.argv[1] == 'exit': sys.exit(5)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
    )
    env = {**os.environ, "CARBONTUI_STATE_DIR": str(tmp_path / "state")}
    carbontui = [sys.executable, "-m", "carbontui", "--config", str(sandbox.config_path)]
    for how, expected in (("exit", 5), ("signal", 128 + 15)):
        done = subprocess.run(
            [*carbontui, "exec", "--", sys.executable, "-c", child, how],
            capture_output=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        assert done.returncode == expected, done.stderr.decode()
        assert done.stderr == b""
