"""Who a profile's Carbonext key is: from userinfo where there is one, else the token claims."""

from __future__ import annotations

from dataclasses import dataclass

from textual.markup import escape

from carbontui.api.carbonext import CarbonextClient
from carbontui.sanitize import neutralize


@dataclass(frozen=True)
class Identity:
    """What the header and the Identity tab show."""

    legal_name: str | None
    client_id: str | None
    details: str

    @property
    def headline(self) -> str:
        """``Legal name · client id`` for the header."""
        return " · ".join(part for part in (self.legal_name, self.client_id) if part)


def _e(value: object) -> str:
    """A server value as literal, inert text inside markup ('-' when empty)."""
    return escape(neutralize(str(value))) if value not in (None, "") else "-"


async def fetch_identity(client: CarbonextClient) -> Identity:
    """Userinfo when the profile has an endpoint for it; otherwise read the token's claims."""
    if client.userinfo_url:
        info = await client.userinfo()
        details = "\n".join(
            [
                f"[b]{_e(info.customer_legal_name)}[/] · tax id {_e(info.customer_tax_id)}",
                f"client id [b]{_e(info.client_id)}[/] · customer {_e(info.customer_id)}",
                f"permissions: {_e(', '.join(info.permissions))}",
            ]
        )
        return Identity(info.customer_legal_name, info.client_id, details)
    token = await client.token()
    claims = dict(token.claims or {})
    client_id = str(claims.get("azp") or claims.get("client_id") or "") or None
    details = "\n".join(
        [
            f"client id [b]{_e(client_id)}[/] · from the token's claims (no userinfo endpoint)",
            f"issuer {_e(claims.get('iss'))}",
            f"roles: {_e(', '.join(token.roles))}",
            f"scope: {_e(' '.join(token.scope))}",
        ]
    )
    return Identity(None, client_id, details)
