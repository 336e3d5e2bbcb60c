"""Who a profile's Carbonext key is: from userinfo where there is one, else the token claims."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from carbontui.api.carbonext import CarbonextClient
from carbontui.tui.formatting import literal
from carbontui.usecases.identity import UserinfoIdentity, identify


@dataclass(frozen=True)
class Identity:
    """What the header and the Identity tab show."""

    legal_name: str | None
    client_id: str | None
    details: Text

    @property
    def headline(self) -> str:
        """``Legal name · client id`` for the header."""
        return " · ".join(part for part in (self.legal_name, self.client_id) if part)


def _e(value: object, style: str = "") -> Text:
    """A server value as literal, inert text ('-' when empty), never markup.

    ``escape`` inside markup is not enough: a value ending in ``[/`` or ``[@click`` joins the
    tag after it and the panel fails to render (MarkupError).
    """
    return literal(value if value not in (None, "") else "-", style=style)


def _lines(*lines: list[str | Text]) -> Text:
    return Text("\n").join(Text.assemble(*line) for line in lines)


async def fetch_identity(client: CarbonextClient) -> Identity:
    """Userinfo or the token's claims (``usecases.identity``), as the dashboard shows them."""
    found = await identify(client)
    if isinstance(found, UserinfoIdentity):
        info = found.info
        details = _lines(
            [_e(info.customer_legal_name, "bold"), " · tax id ", _e(info.customer_tax_id)],
            ["client id ", _e(info.client_id, "bold"), " · customer ", _e(info.customer_id)],
            ["permissions: ", _e(", ".join(info.permissions))],
        )
        return Identity(info.customer_legal_name, info.client_id, details)
    token, claims, client_id = found.token, found.claims, found.client_id
    details = _lines(
        ["client id ", _e(client_id, "bold"), " · from the token's claims (no userinfo endpoint)"],
        ["issuer ", _e(claims.get("iss"))],
        ["roles: ", _e(", ".join(token.roles))],
        ["scope: ", _e(" ".join(token.scope))],
    )
    return Identity(None, client_id, details)
