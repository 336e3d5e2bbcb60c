"""Identity from userinfo where the profile has it, else from the token's claims."""

from __future__ import annotations

from carbontui.api.session import ProfileSession
from carbontui.auth.cache import TokenCache
from carbontui.config import Config
from carbontui.sandbox import SandboxServer
from carbontui.usecases.identity import ClaimsIdentity, UserinfoIdentity, identify


async def test_userinfo_where_there_is_an_endpoint(server: SandboxServer, config: Config) -> None:
    async with ProfileSession(config.profile("sandbox-prod"), cache=TokenCache()) as session:
        assert session.carbonext is not None
        found = await identify(session.carbonext)
    assert isinstance(found, UserinfoIdentity)
    assert found.client_id == server.state.admin_application("prod").client_id
    assert found.legal_name == server.state.customer.legal_name


async def test_claims_without_userinfo(server: SandboxServer, config: Config) -> None:
    async with ProfileSession(config.profile("sandbox-hml"), cache=TokenCache()) as session:
        assert session.carbonext is not None
        found = await identify(session.carbonext)
    assert isinstance(found, ClaimsIdentity)
    assert found.client_id == "cbx_b2b_sandbox_hml"
    assert found.legal_name is None
    assert found.claims["sub"] == server.state.admin_application("hml").id
