"""The shared token cache seen from the CLI: every run is a new TokenCache (as a new process
would be), sharing only the cache directory; and real concurrent processes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_testlib import Run
from core_testlib import (
    CONNECT_TOKEN,
    INSTALLATION_TOKEN,
    KEYCLOAK_TOKEN,
    LIST_KEYS,
    REVOKE,
    Sandbox,
)

from carbontui.cli import main
from carbontui.history import ActionHistory


@pytest.fixture
def run(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(capsys, sandbox.config_path)


@pytest.fixture
def cache_dir() -> Path:
    """The per-test cache root the autouse fixture points CARBONTUI_CACHE_DIR at."""
    return Path(os.environ["CARBONTUI_CACHE_DIR"]) / "tokens"


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.json")) if cache_dir.is_dir() else []


def installation_id(sandbox: Sandbox, index: int = 0) -> str:
    return sandbox.state.registry_apps["67890"].installations.page(index, index + 1)[0].id


def set_in_profile(sandbox: Sandbox, profile: str, line: str) -> None:
    """Add a top-level setting to ``[profiles.<profile>]`` of the generated config."""
    text = sandbox.config_path.read_text()
    header = f"[profiles.{profile}]\n"
    assert header in text
    sandbox.config_path.write_text(text.replace(header, header + line + "\n", 1))


# -- reuse across runs ------------------------------------------------------------------------


def test_twenty_sequential_token_runs_make_one_token_request(sandbox: Sandbox, run: Run) -> None:
    outputs = set()
    for _ in range(20):
        code, out, err = run("token")
        assert (code, err) == (0, "")
        outputs.add(out)
    assert len(outputs) == 1
    assert sandbox.stats()[KEYCLOAK_TOKEN] == 1
    # A command using the token reuses it too.
    code, _, _ = run("keys", "list", "--json")
    assert code == 0 and sandbox.stats()[KEYCLOAK_TOKEN] == 1


def test_no_cache_and_memory_profiles_neither_read_nor_write_the_cache(
    sandbox: Sandbox, run: Run, cache_dir: Path
) -> None:
    first = {run("token", "--no-cache")[1] for _ in range(3)}
    assert len(first) == 3 and sandbox.stats()[KEYCLOAK_TOKEN] == 3
    assert entries(cache_dir) == []
    set_in_profile(sandbox, "sandbox-hml", 'token_cache = "memory"')
    second = {run("token")[1] for _ in range(3)}
    assert len(second) == 3 and sandbox.stats()[KEYCLOAK_TOKEN] == 6
    assert entries(cache_dir) == []
    # Another profile of the same file still shares.
    prod = {run("token", "-p", "sandbox-prod")[1] for _ in range(3)}
    assert len(prod) == 1 and len(entries(cache_dir)) == 1


def test_force_replaces_the_shared_token_for_every_later_run(sandbox: Sandbox, run: Run) -> None:
    _, first, _ = run("token")
    _, forced, _ = run("token", "--force")
    _, later, _ = run("token")
    assert first != forced and later == forced
    assert sandbox.stats()[KEYCLOAK_TOKEN] == 2


def test_a_rejected_token_is_renewed_once_for_every_process(sandbox: Sandbox, run: Run) -> None:
    prod = ("-p", "sandbox-prod")
    _, first, _ = run("token", *prod)
    del sandbox.state.carbonext_tokens[first.strip()]  # the server forgot it (restart, revoke)
    code, _, err = run("keys", "list", "--json", *prod)
    assert (code, err) == (0, "")
    assert sandbox.stats()[CONNECT_TOKEN] == 2
    _, renewed, _ = run("token", *prod)
    assert renewed != first and renewed.strip() in sandbox.state.carbonext_tokens
    code, _, _ = run("keys", "list", "--json", *prod)
    assert code == 0 and sandbox.stats()[CONNECT_TOKEN] == 2
    assert sandbox.stats()[LIST_KEYS] >= 3


def test_revoke_in_one_run_makes_the_next_run_mint_anew(sandbox: Sandbox, run: Run) -> None:
    inst = installation_id(sandbox)
    _, first, _ = run("installations", "token", inst)
    _, again, _ = run("installations", "token", inst)
    assert first == again and sandbox.stats()[INSTALLATION_TOKEN] == 1
    code, out, err = run("installations", "revoke", inst, "--json")
    assert code == 0, err
    assert json.loads(out)["outcome"] == "revoked"
    assert sandbox.state.registry_tokens[first.strip()].is_active is False
    _, fresh, _ = run("installations", "token", inst)
    assert fresh != first and sandbox.state.registry_tokens[fresh.strip()].is_active
    assert sandbox.stats()[INSTALLATION_TOKEN] == 2 and sandbox.stats()[REVOKE] == 1
    # Nothing held any more after a second revoke: nothing to revoke, no request.
    assert run("installations", "revoke", inst)[0] == 0
    code, _, err = run("installations", "revoke", inst)
    assert code != 0 and "no token" in err.lower()
    assert sandbox.stats()[REVOKE] == 2
    actions = [e.action for e in ActionHistory().entries()]
    assert actions.count("mint-installation-token") == 2


# -- what is on disk --------------------------------------------------------------------------


def test_cache_files_hold_no_secret_and_are_private(
    sandbox: Sandbox, run: Run, cache_dir: Path
) -> None:
    inst = installation_id(sandbox)
    for argv in (
        ("token",),
        ("token", "-p", "sandbox-prod"),
        ("token", "--service", "registry"),
        ("installations", "token", inst),
    ):
        assert run(*argv)[0] == 0
    files = entries(cache_dir)
    assert len(files) == 4
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    for path in [*files, *cache_dir.glob("*.lock")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    secrets = [
        sandbox.state.admin_application("hml").client_secret,
        sandbox.state.admin_application("prod").client_secret,
    ]
    pem = (sandbox.config_path.parent / "registry-app.pem").read_text()
    key_body = "".join(pem.strip().splitlines()[1:-1])
    blob = b"".join(p.read_bytes() for p in files).decode()
    for secret in secrets:
        assert secret not in blob
    assert key_body[:40] not in blob and "PRIVATE KEY" not in blob
    kinds = sorted(json.loads(p.read_bytes())["kind"] for p in files)
    assert "registry-app-jwt" not in kinds and len(kinds) == 4
    # No file name says which client or profile it is for.
    assert all("sandbox" not in p.name and "cbx" not in p.name for p in cache_dir.iterdir())


def test_a_corrupt_cache_file_is_replaced(sandbox: Sandbox, run: Run, cache_dir: Path) -> None:
    prod = ("-p", "sandbox-prod")  # opaque tokens: the sandbox knows them by value
    _, first, _ = run("token", *prod)
    (path,) = entries(cache_dir)
    for garbage in (b"{not json", b"", b'{"format": 99}', json.dumps([1, 2]).encode()):
        path.write_bytes(garbage)
        code, out, err = run("token", *prod)
        assert (code, err) == (0, "")
        assert out != first and out.strip() in sandbox.state.carbonext_tokens
        assert json.loads(path.read_bytes())["format"] == 1  # rewritten, valid
        first = out
    assert sandbox.stats()[CONNECT_TOKEN] == 5


def test_a_world_readable_or_symlinked_entry_is_ignored(
    sandbox: Sandbox, run: Run, cache_dir: Path, tmp_path: Path
) -> None:
    _, first, _ = run("token")
    (path,) = entries(cache_dir)
    os.chmod(path, 0o644)  # someone could have read it: not trusted, not reused
    _, second, _ = run("token")
    assert second != first and stat.S_IMODE(path.stat().st_mode) == 0o600
    planted = tmp_path / "planted.json"
    planted.write_bytes(path.read_bytes())
    planted.chmod(0o600)
    path.unlink()
    path.symlink_to(planted)
    _, third, _ = run("token")
    assert third != second and not path.is_symlink()
    assert planted.exists()  # the link was removed, never its target
    assert sandbox.stats()[KEYCLOAK_TOKEN] == 3


def test_a_loose_cache_directory_is_tightened(run: Run, cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    cache_dir.chmod(0o755)
    assert run("token")[0] == 0
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700


# -- cache list / clear / path ----------------------------------------------------------------


def test_cache_list_and_clear(sandbox: Sandbox, run: Run, cache_dir: Path) -> None:
    inst = installation_id(sandbox)
    run("token")
    _, prod_token, _ = run("token", "-p", "sandbox-prod")
    _, inst_token, _ = run("installations", "token", inst)
    code, out, _ = run("cache", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 3
    assert {(e["profile"], e["service"], e["installationId"]) for e in listed} == {
        ("sandbox-hml", "carbonext", None),
        ("sandbox-prod", "carbonext", None),
        ("sandbox-hml", "registry", inst),
    }
    assert prod_token.strip() not in out and inst_token.strip() not in out
    code, table, _ = run("cache", "list")
    assert code == 0 and table.splitlines()[0].split() == [
        "PROFILE",
        "SERVICE",
        "TOKEN",
        "INSTALLATION",
        "EXPIRES",
    ]
    assert "in 59m" in table or "in 1h" in table or "in 60m" in table
    assert prod_token.strip() not in table

    code, out, _ = run("cache", "clear", "--profile", "sandbox-hml")
    assert (code, out) == (0, "removed 2 cached tokens (profile 'sandbox-hml')\n")
    assert [e["profile"] for e in json.loads(run("cache", "list", "--json")[1])] == ["sandbox-prod"]
    # The prod token is still shared; the hml one is minted anew.
    assert run("token", "-p", "sandbox-prod")[1] == prod_token
    stats_before = sandbox.stats()[KEYCLOAK_TOKEN]
    run("token")
    assert sandbox.stats()[KEYCLOAK_TOKEN] == stats_before + 1
    code, out, _ = run("cache", "clear", "--json")
    assert code == 0 and json.loads(out) == {"removed": 2, "profile": None}
    assert entries(cache_dir) == []
    code, out, _ = run("cache", "path")
    assert (code, out) == (0, f"{cache_dir}\n")


def test_cache_commands_work_with_a_broken_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles\n")
    code = main(["--config", str(broken), "cache", "clear"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "") and out.startswith("removed 0 cached tokens")


# -- real processes ---------------------------------------------------------------------------


@pytest.fixture
def processes(sandbox: Sandbox) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_eight_concurrent_cold_processes_make_one_token_request(
    sandbox: Sandbox, processes: list[subprocess.Popen[str]]
) -> None:
    argv = [sys.executable, "-m", "carbontui", "--config", str(sandbox.config_path), "token"]
    for _ in range(8):
        processes.append(
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    results = [proc.communicate(timeout=120) for proc in processes]
    assert [proc.returncode for proc in processes] == [0] * 8, results
    assert len({out for out, _ in results}) == 1
    assert all(err == "" for _, err in results)
    assert sandbox.stats()[KEYCLOAK_TOKEN] == 1


def test_eight_concurrent_installation_token_processes_mint_once(
    sandbox: Sandbox, processes: list[subprocess.Popen[str]]
) -> None:
    inst = installation_id(sandbox, 1)
    argv = [sys.executable, "-m", "carbontui", "--config", str(sandbox.config_path)]
    for _ in range(8):
        processes.append(
            subprocess.Popen(
                [*argv, "installations", "token", inst],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = [proc.communicate(timeout=120) for proc in processes]
    assert [proc.returncode for proc in processes] == [0] * 8, results
    assert len({out for out, _ in results}) == 1
    assert sandbox.stats()[INSTALLATION_TOKEN] == 1
