"""The CLI's behaviour rules, through the use-case layer (issue 16's list of CLI bugs).

Each test here failed before the rules moved into ``carbontui/usecases``: the CLI minted on a
read-only profile, minted and revoked on prod without asking, "revoked" a fresh token instead
of the one the user holds, sent invalid keys to the server, took only UUIDs in ``keys show``
and wrote ``--json`` errors as plain text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_testlib import Run
from core_testlib import CREATE_KEY, INSTALLATION_TOKEN, REVOKE, Sandbox

from carbontui.history import ActionHistory


class Terminal(io.StringIO):
    """A stdin that says it is a terminal, with the person's answer already typed."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def run(
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    monkeypatch.setenv("CARBONTUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("CARBONTUI_PROFILE", raising=False)
    monkeypatch.delenv("CARBONTUI_CONFIG", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal unless a test says so
    return Run(capsys, sandbox.config_path)


def first_installation(sandbox: Sandbox) -> str:
    inst_id: str = sandbox.state.registry_apps["67890"].installations.page(0, 1)[0].id
    return inst_id


def mint(run: Run, inst: str, *flags: str) -> str:
    code, out, err = run("installations", "token", inst, *flags)
    assert code == 0, err
    return out.strip()


# -- read-only ------------------------------------------------------------------------------


def test_read_only_refuses_to_mint(sandbox: Sandbox, run: Run) -> None:
    inst = first_installation(sandbox)
    code, out, err = run("--read-only", "installations", "token", inst)
    assert (code, out) == (2, "")
    assert err == (
        "carbontui: error: mint an installation token refused: profile 'sandbox-hml' is read-only\n"
    )
    assert sandbox.stats() == {}


def test_read_only_refuses_to_revoke_a_piped_token(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = first_installation(sandbox)
    token = mint(run, inst)
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, _, err = run("installations", "revoke", inst, "--token-stdin", "--read-only")
    assert code == 2 and "is read-only" in err
    assert REVOKE not in sandbox.stats()
    assert sandbox.state.registry_tokens[token].is_active


# -- prod confirmation ----------------------------------------------------------------------


def test_prod_mint_needs_yes_when_stdin_is_not_a_terminal(sandbox: Sandbox, run: Run) -> None:
    inst = first_installation(sandbox)
    code, out, err = run("-p", "sandbox-prod", "installations", "token", inst)
    assert (code, out) == (2, "")
    assert err == (
        "carbontui: error: mint an installation token on production profile 'sandbox-prod' "
        "needs confirmation: pass --yes or --confirm sandbox-prod\n"
    )
    assert INSTALLATION_TOKEN not in sandbox.stats()
    token = mint(run, inst, "-p", "sandbox-prod", "--yes")
    assert sandbox.state.registry_tokens[token].is_active


def test_prod_mint_asks_for_the_profile_name_on_a_terminal(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = first_installation(sandbox)
    monkeypatch.setattr("sys.stdin", Terminal("sandbox-hml\n"))
    code, out, err = run("-p", "sandbox-prod", "installations", "token", inst)
    assert (code, out) == (2, "")
    assert "Type its name to mint an installation token:" in err
    assert err.endswith(
        "carbontui: error: mint an installation token on profile 'sandbox-prod' was not confirmed\n"
    )
    assert INSTALLATION_TOKEN not in sandbox.stats()
    monkeypatch.setattr("sys.stdin", Terminal("sandbox-prod\n"))
    token = mint(run, inst, "-p", "sandbox-prod")
    assert sandbox.state.registry_tokens[token].is_active


def test_prod_revoke_needs_yes(sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    inst = first_installation(sandbox)
    token = mint(run, inst, "-p", "sandbox-prod", "--yes")
    argv = ("-p", "sandbox-prod", "installations", "revoke", inst, "--token-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, _, err = run(*argv)
    assert code == 2 and "needs confirmation: pass --yes" in err
    assert REVOKE not in sandbox.stats()
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, _, err = run(*argv, "--yes")
    assert (code, err) == (0, "carbontui: token revoked\n")
    assert not sandbox.state.registry_tokens[token].is_active


def test_prod_create_takes_yes(sandbox: Sandbox, run: Run) -> None:
    argv = ("-p", "sandbox-prod", "keys", "create", "--client-id", "rules_yes", "--display-name")
    argv = (*argv, "Y")
    code, _, err = run(*argv)
    assert code == 2 and "needs confirmation: pass --yes" in err
    assert CREATE_KEY not in sandbox.stats()
    code, out, _ = run(*argv, "--yes")
    assert code == 0 and "cbx_b2b_rules_yes" in out
    assert sandbox.stats()[CREATE_KEY] == 1


# -- what revoke means ----------------------------------------------------------------------


def test_revoke_without_a_token_refuses_and_mints_nothing(sandbox: Sandbox, run: Run) -> None:
    inst = first_installation(sandbox)
    code, out, err = run("installations", "revoke", inst)
    assert (code, out) == (2, "")
    assert err == (
        f"carbontui: error: installation {inst}: no token to revoke. revoke invalidates one "
        "installation token that you name: one given explicitly (--token-stdin) or one this "
        "tool minted and still holds. It cannot find or revoke tokens minted elsewhere, and it "
        "never mints a token just to revoke it.\n"
    )
    assert sandbox.stats() == {}  # no mint, no revoke
    assert ActionHistory().entries() == []


def test_revoking_an_already_invalid_token_says_so(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = first_installation(sandbox)
    token = mint(run, inst)
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    assert run("installations", "revoke", inst, "--token-stdin")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, out, err = run("installations", "revoke", inst, "--token-stdin")
    assert (code, out) == (0, "")
    assert err == (
        "carbontui: the token was already invalid (expired or revoked): nothing was revoked now\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, out, _ = run("installations", "revoke", inst, "--token-stdin", "--json")
    assert json.loads(out) == {
        "revoked": False,
        "outcome": "already invalid",
        "installationId": inst,
    }
    assert [e.outcome for e in ActionHistory().entries()] == [
        "ok",
        "ok",
        "already invalid",
        "already invalid",
    ]


# -- keys -----------------------------------------------------------------------------------


def test_keys_create_validates_locally_and_lists_every_problem(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run(
        "keys", "create", "--client-id", "bad id!", "--display-name", "", "--permission", "nope"
    )
    assert (code, out) == (2, "")
    assert err == (
        "carbontui: error: keys create: nothing was sent: client id: 2-63 letters, digits, "
        "'_', '-' or '.', starting with a letter or digit; display name is required; "
        "not a permission id (UUID expected): nope\n"
    )
    assert sandbox.stats() == {}


def test_keys_show_takes_a_client_id(sandbox: Sandbox, run: Run) -> None:
    admin = sandbox.state.admin_application("hml")
    for name in (admin.client_id, admin.client_id.removeprefix("cbx_b2b_")):
        code, out, err = run("keys", "show", name, "--json")
        assert code == 0, err
        assert json.loads(out)["id"] == admin.id
    code, _, err = run("keys", "show", "cbx_b2b_no_such_key")
    assert code == 1 and "(404)" in err


# -- --json errors --------------------------------------------------------------------------


def test_json_errors_are_json_on_stderr(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("--json", "installations", "show", "nope")
    assert (code, out) == (1, "")
    assert json.loads(err) == {
        "error": "GET /app/installations/{id} (404): Installation nope not found",
        "exit": 1,
    }
    code, out, err = run("--read-only", "installations", "token", "x", "--json")
    assert (code, out) == (2, "")
    assert json.loads(err) == {
        "error": "mint an installation token refused: profile 'sandbox-hml' is read-only",
        "exit": 2,
    }
    code, _, err = run("--json", "-p", "nope", "keys", "list")
    assert code == 2 and json.loads(err)["exit"] == 2
