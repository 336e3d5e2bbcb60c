"""Who a profile's Carbonext key is: userinfo where the profile has it, else the token claims."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carbontui.api.carbonext import CarbonextClient
from carbontui.api.models import UserInfo
from carbontui.auth.token import Token


@dataclass(frozen=True)
class UserinfoIdentity:
    """From ``userinfo``: customer, legal name, tax id, permissions."""

    info: UserInfo

    @property
    def legal_name(self) -> str | None:
        """The customer's legal name."""
        return self.info.customer_legal_name

    @property
    def client_id(self) -> str | None:
        """The key's client id."""
        return self.info.client_id


@dataclass(frozen=True)
class ClaimsIdentity:
    """From the access token's claims (the profile has no ``userinfo_url``)."""

    token: Token
    claims: Mapping[str, Any]

    @property
    def legal_name(self) -> str | None:
        """Claims do not carry one."""
        return None

    @property
    def client_id(self) -> str | None:
        """``azp`` (Keycloak) or ``client_id`` (IdentityServer)."""
        return str(self.claims.get("azp") or self.claims.get("client_id") or "") or None


Identity = UserinfoIdentity | ClaimsIdentity


async def identify(client: CarbonextClient) -> Identity:
    """Userinfo when the profile has an endpoint for it; otherwise read the token's claims."""
    if client.userinfo_url:
        return UserinfoIdentity(await client.userinfo())
    token = await client.token()
    return ClaimsIdentity(token, dict(token.claims or {}))
