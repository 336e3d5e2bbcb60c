"""Every headless subcommand through ``carbontui.cli.main`` against the loopback sandbox."""

from __future__ import annotations

import functools
import io
import json
import os
import stat
from pathlib import Path

import httpx
import jwt
import pytest
from core_testlib import CREATE_KEY, INSTALLATION_TOKEN, LIST_KEYS, REVOKE, Sandbox

import carbontui.commands.context as context_module
from carbontui.api.session import ProfileSession
from carbontui.cli import main
from carbontui.config import CredentialsStore
from carbontui.history import ActionHistory


class Run:
    """``run(*argv) -> (exit code, stdout, stderr)`` with ``--config`` for the test sandbox."""

    def __init__(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        self.capsys, self.config = capsys, config

    def __call__(self, *argv: str, config: bool = True) -> tuple[int, str, str]:
        self.capsys.readouterr()
        args = ["--config", str(self.config), *argv] if config else list(argv)
        code = main(args)
        out, err = self.capsys.readouterr()
        return code, out, err


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
    return Run(capsys, sandbox.config_path)


def add_profiles(sandbox: Sandbox, text: str) -> None:
    """Append profiles to the generated config.toml."""
    with sandbox.config_path.open("a") as out:
        out.write("\n" + text)


def permission_id(sandbox: Sandbox, name: str) -> str:
    return next(p.id for p in sandbox.state.catalog if p.name == name)


def installation(sandbox: Sandbox, index: int = 0):
    return sandbox.state.registry_apps["67890"].installations.page(index, index + 1)[0]


# -- token / whoami ------------------------------------------------------------------------


def test_token_prints_only_the_token(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("token")
    assert code == 0 and err == ""
    assert out.count("\n") == 1
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert claims["azp"] == sandbox.state.admin_application("hml").client_id


def test_token_for_the_registry_app_and_an_installation(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("token", "--service", "registry")
    assert code == 0 and out.startswith("crs_")
    record = sandbox.state.registry_tokens[out.strip()]
    assert record.installation_id is None
    inst = installation(sandbox)
    code, out, _ = run("token", "--service", "registry", "--installation", inst.id, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["kind"] == "registry-installation"
    assert sandbox.state.registry_tokens[data["token"]].installation_id == inst.id
    assert data["permissions"] == dict(inst.permissions)
    # --installation alone means a registry installation token.
    code, out, _ = run("token", "--installation", inst.id)
    assert code == 0 and sandbox.state.registry_tokens[out.strip()].installation_id == inst.id
    code, out, err = run("token", "--service", "carbonext", "--installation", inst.id)
    assert (code, out) == (2, "") and "--installation is for registry tokens" in err


def test_token_json_for_the_connect_flavour(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("token", "--profile", "sandbox-prod", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["kind"] == "carbonext" and data["scope"] == ["offline_access"]
    assert data["token"] in sandbox.state.carbonext_tokens


def test_whoami_with_userinfo(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("whoami", "-p", "sandbox-prod")
    admin = sandbox.state.admin_application("prod")
    assert code == 0 and err == ""
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert lines["profile"].strip() == "sandbox-prod"
    assert lines["client id"].strip() == admin.client_id
    assert lines["legal name"].strip() == sandbox.state.customer.legal_name
    assert lines["tax id"].strip() == sandbox.state.customer.tax_id
    code, out, _ = run("whoami", "-p", "sandbox-prod", "--json")
    assert json.loads(out)["customerApplicationId"] == admin.id


def test_whoami_without_userinfo_reads_the_claims(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run("whoami")
    assert code == 0
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert lines["client id"].strip() == "cbx_b2b_sandbox_hml"
    assert lines["subject"].strip() == sandbox.state.admin_application("hml").id
    assert "customer_applications_read" in lines["roles"]
    assert (
        err == "carbontui: this profile has no userinfo_url: shown from the access token's claims\n"
    )
    code, out, _ = run("--json", "whoami")
    assert json.loads(out)["claims"]["azp"] == "cbx_b2b_sandbox_hml"


# -- keys ----------------------------------------------------------------------------------


def test_keys_list_table_filter_and_json(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("keys", "list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["CLIENT", "ID", "DISPLAY", "NAME", "ID"]
    assert len(lines) == 1 + len(sandbox.state.applications)
    code, out, _ = run("keys", "list", "--json")
    ids = [k["id"] for k in json.loads(out)]
    assert ids == [a.id for a in sandbox.state.applications]
    code, out, _ = run("keys", "list", "--filter", "SANDBOX_PROD")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["cbx_b2b_sandbox_prod"]


def test_keys_show(sandbox: Sandbox, run: Run) -> None:
    app = sandbox.state.admin_application("hml")
    code, out, _ = run("keys", "show", app.id)
    assert code == 0
    assert out.splitlines()[:3] == [
        f"id:           {app.id}",
        f"client id:    {app.client_id}",
        f"display name: {app.display_name}",
    ]
    assert "customer_applications_write" in out
    code, out, _ = run("keys", "show", app.id, "--json")
    data = json.loads(out)
    assert [p["id"] for p in data["permissions"]] == list(app.permission_ids)


def test_keys_create_prints_the_secret_once_and_saves_a_working_profile(
    sandbox: Sandbox, run: Run
) -> None:
    read = permission_id(sandbox, "customer_applications_read")
    code, out, err = run(
        "keys", "create", "--client-id", "cli_saved", "--display-name", "CLI saved",
        "--permission", read, "--save-profile", "saved",
    )  # fmt: skip
    created = sandbox.state.applications_by_client_id["cbx_b2b_cli_saved"]
    assert code == 0
    assert out.splitlines() == [
        f"id:            {created.id}",
        "client id:     cbx_b2b_cli_saved",
        f"client secret: {created.client_secret}",
    ]
    creds = sandbox.config_path.parent / "credentials.toml"
    assert err.splitlines() == [
        "carbontui: this is the only time the client secret is shown: store it now.",
        f"carbontui: saved as profile 'saved' in {creds}",
    ]
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert created.client_secret in creds.read_text()
    # The saved key works as a profile, with only the permission it was given.
    code, out, _ = run("--profile", "saved", "whoami", "--json")
    assert code == 0 and json.loads(out)["claims"]["azp"] == "cbx_b2b_cli_saved"
    code, out, _ = run("keys", "list", "--profile", "saved", "--filter", "cli_saved")
    assert code == 0 and "cbx_b2b_cli_saved" in out
    code, _, err = run(
        "keys", "create", "--client-id", "x2", "--display-name", "X", "--profile", "saved"
    )
    assert code == 1
    assert err == (
        "carbontui: error: POST /v1/customers/applications (403): "
        "Missing permission: customer_applications_write\n"
    )
    entries = ActionHistory().entries()
    assert [(e.action, e.outcome) for e in entries[-2:]] == [
        ("create-key", "ok"),
        ("create-key", entries[-1].outcome),
    ]
    assert entries[-2].objects == (created.id, "cbx_b2b_cli_saved")
    assert entries[-1].outcome.startswith("error: POST /v1/customers/applications (403)")


def test_create_refuses_an_unsavable_target_before_creating(sandbox: Sandbox, run: Run) -> None:
    write = permission_id(sandbox, "customer_applications_write")
    creds = sandbox.config_path.parent / "credentials.toml"
    before = len(sandbox.state.applications)
    argv = (
        "keys",
        "create",
        "--client-id",
        "unsaved",
        "--display-name",
        "U",
        "--permission",
        write,
    )
    code, out, err = run(*argv, "--save-profile", "sandbox-hml")
    assert (code, out) == (2, "")
    assert "is the profile creating the key" in err
    creds.write_text("[profiles\n")  # a credentials.toml we could not add to
    code, out, err = run(*argv, "--save-profile", "fresh")
    assert (code, out) == (2, "")
    assert str(creds) in err
    assert len(sandbox.state.applications) == before  # nothing was created


def test_create_that_cannot_save_still_shows_the_secret(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CredentialsStore, "save_carbonext_key", disk_full)
    write = permission_id(sandbox, "customer_applications_write")
    code, out, err = run(
        "keys", "create", "--client-id", "disk_full", "--display-name", "D",
        "--permission", write, "--save-profile", "full",
    )  # fmt: skip
    created = sandbox.state.applications_by_client_id["cbx_b2b_disk_full"]
    assert code == 1
    assert created.client_secret in out
    assert "WAS created but could not be saved as profile 'full'" in err
    assert "No space left on device" in err
    assert "Traceback" not in err


def test_keys_create_json(sandbox: Sandbox, run: Run) -> None:
    code, out, err = run(
        "keys", "create", "--client-id", "cli_json", "--display-name", "J", "--json"
    )
    data = json.loads(out)
    assert code == 0
    assert data["clientId"] == "cbx_b2b_cli_json"
    assert (
        data["clientSecret"]
        == sandbox.state.applications_by_client_id["cbx_b2b_cli_json"].client_secret
    )
    assert "only time the client secret is shown" in err


def test_prod_create_needs_the_typed_profile_name(sandbox: Sandbox, run: Run) -> None:
    argv = [
        "keys",
        "create",
        "--client-id",
        "cli_prod",
        "--display-name",
        "P",
        "-p",
        "sandbox-prod",
    ]
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err == (
        "carbontui: error: create an API key on production profile 'sandbox-prod' needs "
        "confirmation: pass --yes or --confirm sandbox-prod\n"
    )
    code, _, err = run(*argv, "--confirm", "sandbox-hml")
    assert code == 2 and "needs confirmation" in err
    assert sandbox.stats() == {}  # nothing was sent
    code, out, _ = run(*argv, "--confirm", "sandbox-prod")
    assert code == 0 and "cbx_b2b_cli_prod" in out
    assert sandbox.stats()[CREATE_KEY] == 1


def test_read_only_profiles_refuse_create_and_revoke(sandbox: Sandbox, run: Run) -> None:
    add_profiles(
        sandbox,
        f"""[profiles.ro]
read_only = true
[profiles.ro.carbonext]
api_url = "{sandbox.url}"
token_url = "{sandbox.url}/connect/token"
client_id = "cbx_b2b_sandbox_prod"
client_secret = "{sandbox.state.admin_application("prod").client_secret}"
[profiles.ro.registry]
api_url = "{sandbox.url}"
app_id = "67890"
private_key_file = "registry-app.pem"
""",
    )
    inst = installation(sandbox).id
    cases = [
        (("-p", "ro", "keys", "create", "--client-id", "r", "--display-name", "R"), "ro", "create an API key"),  # noqa: E501
        (("-p", "ro", "installations", "revoke", inst), "ro", "revoke an installation token"),
        (("--read-only", "keys", "create", "--client-id", "r", "--display-name", "R"), "sandbox-hml", "create an API key"),  # noqa: E501
        (("installations", "revoke", inst, "--read-only"), "sandbox-hml", "revoke an installation token"),  # noqa: E501
    ]  # fmt: skip
    for argv, profile, action in cases:
        code, out, err = run(*argv)
        assert (code, out) == (2, "")
        assert err == f"carbontui: error: {action} refused: profile '{profile}' is read-only\n"
    assert sandbox.stats() == {}
    code, out, _ = run("-p", "ro", "keys", "list", "--filter", "sandbox_prod")  # reads still work
    assert code == 0 and "cbx_b2b_sandbox_prod" in out


def test_ambiguous_create_that_happened(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    forward_then_timeout(monkeypatch, sent=True)
    code, out, err = run("keys", "create", "--client-id", "cli_lost", "--display-name", "Lost")
    created = sandbox.state.applications_by_client_id["cbx_b2b_cli_lost"]
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "carbontui: create failed without an answer (POST /v1/customers/applications: timed out "
        "waiting for the server); checking whether the key was created...",
        f"carbontui: key cbx_b2b_cli_lost WAS created (id {created.id}) but its secret was lost "
        "in transit. Create a new key with another client id.",
    ]
    assert sandbox.stats()[CREATE_KEY] == 1  # never re-sent
    assert sandbox.stats()[LIST_KEYS] >= 1
    assert created.client_secret not in err


def test_ambiguous_create_that_did_not_happen(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    forward_then_timeout(monkeypatch, sent=False)
    code, out, err = run("keys", "create", "--client-id", "cli_never", "--display-name", "Never")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "carbontui: no key cbx_b2b_cli_never exists: the create did not happen, "
        "it is safe to run it again."
    )
    assert "cbx_b2b_cli_never" not in sandbox.state.applications_by_client_id
    assert ActionHistory().entries()[-1].outcome == "not created: no answer"


def forward_then_timeout(monkeypatch: pytest.MonkeyPatch, *, sent: bool) -> None:
    """Sessions whose key-create times out, after (``sent``) or before reaching the sandbox."""

    async def handler(request: httpx.Request) -> httpx.Response:
        is_create = request.method == "POST" and request.url.path == "/v1/customers/applications"
        if is_create and not sent:
            raise httpx.ConnectTimeout("timed out", request=request)
        async with httpx.AsyncClient() as real:
            response = await real.send(request)
            await response.aread()
        if is_create:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    transport = httpx.MockTransport(handler)
    monkeypatch.setattr(
        context_module, "ProfileSession", functools.partial(ProfileSession, transport=transport)
    )


# -- installations -------------------------------------------------------------------------


def test_installations_list_and_show(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("installations", "list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "ORGANIZATION",
        "COUNTRY",
        "TYPE",
        "APP",
        "NAME",
        "INSTALLATION",
        "ID",
    ]
    assert len(lines) == 13
    code, out, _ = run("installations", "list", "--json")
    table = sandbox.state.registry_apps["67890"].installations
    assert [i["id"] for i in json.loads(out)] == [i.id for i in table.page(0, 12)]
    inst = installation(sandbox, 3)
    code, out, _ = run("installations", "show", inst.id)
    assert code == 0
    assert f"installation:      {inst.id}" in out.splitlines()
    assert f"organization name: {inst.organization.full_name}" in out.splitlines()
    assert f"organization id:   {inst.organization.id}" in out.splitlines()
    for resource, access in inst.permissions.items():
        assert any(line.split() == [resource, access] for line in out.splitlines())
    code, out, _ = run("installations", "show", inst.id, "--json")
    assert json.loads(out)["organization"]["id"] == inst.organization.id


def test_installations_token_reuses_the_shared_token_until_forced(
    sandbox: Sandbox, run: Run
) -> None:
    inst = installation(sandbox)
    code, first, _ = run("installations", "token", inst.id)
    code2, second, _ = run("installations", "token", inst.id, "--json")
    assert code == code2 == 0
    record = sandbox.state.registry_tokens[first.strip()]
    assert record.installation_id == inst.id and record.is_active
    assert json.loads(second)["token"] == first.strip()  # one process minted, the next reused
    assert json.loads(second)["organizationId"] == inst.organization.id
    assert sandbox.stats()[INSTALLATION_TOKEN] == 1
    _, forced, _ = run("installations", "token", inst.id, "--force")
    _, private, _ = run("installations", "token", inst.id, "--no-cache")
    assert len({first, forced, private}) == 3
    assert sandbox.stats()[INSTALLATION_TOKEN] == 3
    _, after, _ = run("installations", "token", inst.id)
    assert after == forced  # --force replaced the shared entry; --no-cache did not touch it
    assert [e.action for e in ActionHistory().entries()] == ["mint-installation-token"] * 3


def test_installations_revoke(sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    inst = installation(sandbox)
    # A token minted earlier (by another process) is revoked when piped in.
    _, token, _ = run("installations", "token", inst.id)
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, out, _ = run("installations", "revoke", inst.id, "--token-stdin", "--json")
    assert code == 0
    assert json.loads(out) == {"revoked": True, "outcome": "revoked", "installationId": inst.id}
    assert sandbox.state.registry_tokens[token.strip()].is_active is False
    assert sandbox.stats()[REVOKE] == 1
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run("installations", "revoke", inst.id, "--token-stdin")
    assert (code, err) == (2, "carbontui: error: --token-stdin: no token on standard input\n")
    assert [e.action for e in ActionHistory().entries()] == [
        "mint-installation-token",
        "revoke-installation-token",
    ]


def test_prod_revoke_needs_confirmation(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = installation(sandbox).id
    _, token, _ = run("installations", "token", inst, "--yes", "-p", "sandbox-prod")
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, _, err = run("-p", "sandbox-prod", "installations", "revoke", inst, "--token-stdin")
    assert code == 2
    assert err == (
        "carbontui: error: revoke an installation token on production profile 'sandbox-prod' "
        "needs confirmation: pass --yes or --confirm sandbox-prod\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(token))
    code, _, _ = run(
        "-p", "sandbox-prod", "installations", "revoke", inst, "--token-stdin",
        "--confirm", "sandbox-prod",
    )  # fmt: skip
    assert code == 0


# -- API errors (exit 1) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("keys", "show", "nope"), "GET /v1/customers/applications/{id} (404): Application nope not found"),  # noqa: E501
        (("installations", "show", "nope"), "GET /app/installations/{id} (404): Installation nope not found"),  # noqa: E501
        (("installations", "token", "nope"), "POST /app/installations/{id}/accessTokens (404): Installation nope not found"),  # noqa: E501
        (("keys", "create", "--client-id", "sandbox_hml", "--display-name", "D"), "POST /v1/customers/applications (409): An application with clientId cbx_b2b_sandbox_hml already exists"),  # noqa: E501
    ],
)  # fmt: skip
def test_api_errors_exit_1_with_the_servers_message(
    run: Run, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*argv)
    assert (code, out, err) == (1, "", f"carbontui: error: {message}\n")


def test_wrong_secret_exits_1_with_error_description(sandbox: Sandbox, run: Run) -> None:
    add_profiles(
        sandbox,
        f"""[profiles.wrong.carbonext]
api_url = "{sandbox.url}"
token_url = "{sandbox.url}/connect/token"
client_id = "cbx_b2b_sandbox_prod"
client_secret = "definitely-wrong"
""",
    )
    code, out, err = run("-p", "wrong", "keys", "list")
    assert (code, out) == (1, "")
    assert err == (
        "carbontui: error: POST /connect/token (400): invalid_client: "
        "Invalid client or Invalid client credentials\n"
    )


# -- config and usage errors (exit 2) ------------------------------------------------------


def test_unknown_profile(run: Run) -> None:
    code, out, err = run("keys", "list", "--profile", "sandbox-prd")
    assert (code, out) == (2, "")
    assert err == (
        "carbontui: error: unknown profile 'sandbox-prd'; known profiles: sandbox-hml, "
        "sandbox-prod; did you mean 'sandbox-prod'?\n"
    )


def test_missing_env_var_secret(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CBX_CORE_TEST_SECRET", raising=False)
    add_profiles(
        sandbox,
        f"""[profiles.envp.carbonext]
api_url = "{sandbox.url}"
token_url = "{sandbox.url}/connect/token"
client_id = "cbx_b2b_sandbox_prod"
client_secret = {{ env = "CBX_CORE_TEST_SECRET" }}
scope = "offline_access"
""",
    )
    message = (
        "carbontui: error: profile 'envp': carbonext client_secret: environment variable "
        "CBX_CORE_TEST_SECRET is not set\n"
    )
    for argv in (("keys", "list"), ("token",)):
        code, out, err = run("-p", "envp", *argv)
        assert (code, out, err) == (2, "", message)
    code, out, err = run("-p", "envp", "config", "check")
    assert (code, err) == (2, message)
    assert out.splitlines() == [
        f"{sandbox.config_path}: 1 of 3 profiles have errors",
        "profile 'envp' (custom):",
    ]
    monkeypatch.setenv(
        "CBX_CORE_TEST_SECRET", sandbox.state.admin_application("prod").client_secret
    )
    code, out, _ = run("-p", "envp", "token")
    assert code == 0 and out.strip() in sandbox.state.carbonext_tokens


def test_one_broken_service_leaves_the_other_usable(
    sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CBX_CORE_TEST_SECRET", raising=False)
    add_profiles(
        sandbox,
        f"""[profiles.half.carbonext]
api_url = "{sandbox.url}"
token_url = "{sandbox.url}/connect/token"
client_id = "cbx_b2b_sandbox_prod"
client_secret = {{ env = "CBX_CORE_TEST_SECRET" }}
[profiles.half.registry]
api_url = "{sandbox.url}"
app_id = "67890"
private_key_file = "registry-app.pem"
""",
    )
    code, out, err = run("-p", "half", "installations", "list", "--json")
    assert (code, err) == (0, "")
    assert len(json.loads(out)) == len(sandbox.state.registry_apps["67890"].installations)
    code, out, err = run("-p", "half", "keys", "list")
    assert (code, out) == (2, "")
    assert "CBX_CORE_TEST_SECRET is not set" in err
    code, _, err = run("-p", "half", "config", "check")
    assert code == 2 and "CBX_CORE_TEST_SECRET is not set" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[profiles.a\n", "{config}:1:12: Expected ']' at the end of a table declaration"),
        ("[profiles.a]\nread_onyl = true\n", "{config}: unknown key 'profiles.a.read_onyl'; did you mean 'read_only'?"),  # noqa: E501
        ("[profiles.a.registry]\napi_url = 'https://x'\napp_id = '1'\nprivate_key_file = 'missing.pem'\n", "private key file {dir}/missing.pem does not exist"),  # noqa: E501
        ("[profiles.a.carbonext]\napi_url = 'https://x'\ntoken_url = 'https://x/t'\nclient_id = 'c'\nclient_secret = { command = ['false'] }\n", "profile 'a': carbonext client_secret: secret command `false` exited with status 1"),  # noqa: E501
        ("[profiles.a.carbonext]\napi_url = 'ftp://x'\ntoken_url = 'https://x/t'\nclient_id = 'c'\nclient_secret = 's'\n", "{config}: profiles.a.carbonext.api_url must be an http:// or https:// URL with a host"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_config_exits_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    config.chmod(0o600)
    code, _, err = Run(capsys, config)("config", "check")
    expected = message.format(config=config, dir=tmp_path)
    assert code == 2
    assert expected in err and err.count("\n") == 1  # one problem, said once


def test_unusable_private_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "bad.pem"
    key.write_text("hello\n")
    key.chmod(0o600)
    config = tmp_path / "config.toml"
    config.write_text(
        "[profiles.a.registry]\napi_url = 'https://x'\napp_id = '1'\nprivate_key_file = 'bad.pem'\n"
    )
    config.chmod(0o600)
    code, _, err = Run(capsys, config)("installations", "list")
    assert code == 2
    assert err == (
        f"carbontui: error: {key} is not a PEM file (no '-----BEGIN ... PRIVATE KEY-----' line)\n"
    )


def test_group_readable_config_warns(sandbox: Sandbox, run: Run) -> None:
    sandbox.config_path.chmod(0o644)
    code, _, err = run("config", "check")
    assert code == 0
    assert err == (
        f"carbontui: warning: {sandbox.config_path} is readable by group/others (mode 0644); "
        f"run: chmod 600 {sandbox.config_path}\n"
    )


def test_missing_service_and_missing_config(sandbox: Sandbox, run: Run, tmp_path: Path) -> None:
    add_profiles(
        sandbox,
        f'[profiles.reg-only.registry]\napi_url = "{sandbox.url}"\napp_id = "67890"\nprivate_key_file = "registry-app.pem"\n',  # noqa: E501
    )
    code, _, err = run("-p", "reg-only", "keys", "list")
    assert (code, err) == (
        2,
        "carbontui: error: profile 'reg-only' has no [carbonext] section "
        "(add [profiles.reg-only.carbonext] to the config)\n",
    )
    missing = tmp_path / "nowhere" / "config.toml"
    code, _, err = run("--config", str(missing), "keys", "list", config=False)
    assert (code, err) == (
        2,
        f"carbontui: error: no config file at {missing}; run `carbontui config init` to create one\n",  # noqa: E501
    )


def test_argparse_usage_errors_exit_2(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run("keys", "create", "--display-name", "no client id")
    assert caught.value.code == 2
    assert "the following arguments are required: --client-id" in capsys.readouterr().err


# -- config commands and flag placement ----------------------------------------------------


def test_config_path_init_profiles_check(
    sandbox: Sandbox, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run("config", "path")
    assert (code, out) == (0, f"{sandbox.config_path}\n")
    monkeypatch.setenv("CARBONTUI_CONFIG", str(tmp_path / "fresh" / "config.toml"))
    code, out, _ = run("config", "path", config=False)
    assert out == f"{tmp_path / 'fresh' / 'config.toml'}\n"
    written = tmp_path / "fresh" / "config.toml"
    code, out, _ = run("config", "path", "--json", config=False)
    assert json.loads(out) == {"path": str(written), "exists": False}
    code, out, err = run("config", "init", "--json", config=False)
    assert code == 0 and written.is_file()
    assert json.loads(out) == {"written": str(written)}
    assert err == (
        f"carbontui: wrote {written} and config.schema.json beside it; "
        "edit the config, then run `carbontui config check`\n"
    )
    code, _, err = run("config", "init", config=False)
    assert code == 2 and "exists" in err
    monkeypatch.delenv("CARBONTUI_CONFIG")

    code, out, _ = run("config", "profiles")
    rows = [line.split() for line in out.splitlines()]
    assert code == 0
    assert rows[1][:4] == ["*", "sandbox-hml", "hml", "no"]
    assert rows[2][:3] == ["sandbox-prod", "prod", "no"]
    code, out, _ = run("config", "profiles", "--json")
    assert [p["name"] for p in json.loads(out)] == ["sandbox-hml", "sandbox-prod"]

    code, out, _ = run("config", "check", "-p", "sandbox-prod")
    assert code == 0
    assert out.splitlines() == [
        f"{sandbox.config_path}: ok (2 profiles)",
        "profile 'sandbox-prod' (prod):",
        "  carbonext: client cbx_b2b_sandbox_prod, secret from inline value",
        f"  registry:  app 67890, RS256 key {sandbox.config_path.parent / 'registry-app.pem'}",
    ]
    code, out, _ = run("config", "check", "--json")
    assert json.loads(out)["ok"] is True


@pytest.mark.parametrize(
    "argv",
    [
        ("--profile", "sandbox-prod", "--config", "{config}", "--json", "whoami"),
        ("whoami", "--profile", "sandbox-prod", "--config", "{config}", "--json"),
        ("--config", "{config}", "whoami", "-p", "sandbox-prod", "--json"),
        ("--json", "-p", "sandbox-prod", "whoami", "-c", "{config}"),
    ],
)
def test_global_flags_before_or_after_the_subcommand(
    sandbox: Sandbox, run: Run, argv: tuple[str, ...]
) -> None:
    code, out, _ = run(*(a.format(config=sandbox.config_path) for a in argv), config=False)
    assert code == 0
    assert json.loads(out)["clientId"] == "cbx_b2b_sandbox_prod"


def test_nested_flags_after_the_action(sandbox: Sandbox, run: Run) -> None:
    code, out, _ = run("keys", "--profile", "sandbox-prod", "show", sandbox.state.admin_application("prod").id, "--json", config=True)  # fmt: skip  # noqa: E501
    assert code == 0 and json.loads(out)["clientId"] == "cbx_b2b_sandbox_prod"


def test_profile_env_var(sandbox: Sandbox, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONTUI_PROFILE", "sandbox-prod")
    code, out, _ = run("whoami", "--json")
    assert code == 0
    assert json.loads(out)["clientId"] == "cbx_b2b_sandbox_prod"
    _, out, _ = run("whoami", "--json", "-p", "sandbox-hml")  # the flag wins
    assert "claims" in json.loads(out)
    assert os.environ["CARBONTUI_PROFILE"] == "sandbox-prod"


def _self_signed_ca(path: Path) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "carbontui test corp CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def test_ca_bundle_adds_to_the_public_store_and_bad_bundles_are_config_errors(
    sandbox: Sandbox, run: Run, tmp_path: Path
) -> None:
    from carbontui.api.session import tls_context

    corp = tmp_path / "corp-ca.pem"
    _self_signed_ca(corp)
    public = tls_context(None).cert_store_stats()["x509_ca"]
    assert public > 1
    assert tls_context(str(corp)).cert_store_stats()["x509_ca"] == public + 1
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    for bundle, reason in (("missing.pem", "No such file"), ("garbage.pem", "")):
        add_profiles(
            sandbox,
            f'[profiles.ca-{bundle[:3]}]\nca_bundle = "{tmp_path / bundle}"\n'
            f'[profiles.ca-{bundle[:3]}.registry]\napi_url = "{sandbox.url}"\napp_id = "67890"\n'
            'private_key_file = "registry-app.pem"\n',
        )
        code, out, err = run("-p", f"ca-{bundle[:3]}", "installations", "list")
        assert (code, out) == (2, "")
        last = err.splitlines()[-1]
        assert last.startswith(f"carbontui: error: ca_bundle {tmp_path / bundle}: cannot load CA")
        assert reason in err and "Traceback" not in err
