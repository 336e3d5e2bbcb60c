"""Services.reload: the files are read again, the same profile is rebuilt, the old session is
closed and the token cache kept; a config that no longer works changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbontui.clock import ManualClock
from carbontui.config import ConfigError, load_config
from carbontui.tui.services import Services


async def test_reload_rebuilds_the_profile_and_keeps_tokens(
    config_path: Path, clock: ManualClock
) -> None:
    services = Services(load_config(config_path), clock=clock)
    old = services.open("sandbox-prod")
    assert old.carbonext is not None
    token = await old.carbonext.token()
    old_clients = list(old._clients)
    config_path.write_text(
        config_path.read_text().replace(
            "[profiles.sandbox-prod]\n", "[profiles.sandbox-prod]\ntimeout = 7\n"
        )
    )
    new = await services.reload()
    try:
        assert new is services.session and new is not old
        assert new.profile.name == "sandbox-prod" and new.profile.timeout == 7
        assert old_clients and all(client.is_closed for client in old_clients)
        assert new.carbonext is not None
        assert await new.carbonext.token() == token  # the cache was kept: no new grant

        config_path.write_text(config_path.read_text() + "\n[broken\n")
        with pytest.raises(ConfigError):
            await services.reload()
        assert services.session is new and new.profile.timeout == 7
        assert not any(client.is_closed for client in new._clients)
    finally:
        await new.aclose()


async def test_reload_after_a_failed_open_retries_the_same_profile(
    config_path: Path, clock: ManualClock
) -> None:
    text = config_path.read_text()
    key = config_path.parent / "registry-app.pem"
    pem = key.read_bytes()
    key.unlink()
    secret = next(line for line in text.splitlines() if line.startswith("client_secret"))
    config_path.write_text(text.replace(secret, 'client_secret = { env = "CARBONTUI_NO_SUCH" }'))
    services = Services(load_config(config_path), clock=clock)
    with pytest.raises(ConfigError):
        services.open("sandbox-hml")  # neither service can be built
    assert services.session is None
    config_path.write_text(text)
    key.write_bytes(pem)
    key.chmod(0o600)
    session = await services.reload()
    try:
        assert session.profile.name == "sandbox-hml" and not session.errors
    finally:
        await session.aclose()
