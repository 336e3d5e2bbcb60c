"""Helpers for the hostile-server tests: a config pointing at it, the CLI in a bounded
subprocess, valid-looking payloads to corrupt, and the checks every attack must pass."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "cbx_b2b_hostile"
#: Changes under form-encoding (@ + / = & space %) and under Basic's percent-encoding.
SECRET = "p@ss+w/rd=S3cr3t&x y%z"
APP_ID = "4242"
PROFILE = "hostile"  # userinfo_url set, client_secret_post
CLAIMS_PROFILE = "claims"  # no userinfo_url: whoami reads the token's claims
BASIC_PROFILE = "basic"  # token_auth = "client_secret_basic"

TOKEN_PATH = "/connect/token"
USERINFO_PATH = "/connect/userinfo"
KEYS_PATH = "/v1/customers/applications"
INSTALLATIONS_PATH = "/app/installations"
STOLEN_PATH = "/stolen"

#: Bounds that catch a hang or a runaway read; not performance assertions.
WALL_DEADLINE = 90.0
MEMORY_LIMIT = int(1.5 * 1024**3)

#: C0 controls except tab and newline, DEL, C1 controls (ESC is in the C0 range).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The same bytes when they arrive undecodable (a lone C1 byte is not valid UTF-8).
UNDECODABLE_CONTROLS = re.compile(r"[\udc80-\udc9f]")


def basic_credential(client_id: str = CLIENT_ID, secret: str = SECRET) -> str:
    """The base64 part of ``Authorization: Basic ...`` as RFC 6749 §2.3.1 builds it."""
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return base64.b64encode(pair.encode()).decode()


def secret_forms(secret: str = SECRET) -> list[str]:
    """Every encoding in which the client sends (or a server may echo) the secret."""
    return [
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        basic_credential(CLIENT_ID, secret),
        # A client that (wrongly) skips the percent-encoding before base64.
        base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode(),
    ]


# -- the Registry app key ----------------------------------------------------------------------


@functools.cache
def private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def pem_body_lines() -> list[str]:
    return [
        line
        for line in private_key_pem().decode().splitlines()
        if line and not line.startswith("-----")
    ]


# -- config ------------------------------------------------------------------------------------


def write_config(directory: Path, url: str, *, timeout: float = 3) -> Path:
    """config.toml (0600, in a 0700 dir) whose every URL points at the hostile server."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    key = directory / "app.pem"
    key.write_bytes(private_key_pem())
    key.chmod(0o600)

    def carbonext(token_auth: str, userinfo: bool) -> str:
        lines = [
            f'api_url = "{url}"',
            f'token_url = "{url}{TOKEN_PATH}"',
            f'client_id = "{CLIENT_ID}"',
            f'client_secret = "{SECRET}"',
            'scope = "roles"',
            f'token_auth = "{token_auth}"',
        ]
        if userinfo:
            lines.insert(2, f'userinfo_url = "{url}{USERINFO_PATH}"')
        return "\n".join(lines)

    registry = f'api_url = "{url}"\napp_id = "{APP_ID}"\nprivate_key_file = "app.pem"'
    sections = []
    for name, token_auth, userinfo in (
        (PROFILE, "client_secret_post", True),
        (CLAIMS_PROFILE, "client_secret_post", False),
        (BASIC_PROFILE, "client_secret_basic", True),
    ):
        sections.append(
            f'[profiles.{name}]\nenvironment = "hml"\ntimeout = {timeout}\n\n'
            f"[profiles.{name}.carbonext]\n{carbonext(token_auth, userinfo)}\n\n"
            f"[profiles.{name}.registry]\n{registry}\n"
        )
    config = directory / "config.toml"
    config.write_text(f'default_profile = "{PROFILE}"\n\n' + "\n".join(sections))
    config.chmod(0o600)
    return config


