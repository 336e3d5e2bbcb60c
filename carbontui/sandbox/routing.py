"""Which route template a request is for, known before the router runs."""

from __future__ import annotations

from starlette.routing import Match
from starlette.types import Scope

UNMATCHED = "<unmatched>"


def route_template(scope: Scope) -> str:
    """The path template the router will pick (``/app/installations/{installation_id}``).

    A method mismatch counts as that route (the router answers 405 from it); no match at all
    is ``<unmatched>``.
    """
    partial = None
    for route in scope["app"].routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.path)
        if match is Match.PARTIAL and partial is None:
            partial = route
    return str(partial.path) if partial is not None else UNMATCHED
