"""``:`` command mode (as in k9s): what a command line means, and completing one.

Parsing is separate from running so it can be tested without an app.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from carbontui.config.errors import did_you_mean

#: Command -> (what it does, how many profile names it takes). Aliases map to these names.
COMMANDS: dict[str, tuple[str, int]] = {
    "keys": ("the Keys tab", 0),
    "identity": ("the Identity & tokens tab", 0),
    "installations": ("the Installations tab", 0),
    "profiles": ("the Profiles tab", 0),
    "profile": ("switch to profile NAME", 1),
    "matrix": ("the permission matrix of every key", 0),
    "compare": ("compare two profiles' keys, e.g. :compare hml prod", 2),
    "history": ("the action history", 0),
    "help": ("this help", 0),
    "q": ("quit", 0),
}
ALIASES = {
    "quit": "q",
    "q!": "q",
    "ctx": "profile",
    "id": "identity",
    "inst": "installations",
    "diff": "compare",
}
_ARG_NAMES = {0: "", 1: " NAME", 2: " A B"}
TRY = ", ".join(f":{name}{_ARG_NAMES[count]}" for name, (_, count) in COMMANDS.items())


@dataclass(frozen=True)
class Command:
    """A parsed command line: ``name`` from ``COMMANDS``; ``arg`` and ``second`` its profile
    names, for the commands that take them."""

    name: str
    arg: str | None = None
    second: str | None = None


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
    count = COMMANDS[name][1]
    if not count:
        if rest:
            return f":{name} takes no argument"
        return Command(name)
    known = ", ".join(profiles) or "none"
    if len(rest) != count:
        return f"usage: :{name}{_ARG_NAMES[count]} (profiles: {known})"
    for given in rest:
        if given not in profiles:
            return (
                f"unknown profile '{given}'; known profiles: {known}{did_you_mean(given, profiles)}"
            )
    if count == 2 and rest[0] == rest[1]:
        return f":{name} needs two different profiles"
    return Command(name, *rest)


def complete(line: str, profiles: Collection[str]) -> str | None:
    """The whole line completed (the first command or profile it is a prefix of), or ``None``."""
    prefix = ":" if line.startswith(":") else ""
    body = line.removeprefix(":")
    if " " not in body:
        if not body:
            return None
        match = next((c for c in COMMANDS if c.startswith(body) and c != body), None)
        return prefix + match if match else None
    head, _, args = body.partition(" ")
    count = COMMANDS.get(ALIASES.get(head, head), ("", 0))[1]
    given = args.split(" ")
    if len(given) <= count:
        partial = given[-1]
        match = next((p for p in profiles if p.startswith(partial) and p != partial), None)
        return f"{prefix}{head} {' '.join([*given[:-1], match])}" if match else None
    return None
