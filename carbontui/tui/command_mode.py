"""``:`` command mode (as in k9s): what a command line means, and completing one.

Parsing is separate from running so it can be tested without an app.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from carbontui.config.errors import did_you_mean

#: Command -> (what it does, takes a profile name). Aliases map to these names.
COMMANDS: dict[str, tuple[str, bool]] = {
    "keys": ("the Keys tab", False),
    "identity": ("the Identity & tokens tab", False),
    "installations": ("the Installations tab", False),
    "profiles": ("the Profiles tab", False),
    "profile": ("switch to profile NAME", True),
    "history": ("the action history", False),
    "help": ("this help", False),
    "q": ("quit", False),
}
ALIASES = {"quit": "q", "q!": "q", "ctx": "profile", "id": "identity", "inst": "installations"}
TRY = ", ".join(f":{name}" + (" NAME" if arg else "") for name, (_, arg) in COMMANDS.items())


@dataclass(frozen=True)
class Command:
    """A parsed command line: ``name`` from ``COMMANDS``, ``arg`` its profile name if any."""

    name: str
    arg: str | None = None


def parse(line: str, profiles: Collection[str]) -> Command | str:
    """The command ``line`` names, or a message saying why it names none (literal text)."""
    words = line.strip().removeprefix(":").split()
    if not words:
        return f"type a command: {TRY}"
    head, rest = words[0], words[1:]
    name = ALIASES.get(head, head)
    if name not in COMMANDS:
        hint = did_you_mean(head, [*COMMANDS, *ALIASES])
        return f"unknown command ':{head}'{hint} — try {TRY}"
    takes_arg = COMMANDS[name][1]
    if not takes_arg:
        if rest:
            return f":{name} takes no argument"
        return Command(name)
    if len(rest) != 1:
        known = ", ".join(profiles) or "none"
        return f"usage: :{name} NAME (profiles: {known})"
    if rest[0] not in profiles:
        known = ", ".join(profiles) or "none"
        return (
            f"unknown profile '{rest[0]}'; known profiles: {known}{did_you_mean(rest[0], profiles)}"
        )
    return Command(name, rest[0])


def complete(line: str, profiles: Collection[str]) -> str | None:
    """The whole line completed (the first command or profile it is a prefix of), or ``None``."""
    prefix = ":" if line.startswith(":") else ""
    body = line.removeprefix(":")
    if " " not in body:
        if not body:
            return None
        match = next((c for c in COMMANDS if c.startswith(body) and c != body), None)
        return prefix + match if match else None
    head, _, partial = body.partition(" ")
    if COMMANDS.get(ALIASES.get(head, head), ("", False))[1] and " " not in partial:
        match = next((p for p in profiles if p.startswith(partial) and p != partial), None)
        return f"{prefix}{head} {match}" if match else None
    return None