# -- payloads ----------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict[str, Any]) -> str:
    """A well-formed compact JWS (header.payload.signature) that nobody can verify."""
    header = {"alg": "RS256", "typ": "JWT", "kid": "hostile"}
    now = int(time.time())
    payload = {
        "iss": "http://127.0.0.1/auth/realms/co2free",
        "sub": "service-account-hostile",
        "azp": CLIENT_ID,
        "iat": now,
        "exp": now + 3600,
        "scope": "profile email roles",
        **claims,
    }
    signature = b64url(b"not-a-real-signature-" + str(len(json.dumps(payload))).encode())
    return ".".join(
        [b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature]
    )


def token_answer(token: str, **fields: Any) -> dict[str, Any]:
    """A Keycloak-shaped token answer; ``fields`` override or add (e.g. ``expires_in``)."""
    body: dict[str, Any] = {
        "access_token": token,
        "expires_in": 300,
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": "profile email roles",
    }
    body.update(fields)
    return body


def key_row(index: int, display_name: str | None = None) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "clientId": f"cbx_b2b_key{index}",
        "displayName": display_name if display_name is not None else f"Key {index}",
    }


def keys_page(
    items: Sequence[dict[str, Any]],
    *,
    page: int = 1,
    total_pages: int = 1,
    total_count: int | None = None,
) -> dict[str, Any]:
    """One page of ``GET /v1/customers/applications`` as the platform (and sandbox) answer it."""
    return {
        "items": list(items),
        "pageIndex": page,
        "totalPages": total_pages,
        "totalCount": len(items) if total_count is None else total_count,
        "aggregations": None,
        "hasPreviousPage": page > 1,
        "hasNextPage": page < total_pages,
    }


def installation(index: int, full_name: str | None = None) -> dict[str, Any]:
    return {
        "id": f"inst-{index}",
        "organization": {
            "id": f"org-{index}",
            "fullName": full_name if full_name is not None else f"Org {index}",
            "countryCode": "BR",
            "type": "company",
        },
        "permissions": {"credits": "read"},
        "appNameId": "hostile-app",
        "appId": APP_ID,
    }


def installations_page(
    items: Sequence[dict[str, Any]],
    *,
    page: int = 1,
    page_count: int = 1,
    total: int | None = None,
) -> dict[str, Any]:
    """One page of ``GET /app/installations`` (registry paging block)."""
    return {
        "installations": list(items),
        "pagination": {
            "total": len(items) if total is None else total,
            "currentPage": page,
            "pageCount": page_count,
            "nextPage": page + 1 if page < page_count else None,
            "prevPage": page - 1 if page > 1 else None,
        },
    }


USERINFO = {
    "clientId": CLIENT_ID,
    "customerId": "cust-1",
    "customerApplicationId": "00000000-0000-4000-8000-000000000001",
    "customerTaxId": "12.345.678/0001-90",
    "customerLegalName": "Hostile Ltda",
    "permissions": ["customerApplication_read"],
}


# -- running the CLI ---------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    log: str | None
    elapsed: float

    def describe(self) -> str:
        log = "" if self.log is None else f"\n--- log (last 2000 chars) ---\n{self.log[-2000:]}"
        return (
            f"carbontui {' '.join(self.argv)} -> exit {self.returncode} in {self.elapsed:.1f} s\n"
            f"--- stdout (first 2000 chars) ---\n{self.stdout[:2000]!r}\n"
            f"--- stderr ---\n{self.stderr[:4000]!r}{log}"
        )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _text(data: bytes) -> str:
    # surrogateescape keeps a lone C1 byte visible to the control-character check.
    return data.decode("utf-8", "surrogateescape")


