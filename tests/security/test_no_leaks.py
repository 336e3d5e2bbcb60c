"""The main flows with known secrets and DEBUG logging on: no secret in any output or file.

Haystacks: every log file, captured CLI output (except the intended results of ``token``,
``installations token`` and ``keys create``), dashboard screens (text and SVG), the snapshot
SVGs, the screenshots, and the state directory. Needles: both admin client secrets, the app's
private key, a key created during the run, a wrong secret, and every token minted.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from carbontui import logging_setup
from carbontui.api.session import ProfileSession
from carbontui.auth.app_jwt import AppJwtSigner
from carbontui.auth.cache import TokenCache
from carbontui.auth.token import Token
from carbontui.cli import main
from carbontui.config import Secret, load_config
from carbontui.errors import ApiError
from carbontui.history import ActionHistory
from carbontui.sandbox import SandboxOptions, SandboxServer, SandboxState, write_config
from carbontui.transport import RetryPolicy

ROOT = Path(__file__).resolve().parents[2]
PICTURES = sorted((ROOT / "tests" / "tui" / "__snapshots__").rglob("*.svg")) + sorted(
    (ROOT / "screenshots").glob("*.svg")
)
WRONG_SECRET = "wrong-but-secret-value-4242"
KNOWN_CLIENT_ID = "leak_check"
#: Credential shapes that must never appear in a picture, whatever their value.
SHAPES = (
    re.compile(r"eyJ[A-Za-z0-9_-]{16,}"),
    re.compile(r"crs_[0-9a-f]{12,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)
PEM_HEAD = "-----BEGIN PRIVATE KEY-----"


@dataclass
class Evidence:
    """What a flow produced (texts and files to search) and the secrets it involved."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)

    def add_secret(self, *values: str | None) -> None:
        self.secrets.update(v for v in values if v)


def needles(secrets: Iterable[str]) -> Iterator[str]:
    """Each secret, plus the parts that are secret on their own (JWT segments, PEM lines)."""
    for value in secrets:
        if "-----BEGIN" in value:
            yield from (line for line in value.splitlines() if line and "-----" not in line)
            continue
        yield value
        if value.count(".") == 2:
            yield from (part for part in value.split(".")[1:] if len(part) >= 16)


def find_leaks(texts: Iterable[tuple[str, str]], secrets: Iterable[str]) -> list[str]:
    """``where: secret-prefix`` for every secret found in any text."""
    wanted = sorted({n for n in needles(secrets) if len(n) >= 8})
    return [f"{where}: {n[:6]}…" for where, text in texts for n in wanted if n in text]


def read_files(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """Every file (directories recursively) as text; SVG entities decoded."""
    out = []
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                text = file.read_text(encoding="utf-8", errors="replace")
                out.append((str(file), html.unescape(text) if file.suffix == ".svg" else text))
    return out


def server_tokens(state: SandboxState) -> set[str]:
    """Every token the sandbox has issued and still remembers."""
    return {*state.carbonext_tokens, *state.refresh_grants, *state.registry_tokens}


def base_secrets(state: SandboxState, config_dir: Path) -> set[str]:
    return {
        state.admin_application("hml").client_secret,
        state.admin_application("prod").client_secret,
        (config_dir / "registry-app.pem").read_text(),
        WRONG_SECRET,
    }


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxOptions(seed=0)) as running:
        yield running


@pytest.fixture
def config_path(server: SandboxServer, tmp_path: Path) -> Path:
    """The sandbox config, with a wrong-secret profile and a log_file on sandbox-hml."""
    path = write_config(tmp_path / "cfg", server.url, server.app)
    text = path.read_text().replace(
        "[profiles.sandbox-hml]\n", '[profiles.sandbox-hml]\nlog_file = "profile.log"\n', 1
    )
    text += (
        "\n[profiles.wrong.carbonext]\n"
        f'api_url = "{server.url}"\n'
        f'token_url = "{server.url}/connect/token"\n'
        'client_id = "cbx_b2b_sandbox_hml"\n'
        f'client_secret = "{WRONG_SECRET}"\n'
    )
    path.write_text(text)
    return path


