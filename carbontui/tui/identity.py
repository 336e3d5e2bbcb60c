"""Who a profile's Carbonext key is: from userinfo where there is one, else the token claims."""

from __future__ import annotations

from dataclasses import dataclass

from carbontui.api.carbonext import CarbonextClient


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


async def fetch_identity(client: CarbonextClient) -> Identity:
    """Userinfo when the profile has an endpoint for it; otherwise read the token's claims."""
    if client.userinfo_url:
        info = await client.userinfo()
        details = "\n".join(
            [
                f"[b]{info.customer_legal_name or '-'}[/] · tax id {info.customer_tax_id or '-'}",
                f"client id [b]{info.client_id or '-'}[/] · customer {info.customer_id or '-'}",
                f"permissions: {', '.join(info.permissions) or '-'}",
            ]
        )
        return Identity(info.customer_legal_name, info.client_id, details)
    token = await client.token()
    claims = dict(token.claims or {})
    client_id = str(claims.get("azp") or claims.get("client_id") or "") or None
    details = "\n".join(
        [
            f"client id [b]{client_id or '-'}[/] · from the token's claims (no userinfo endpoint)",
            f"issuer {claims.get('iss', '-')}",
            f"roles: {', '.join(token.roles) or '-'}",
            f"scope: {' '.join(token.scope) or '-'}",
        ]
    )
    return Identity(None, client_id, details)