class Cli:
    """Runs ``python -m carbontui --config CONFIG ...`` under a memory limit and a wall deadline."""

    def __init__(self, config: Path, state_dir: Path, log_dir: Path) -> None:
        self.config = config
        self.state_dir = state_dir
        self.log_dir = log_dir
        self.runs = 0

    def __call__(self, *argv: str, log: bool = True) -> Result:
        self.runs += 1
        args = ["--config", str(self.config), *argv]
        log_path = self.log_dir / f"run{self.runs}.log"
        if log:
            args += ["--log-file", str(log_path)]
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("CARBONTUI_CONFIG", "CARBONTUI_PROFILE")
        }
        env["CARBONTUI_STATE_DIR"] = str(self.state_dir)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["NO_COLOR"] = "1"
        started = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "carbontui", *args],
                capture_output=True,
                timeout=WALL_DEADLINE,
                preexec_fn=_limit_memory,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            hung = (
                f"carbontui {' '.join(args)} was still running after {WALL_DEADLINE:g} s "
                f"(killed).\nstdout: {(exc.stdout or b'')[:2000]!r}\n"
                f"stderr: {(exc.stderr or b'')[:2000]!r}"
            )
        else:
            hung = None
        if hung is not None:
            pytest.fail(hung, pytrace=False)
        elapsed = time.monotonic() - started
        log_text = _text(log_path.read_bytes()) if log and log_path.exists() else None
        return Result(
            args, done.returncode, _text(done.stdout), _text(done.stderr), log_text, elapsed
        )


# -- the checks common to every attack ---------------------------------------------------------


def check_common(
    result: Result,
    *,
    codes: Iterable[int] = (1, 2),
    tokens: Iterable[str] = (),
    tokens_on_stdout: bool = False,
    expect_log: bool = True,
) -> None:
    """What every run against a hostile server must satisfy (see the module docstring).

    - exit code in ``codes``;
    - a failure prints exactly ``carbontui: error: ...`` on stderr, optionally followed by one
      hint line starting ``carbontui:``; a success prints only ``carbontui:`` lines there;
    - no ``Traceback`` in stdout, stderr or the log;
    - no control character (C0 but tab/newline, DEL, C1; so no ESC) in any of them;
    - the client secret in no encoding in any of them, nor the private key;
    - no token the server handed out in stderr or the log, nor on stdout unless
      ``tokens_on_stdout`` (``carbontui token`` prints it on purpose).
    """
    why = result.describe()
    codes = tuple(codes)
    assert result.returncode in codes, f"exit code not in {codes}:\n{why}"
    if result.returncode != 0 and result.stderr.startswith("{"):
        # --json: the error is one JSON line, {"error": ..., "exit": N}.
        assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), why
        document = json.loads(result.stderr)
        assert set(document) == {"error", "exit"}, f"not a JSON error:\n{why}"
        assert document["exit"] == result.returncode and document["error"], why
    elif result.returncode != 0:
        assert result.stderr.endswith("\n"), f"stderr must be whole lines:\n{why}"
        lines = result.stderr[:-1].split("\n")
        assert 1 <= len(lines) <= 2, f"stderr must be one error line (+ one hint):\n{why}"
        assert lines[0].startswith("carbontui: error: "), f"not a carbontui error line:\n{why}"
        assert len(lines[0]) > len("carbontui: error: "), f"empty error message:\n{why}"
        if len(lines) == 2:
            assert lines[1].startswith("carbontui:"), f"second stderr line is no hint:\n{why}"
    else:
        for line in result.stderr.splitlines():
            assert line.startswith("carbontui:") and "error" not in line, f"stderr:\n{why}"
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    if expect_log:
        assert result.log is not None, f"--log-file was given but no log was written:\n{why}"
    if result.log is not None:
        outputs["log"] = result.log
    for name, text in outputs.items():
        assert "Traceback" not in text, f"a traceback in {name}:\n{why}"
        bad = CONTROL_CHARS.search(text) or UNDECODABLE_CONTROLS.search(text)
        assert bad is None, f"control character {bad.group()!r} in {name}:\n{why}"
        for form in secret_forms():
            assert form not in text, f"the client secret ({form!r}) is in {name}:\n{why}"
        assert "PRIVATE KEY" not in text, f"the private key is in {name}:\n{why}"
        for line in pem_body_lines()[:3]:
            assert line not in text, f"a line of the private key is in {name}:\n{why}"
        for token in tokens:
            if name == "stdout" and tokens_on_stdout:
                continue
            assert token not in text, f"a server-issued token is in {name}:\n{why}"


def error_line(result: Result) -> str:
    """The error message (first stderr line, or a --json error's text), lowercased."""
    if result.stderr.startswith("{"):
        return str(json.loads(result.stderr)["error"]).lower()
    return result.stderr.split("\n", 1)[0].lower()