@pytest.fixture
def signed_jwts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every app JWT signed during the test (the sandbox keeps no record of them)."""
    seen: list[str] = []
    original = AppJwtSigner.sign

    def spy(self: AppJwtSigner) -> Token:
        token = original(self)
        seen.append(token.value)
        return token

    monkeypatch.setattr(AppJwtSigner, "sign", spy)
    return seen


@pytest.fixture(autouse=True)
def _close_log_file() -> Iterator[None]:
    yield
    logging_setup.shutdown()


# -- the checker checks ----------------------------------------------------------------------


def test_the_checker_finds_a_planted_secret(tmp_path: Path) -> None:
    secret = "planted-Secret-0123456789"
    jwt_like = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGFudGVkLXN1YmplY3QifQ.c2lnbmF0dXJlLXBsYW50ZWQ"
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "history.jsonl").write_text(json.dumps({"outcome": secret}) + "\n")
    (tmp_path / "x.svg").write_text(f"<text>{secret[:10]}&#160;</text><text>{secret}</text>")
    texts = [("stdout", f"ok {jwt_like.split('.')[2]}\n"), *read_files([tmp_path])]
    leaks = find_leaks(texts, [secret, jwt_like])
    assert len(leaks) == 3
    assert {leak.split(":")[0] for leak in leaks} == {
        "stdout",
        str(tmp_path / "state" / "history.jsonl"),
        str(tmp_path / "x.svg"),
    }
    # And a secret that nothing redacts really lands in a log file: the grep is not vacuous.
    log = tmp_path / "planted.log"
    logging_setup.configure(log)
    logging_setup.http_log.warning("unregistered value %s", "zz-unknown-plain-9876543210")
    logging_setup.shutdown()
    assert find_leaks(read_files([log]), ["zz-unknown-plain-9876543210"]) != []
    assert all(shape.search(f"{jwt_like} crs_0123456789abcdef {PEM_HEAD}") for shape in SHAPES)


def test_the_log_filter_redacts_what_libraries_would_log(tmp_path: Path) -> None:
    registered = "resolved-secret-value-31337"
    Secret(registered)  # resolving a secret registers its value
    jwt_like = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBsYW50ZWQtaGVyZQ"
    samples = [
        ("httpcore.http11", "headers=%r", [(b"authorization", b"Bearer opaque-token-abc123")]),
        ("httpcore.http11", "headers=%r", [(b"Authorization", b"Basic dXNlcjpwYXNzd29yZA==")]),
        ("httpx", "body %s", "grant_type=refresh_token&refresh_token=rt-opaque-777&x=1"),
        ("httpx", "json %s", '{"access_token": "at-opaque-888", "clientSecret": "cs-opaque-999"}'),
        ("carbontui", "value %s", registered),
        ("carbontui", "jwt %s and %s", (jwt_like, "crs_0123456789abcdef0123")),
        (
            "carbontui",
            "key %s",
            f"{PEM_HEAD}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        ),
    ]
    log = tmp_path / "filter.log"
    logging_setup.configure(log)
    for name, message, args in samples:
        logging.getLogger(name).debug(message, *(args if isinstance(args, tuple) else (args,)))
    try:
        raise RuntimeError(f"failed with {registered}")
    except RuntimeError:
        logging.getLogger("carbontui").exception("traceback")
    logging_setup.shutdown()
    text = log.read_text()
    assert text.count("[REDACTED]") >= len(samples) + 1
    secrets = ["opaque-token-abc123", "dXNlcjpwYXNzd29yZA==", "rt-opaque-777", "at-opaque-888"]
    secrets += ["cs-opaque-999", registered, jwt_like, "crs_0123456789abcdef0123"]
    assert find_leaks(read_files([log]), [*secrets, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]) == []
    assert "RuntimeError: failed with [REDACTED]" in text


# -- CLI -------------------------------------------------------------------------------------


class Cli:
    """Runs ``carbontui`` in-process with a log file; keeps every output as evidence."""

    def __init__(
        self, capsys: pytest.CaptureFixture[str], config: Path, log: Path, evidence: Evidence
    ) -> None:
        self.capsys, self.config, self.log, self.evidence = capsys, config, log, evidence

    def __call__(self, *argv: str, intended: bool = False, stdin: str | None = None) -> str:
        """Run; returns stdout. ``intended``: stdout is a secret on purpose (not searched)."""
        self.capsys.readouterr()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            main(["--config", str(self.config), "--log-file", str(self.log), *argv])
        finally:
            sys.stdin = old_stdin
        out, err = self.capsys.readouterr()
        name = " ".join(argv)
        if intended:
            self.evidence.add_secret(*intended_secrets(out))
        else:
            self.evidence.texts.append((f"stdout of {name}", out))
        self.evidence.texts.append((f"stderr of {name}", err))
        return out


def intended_secrets(out: str) -> list[str | None]:
    """The secret in an intended output: a bare token, or the JSON's token/clientSecret."""
    if out.lstrip().startswith("{"):
        data = json.loads(out)
        return [data.get("token"), data.get("clientSecret")]
    lines = out.strip().splitlines()
    if len(lines) == 1:
        return lines
    return [line.split(":", 1)[1].strip() for line in lines if line.startswith("client secret:")]


