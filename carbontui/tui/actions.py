"""The action table (``carbontui.actions``) as Textual sees it: bindings, keymap, help rows."""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from carbontui.actions import ACTIONS, BY_ID, places, shown_key


def binding(action_id: str, *, show: bool = True, priority: bool = False) -> Binding:
    """The ``Binding`` for one action of the table, with its id (so a keymap can rebind it)."""
    action = BY_ID[action_id]
    return Binding(
        action.keys, action.action, action.description, show=show, priority=priority, id=action.id
    )


def keys_of(action_id: str, keymap: Mapping[str, str]) -> list[str]:
    """An action's keys as shown, the keymap applied."""
    return [shown_key(k) for k in keymap.get(action_id, BY_ID[action_id].keys).split(",")]


def help_rows(keymap: Mapping[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(place, [(keys, description)]) for every action, in table order."""
    groups: dict[str, list[tuple[str, str]]] = {place: [] for place in places()}
    for action in ACTIONS:
        keys = " / ".join(keys_of(action.id, keymap))
        groups[action.where].append((keys, action.description))
    return list(groups.items())
