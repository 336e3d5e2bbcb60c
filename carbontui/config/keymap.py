"""``[keymap]``: the user's keys for dashboard actions, checked against the action table.

A bad entry is a warning and is left out (keys are cosmetic: a typo must not stop a script);
only a ``[keymap]`` that is not a table at all is an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from carbontui.actions import ACTIONS, BY_ID, NAMESPACES
from carbontui.config.errors import ConfigError, did_you_mean
from carbontui.config.schema import dotted, type_name
from carbontui.sanitize import neutralize

MODIFIERS = ("ctrl", "shift", "alt", "super", "meta", "hyper")
NAMED_KEYS = (
    "escape",
    "enter",
    "tab",
    "space",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
    *(f"f{n}" for n in range(1, 25)),
)
#: Textual's names for a few characters whose Unicode names it shortens.
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
EXAMPLES = '"o", "ctrl+o", "f5", "pagedown" or "?"'


def character_key(char: str) -> str:
    """The Textual key name of one typed character (``?`` -> ``question_mark``)."""
    if char.isalnum():
        return char
    name = unicodedata.name(char, char).lower().replace("-", "_").replace(" ", "_")
    return _SHORT_NAMES.get(name, name)


def _is_character_name(name: str) -> bool:
    if name in _SHORT_NAMES.values():
        return True
    try:
        char = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return len(char) == 1 and char.isprintable() and not char.isalnum()


def normalize_key(text: str) -> str:
    """One key as Textual names it (``ctrl+?`` -> ``ctrl+question_mark``); ``ValueError`` if
    it is not a key."""
    key = text.strip()
    if not key or any(c.isspace() for c in key):
        raise ValueError("is not a key")
    *mods, base = key.split("+") if len(key) > 1 else [key]
    for mod in mods:
        if mod.lower() not in MODIFIERS:
            raise ValueError(f"has an unknown modifier '{mod}'{did_you_mean(mod, MODIFIERS)}")
    if not base:
        raise ValueError("is missing the key after '+'")
    prefix = "".join(f"{mod.lower()}+" for mod in mods)
    if len(base) == 1:
        if not base.isprintable():
            raise ValueError("is not a printable key")
        return prefix + character_key(base)
    if base.lower() in NAMED_KEYS:
        return prefix + base.lower()
    if _is_character_name(base.lower()):
        return prefix + base.lower()
    raise ValueError(f"is not a key name{did_you_mean(base, NAMED_KEYS)}")


def _keys_of(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return value.split(",") if value != "," else [","]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def parse_keymap(data: Mapping[str, Any] | None, file: Path) -> tuple[Mapping[str, str], list[str]]:
    """``[keymap]`` -> (action id -> normalized keys, warnings for entries left out)."""
    if data is None:
        return MappingProxyType({}), []
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: keymap must be a table ([keymap]), got {type_name(data)}")
    keymap: dict[str, str] = {}
    warnings: list[str] = []

    def warn(action_id: str, message: str) -> None:
        where = dotted(("keymap", neutralize(action_id)))
        warnings.append(f"{file}: {where} {message}; left out")

    for action_id, value in data.items():
        if action_id not in BY_ID:
            warn(action_id, f"is not an action{did_you_mean(action_id, BY_ID)}")
            continue
        keys = _keys_of(value)
        if not keys:
            warn(action_id, f"must be a key or an array of keys, e.g. {EXAMPLES}")
            continue
        try:
            normalized = [normalize_key(k) for k in keys]
        except ValueError as exc:
            bad = next(k for k in keys if _bad(k))
            warn(action_id, f"'{neutralize(bad)}' {exc}; write keys like {EXAMPLES}")
            continue
        keymap[action_id] = ",".join(dict.fromkeys(normalized))
    for message in _clashes(keymap):
        warnings.append(f"{file}: keymap: {message}")
    return MappingProxyType(keymap), warnings


def _bad(key: str) -> bool:
    try:
        normalize_key(key)
    except ValueError:
        return True
    return False


def effective_keys(keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Every action's keys once the keymap is applied."""
    return {a.id: keymap.get(a.id, a.keys).split(",") for a in ACTIONS}


def _clashes(keymap: dict[str, str]) -> list[str]:
    """Drop overrides that give one key to two actions live in the same place; say why."""
    messages = []
    while (clash := _first_clash(keymap)) is not None:
        key, first, second, place = clash
        moved = second if second in keymap else first
        if moved not in keymap:  # the defaults clash: a bug in the action table, not here
            break
        messages.append(
            f"'{key}' would be both {first} and {second} ({place}); {moved} keeps its default keys"
        )
        del keymap[moved]
    return messages


def _first_clash(keymap: Mapping[str, str]) -> tuple[str, str, str, str] | None:
    for places in NAMESPACES:
        owners: dict[str, str] = {}
        for action in ACTIONS:
            if action.where not in places:
                continue
            for key in keymap.get(action.id, action.keys).split(","):
                other = owners.setdefault(key, action.id)
                if other != action.id:
                    return key, other, action.id, places[0]
    return None