def test_cli_flows_leak_nothing(
    server: SandboxServer,
    config_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    signed_jwts: list[str],
) -> None:
    state_dir = tmp_path / "state"
    monkeypatch.setenv("CARBONTUI_STATE_DIR", str(state_dir))
    state = server.state
    evidence = Evidence(secrets=base_secrets(state, config_path.parent))
    log = tmp_path / "logs" / "cli.log"
    cli = Cli(capsys, config_path, log, evidence)
    inst = state.registry_apps[state.registry_app_id].installations.page(0, 1)[0]

    cli("token", intended=True)
    cli("token", "-p", "sandbox-prod", "--json", intended=True)
    cli("token", "--service", "registry", intended=True)
    cli("token", "--service", "registry", "--installation", inst.id, intended=True)
    cli("whoami")
    cli("whoami", "-p", "sandbox-prod", "--json")
    cli("keys", "list", "--json")
    cli("keys", "show", state.admin_application("hml").id)
    cli("installations", "list")
    cli("installations", "show", inst.id, "--json")
    minted = cli("installations", "token", inst.id, intended=True)
    cli("installations", "revoke", inst.id, "--token-stdin", stdin=minted)
    cli("installations", "revoke", inst.id)
    cli(
        "keys", "create", "--client-id", KNOWN_CLIENT_ID, "--display-name", "Leak check",
        "--save-profile", "leak-check", intended=True,
    )  # fmt: skip
    created = state.applications_by_client_id[f"cbx_b2b_{KNOWN_CLIENT_ID}"]
    evidence.add_secret(created.client_secret)
    cli("token", "-p", "leak-check", intended=True)
    cli("keys", "list", "-p", "leak-check")
    cli("config", "check")
    cli("config", "profiles", "--json")
    cli("keys", "list", "-p", "wrong")  # a refused client secret: exit 1, message on stderr
    assert "invalid_client" in evidence.texts[-1][1]
    evidence.add_secret(*server_tokens(state), *signed_jwts)

    logged = log.read_text()
    assert log.stat().st_mode & 0o777 == 0o600
    for expected in ("HTTP Request", "carbontui.http", "httpcore.http11", "new Carbonext"):
        assert expected in logged  # DEBUG logging really was on
    assert len(signed_jwts) > 0 and len(evidence.secrets) > 10
    haystack = evidence.texts + read_files([log, state_dir, config_path.parent / "profile.log"])
    assert find_leaks(haystack, evidence.secrets) == []


# -- dashboard -------------------------------------------------------------------------------


