"""Errors in plain words and Retry-After kept on the error, for the CLI and the dashboard."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from faults_testlib import NoSleep, Sandbox

from carbontui.cli import main
from carbontui.errors import ApiError, NetworkError
from carbontui.transport import RequestWatch, RetryPolicy, send, watching


def dead_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_connection_names_host_and_port() -> None:
    port = dead_port()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(NetworkError) as caught:
            await send(client, "GET", "/x", idempotent=False, retry=RetryPolicy())
    assert f"cannot connect to 127.0.0.1:{port}: is the server running?" in str(caught.value)
    assert "All connection attempts failed" not in str(caught.value)


def test_cli_says_the_server_is_not_running(
    box: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = dead_port()
    text = Path(box.config.path).read_text().replace(box.server.url, f"http://127.0.0.1:{port}")
    config = tmp_path / "config.toml"
    config.write_text(text)
    config.chmod(0o600)
    (tmp_path / "registry-app.pem").write_bytes(
        (Path(box.config.path).parent / "registry-app.pem").read_bytes()
    )
    assert main(["--config", str(config), "--no-cache", "token"]) == 1
    err = capsys.readouterr().err
    assert f"cannot connect to 127.0.0.1:{port}: is the server running?" in err


async def test_429_keeps_the_servers_retry_after_and_never_waits_less(box: Sandbox) -> None:
    box.add_fault(kind="ratelimit", retry_after=20, route="GET /v1/customers/applications")
    sleep = NoSleep()
    session = box.session("sandbox-hml", sleep)
    async with session:
        assert session.carbonext is not None
        with pytest.raises(ApiError) as caught:
            await session.carbonext.list_page(1, 5)
    assert caught.value.status == 429 and caught.value.retry_after == 20
    assert sleep.delays == []  # 20 s is past the budget: give up at once, not wait 16 s
    assert box.requests("GET /v1/customers/applications") == 1


async def test_a_watch_hears_of_retries_and_cuts_a_hung_server_short(box: Sandbox) -> None:
    box.add_fault(kind="hang", route="GET /v1/customers/applications")
    session = box.session("sandbox-hml", NoSleep())  # each attempt may take 0.5 s
    retries: list[int] = []
    waits: list[int] = []
    async with session:
        assert session.carbonext is not None
        await session.carbonext.token()
        watch = RequestWatch(0.9, on_retry=retries.append, on_wait=lambda s, n: waits.append(n))
        with watching(watch), pytest.raises(NetworkError) as caught:
            await session.carbonext.list_page(1, 5)
    assert caught.value.timeout
    # Four 0.5 s attempts without the watch; with 0.9 s of patience (a 0.25 s wait at most), two.
    assert box.requests("GET /v1/customers/applications") == 2
    assert retries == [2] and waits == [2]
