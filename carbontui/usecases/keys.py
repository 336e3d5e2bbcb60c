"""Finding one API key by what the user knows: its id or its client id."""

from __future__ import annotations

from carbontui.api.carbonext import CarbonextClient, preview_client_id
from carbontui.api.models import Application
from carbontui.usecases.create_key import UUID_PATTERN


async def find_key(client: CarbonextClient, id_or_client_id: str) -> Application:
    """The key whose id is ``id_or_client_id``, or whose client id it is (prefix optional).

    A UUID is read directly. Anything else is first looked up among the client ids; when no
    key has it, it is asked for as an id, so the server's own "not found" is what is reported.
    """
    wanted = id_or_client_id.strip()
    if not UUID_PATTERN.match(wanted):
        names = {wanted, preview_client_id(wanted)}
        keys = await client.list_all()
        match = next((k for k in keys if k.client_id in names), None)
        if match is not None:
            return await client.get(match.id)
    return await client.get(wanted)