async def wait_until(pilot: Any, condition: Callable[[], bool], limit: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await pilot.pause(0.05)


def screen_text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_dashboard_flows_leak_nothing(
    server: SandboxServer, config_path: Path, tmp_path: Path, signed_jwts: list[str]
) -> None:
    from carbontui.tui.app import CarbonApp
    from carbontui.tui.screens.confirm import ConfirmScreen
    from carbontui.tui.screens.history import HistoryScreen
    from carbontui.tui.screens.key_create import CreateKeyScreen
    from carbontui.tui.screens.secret_once import SecretOnceScreen
    from carbontui.tui.views.installations import InstallationsView
    from carbontui.tui.views.keys import KeysView

    state = server.state
    evidence = Evidence(secrets=base_secrets(state, config_path.parent))
    state_dir = tmp_path / "state"
    app = CarbonApp(
        load_config(config_path),
        profile="sandbox-hml",
        history=ActionHistory(state_dir / "history.jsonl"),
    )

    def capture(step: str) -> None:
        evidence.texts.append((f"screen: {step}", screen_text(app)))
        evidence.texts.append((f"svg: {step}", html.unescape(app.export_screenshot())))
        evidence.add_secret(*(token.value for _, token in app.services.cache.items()))
        for _, token in app.services.cache.items():
            evidence.add_secret(token.refresh_token)

    async with app.run_test(size=(120, 40)) as pilot:
        keys = app.query_one(KeysView)
        await wait_until(pilot, lambda: keys.table.total_count > 0)
        capture("keys")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateKeyScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#create-permissions").option_count > 0)
        form.query_one("#create-client-id").value = "dash_leak"
        form.query_one("#create-display-name").value = "Dashboard leak check"
        form.query_one("#create-permissions").select_all()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretOnceScreen))
        secret_screen = app.screen
        assert isinstance(secret_screen, SecretOnceScreen)
        evidence.add_secret(secret_screen.created.client_secret)
        capture("secret shown once (masked)")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        closed = (ConfirmScreen, SecretOnceScreen)
        await wait_until(pilot, lambda: not isinstance(app.screen, closed))

        await pilot.press("3")
        view = app.query_one(InstallationsView)
        await wait_until(pilot, lambda: view.table.total_count > 0)
        item = view.table.current_row
        assert item is not None and app.services.session is not None
        key = app.services.session.registry.auth.key(item.id)
        await pilot.press("t")
        await wait_until(pilot, lambda: app.services.cache.peek(key) is not None)
        capture("installation token minted")
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_until(pilot, lambda: app.services.cache.peek(key) is None)
        capture("installation token revoked")

        await pilot.press("2")
        # Identity lists the tokens held (it mints none just to show them).
        await wait_until(pilot, lambda: "Carbonext access token" in screen_text(app))
        capture("identity and tokens (masked)")
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        capture("history")

    evidence.add_secret(*server_tokens(state), *signed_jwts)
    log = config_path.parent / "profile.log"  # the profile's log_file setting
    logged = log.read_text()
    assert "carbontui.http" in logged and "httpcore" in logged
    assert log.stat().st_mode & 0o777 == 0o600
    haystack = evidence.texts + read_files([log, state_dir])
    assert find_leaks(haystack, evidence.secrets) == []


# -- pictures -------------------------------------------------------------------------------


def test_snapshots_and_screenshots_leak_nothing(tmp_path: Path) -> None:
    """The pictures come from seed-0 sandboxes: their admin secrets are the ones seed 0 makes."""
    assert len(PICTURES) >= 15
    seeded = SandboxState(SandboxOptions(seed=0))
    secrets = base_secrets(seeded, write_config(tmp_path, "http://sandbox.test", seeded).parent)
    pictures = read_files(PICTURES)
    assert find_leaks(pictures, secrets) == []
    shaped = [
        f"{where}: {m[0][:8]}…"
        for where, text in pictures
        for p in SHAPES
        for m in p.finditer(text)
    ]
    assert shaped == []


# -- error messages that echo what was sent --------------------------------------------------


async def test_an_error_body_echoing_the_form_is_redacted(config_path: Path) -> None:
    secret = load_config(config_path).profile("sandbox-prod").carbonext.client_secret.resolve()
    value = secret.reveal()

    def echo(request: httpx.Request) -> httpx.Response:
        form = request.content.decode()
        if request.url.path.endswith("/token") and "json" in request.headers["accept"]:
            return httpx.Response(400, json={"error": "invalid_client", "error_description": form})
        return httpx.Response(400, text=form)

    async with ProfileSession(
        load_config(config_path).profile("sandbox-prod"),
        cache=TokenCache(),
        retry=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(echo),
    ) as session:
        assert session.carbonext is not None
        with pytest.raises(ApiError) as caught:
            await session.carbonext.token()
    assert "client_secret" in str(caught.value)  # the echo is there, its value is not
    assert value not in str(caught.value) and value not in repr(caught.value)
    assert value not in caught.value.message
