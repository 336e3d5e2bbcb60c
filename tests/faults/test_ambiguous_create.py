"""A create whose answer is lost: never re-sent, and the user is told whether it happened."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from faults_testlib import KINDS, NoSleep, Sandbox

from carbontui.cli import main
from carbontui.errors import ApiError, NetworkError

CREATE = "POST /v1/customers/applications"
#: Faults that leave the outcome unknown, applied after the platform acted or before.
AMBIGUOUS = ["500", "502", "503", "hang", "drop", "html", "shape"]
_names = itertools.count()


def with_timeout(config: Path, seconds: float) -> Path:
    """The generated config with a short request timeout on sandbox-hml."""
    text = config.read_text().replace(
        "[profiles.sandbox-hml]\n", f"[profiles.sandbox-hml]\ntimeout = {seconds}\n", 1
    )
    assert f"timeout = {seconds}" in text
    out = config.with_name("config-timeout.toml")
    out.write_text(text)
    out.chmod(0o600)
    return out


def keys_named(box: Sandbox, client_id: str) -> int:
    return sum(a.client_id == client_id for a in box.state.applications)


@pytest.mark.parametrize("after", [True, False], ids=["after-acting", "before-acting"])
@pytest.mark.parametrize("kind", AMBIGUOUS)
async def test_client_reports_unknown_outcome(box: Sandbox, kind: str, after: bool) -> None:
    name = f"ambiguous_{next(_names)}"
    async with box.session("sandbox-hml", NoSleep()) as session:
        assert session.carbonext is not None
        await session.carbonext.token()
        box.reset_stats()
        box.add_fault(route=CREATE, after=after, **KINDS[kind])
        with pytest.raises(NetworkError):
            await session.carbonext.create(name, "Ambiguous", [])
    assert box.requests(CREATE) == 1
    assert keys_named(box, f"cbx_b2b_{name}") == (1 if after else 0)


@pytest.mark.parametrize("after", [True, False], ids=["after-acting", "before-acting"])
@pytest.mark.parametrize("kind", ["502", "drop", "hang", "shape"])
def test_cli_lists_keys_and_says_what_happened(
    box: Sandbox,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    after: bool,
) -> None:
    config = with_timeout(Path(box.config.path), 0.3)
    name = f"cli_ambiguous_{next(_names)}"
    permission = box.state.catalog[0].id
    box.add_fault(route=CREATE, after=after, **KINDS[kind])
    argv = ["--config", str(config), "--profile", "sandbox-hml", "keys", "create"]
    argv += ["--client-id", name, "--display-name", "Ambiguous", "--permission", permission]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    assert box.requests(CREATE) == 1
    assert box.requests("GET /v1/customers/applications") >= 1  # it looked
    client_id = f"cbx_b2b_{name}"
    if after:
        assert keys_named(box, client_id) == 1
        assert f"key {client_id} WAS created" in err
    else:
        assert keys_named(box, client_id) == 0
        assert f"no key {client_id} exists" in err


async def test_rejected_create_is_not_ambiguous(box: Sandbox) -> None:
    async with box.session("sandbox-hml", NoSleep()) as session:
        assert session.carbonext is not None
        box.add_fault(route=CREATE, **KINDS["429"])
        with pytest.raises(ApiError) as caught:
            await session.carbonext.create("rate_limited", "Rate limited", [])
    assert not isinstance(caught.value, NetworkError)
    assert caught.value.status == 429
    assert box.requests(CREATE) == 1
