"""The dashboard's one action table: id, default keys, description, where each applies.

Plain data (no Textual), so the config loader can check a ``[keymap]`` table against it. The
dashboard builds its keymap, help screen, palette and footer labels from it, and a test checks
that README's key table and every ``Binding(id=...)`` agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """One thing a key does: ``keys`` are Textual key names, comma separated."""

    id: str
    keys: str
    description: str
    where: str
    #: The Textual action string (relative to the widget or screen that binds it).
    action: str = ""


EVERYWHERE = "Everywhere"
TABLES = "Tables"
FILTERABLE = "Tabs with a table"
EVERY_TAB = "Every tab"
KEYS_TAB = "Keys tab"
IDENTITY_TAB = "Identity tab"
INSTALLATIONS_TAB = "Installations tab"
DETAIL = "Detail screens"
KEY_DETAIL = "Key detail"
INSTALLATION_DETAIL = "Installation detail"
CREATE_FORM = "New key form"
SECRET = "New key's secret"
REVEAL = "Revealed token"
CONFIRM = "Confirmation"
HISTORY = "Action history"
HELP = "Help"
PROMPT = "Command prompt"
MATRIX = "Permission matrix"

ACTIONS: tuple[Action, ...] = (
    Action("tab.keys", "1", "Keys tab", EVERYWHERE, "show_tab('keys')"),
    Action("tab.identity", "2", "Identity & tokens tab", EVERYWHERE, "show_tab('identity')"),
    Action("tab.installations", "3", "Installations tab", EVERYWHERE, "show_tab('installations')"),
    Action("tab.profiles", "4", "Profiles tab", EVERYWHERE, "show_tab('profiles')"),
    Action("app.command", "colon", "Command mode", EVERYWHERE, "command"),
    Action("app.help", "question_mark", "Help", EVERYWHERE, "help"),
    Action("app.history", "h", "Action history", EVERYWHERE, "history"),
    Action("app.palette", "ctrl+p", "Command palette", EVERYWHERE, "command_palette"),
    Action("app.quit", "q", "Quit", EVERYWHERE, "quit"),
    Action("app.interrupt", "ctrl+c", "Quit (copy when text is selected)", EVERYWHERE, "interrupt"),
    Action("app.quit_anywhere", "ctrl+q", "Quit, also from a text field", EVERYWHERE, "quit"),
    Action("table.up", "up,k", "Up", TABLES, "cursor(-1)"),
    Action("table.down", "down,j", "Down", TABLES, "cursor(1)"),
    Action("table.page_up", "pageup", "Page up", TABLES, "page(-1)"),
    Action("table.page_down", "pagedown", "Page down", TABLES, "page(1)"),
    Action("table.first", "home,g", "First", TABLES, "jump(0)"),
    Action("table.last", "end,G", "Last", TABLES, "jump(-1)"),
    Action("table.open", "enter", "Open", TABLES, "select"),
    Action("table.sort", "s", "Sort", TABLES, "cycle_sort"),
    Action("table.reverse_sort", "S", "Reverse sort", TABLES, "reverse_sort"),
    Action("table.copy_id", "y", "Copy id", TABLES, "copy_id"),
    Action("table.filter", "slash", "Filter", FILTERABLE, "filter"),
    Action("table.clear_filter", "escape", "Clear filter", FILTERABLE, "clear_filter"),
    Action("view.reload", "ctrl+r,f5", "Reload", EVERY_TAB, "reload"),
    Action("keys.create", "n", "New key", KEYS_TAB, "create"),
    Action("keys.matrix", "m", "Matrix", KEYS_TAB, "matrix"),
    Action("identity.refresh", "r", "Refresh token", IDENTITY_TAB, "refresh_token"),
    Action("identity.copy", "c", "Copy token", IDENTITY_TAB, "copy_token"),
    Action("identity.reveal", "v", "Reveal", IDENTITY_TAB, "reveal"),
    Action("identity.app_token", "a", "Get app token", IDENTITY_TAB, "app_token"),
    Action("installations.mint", "t", "Mint token", INSTALLATIONS_TAB, "mint"),
    Action("installations.revoke", "x", "Revoke token", INSTALLATIONS_TAB, "revoke"),
    Action("installations.copy", "c", "Copy token", INSTALLATIONS_TAB, "copy_token"),
    Action("detail.back", "escape,q", "Back", DETAIL, "dismiss"),
    Action("key.copy_id", "c", "Copy client id", KEY_DETAIL, "copy_id"),
    Action("key.duplicate", "d", "Duplicate to rotate", KEY_DETAIL, "duplicate"),
    Action("matrix.next_permission", "p", "Next permission", MATRIX, "next_permission"),
    Action("matrix.previous_permission", "P", "Previous permission", MATRIX, "previous_permission"),
    Action("matrix.holders_only", "o", "Only its holders", MATRIX, "holders_only"),
    Action("matrix.sort_by_count", "c", "Most permissions first", MATRIX, "sort_by_count"),
    Action("installation.read_live", "l", "Read live", INSTALLATION_DETAIL, "read_live"),
    Action("create.cancel", "escape", "Cancel", CREATE_FORM, "cancel"),
    Action("create.submit", "ctrl+s", "Create", CREATE_FORM, "submit"),
    Action("secret.copy", "c", "Copy secret", SECRET, "copy"),
    Action("secret.reveal", "v", "Reveal", SECRET, "reveal"),
    Action("secret.save", "s", "Save as profile", SECRET, "save"),
    Action("secret.close", "escape", "Close", SECRET, "close"),
    Action("reveal.copy", "c", "Copy token", REVEAL, "copy"),
    Action("reveal.close", "escape,v", "Hide", REVEAL, "dismiss"),
    Action("confirm.no", "escape,n", "No", CONFIRM, "cancel"),
    Action("confirm.yes", "y", "Yes", CONFIRM, "yes"),
    Action("history.back", "escape,q", "Back", HISTORY, "dismiss"),
    Action("history.filter", "slash", "Filter", HISTORY, "filter"),
    Action("help.close", "escape,q,question_mark", "Close", HELP, "dismiss"),
    Action("prompt.complete", "tab", "Complete the command or profile name", PROMPT, "complete"),
    Action("prompt.cancel", "escape", "Cancel", PROMPT, "cancel"),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

#: Places whose bindings are live together in one Textual namespace (a class and its bases):
#: two actions there must not share a key.
NAMESPACES: tuple[tuple[str, ...], ...] = (
    (EVERYWHERE,),
    (TABLES,),
    (KEYS_TAB, FILTERABLE, EVERY_TAB),
    (IDENTITY_TAB, EVERY_TAB),
    (INSTALLATIONS_TAB, FILTERABLE, EVERY_TAB),
    (KEY_DETAIL, DETAIL),
    (INSTALLATION_DETAIL, DETAIL),
    (MATRIX, DETAIL),
    (CREATE_FORM,),
    (SECRET,),
    (REVEAL,),
    (CONFIRM,),
    (HISTORY,),
    (HELP,),
    (PROMPT,),
)


def places() -> list[str]:
    """Every ``where`` in table order."""
    return list(dict.fromkeys(action.where for action in ACTIONS))


#: How help and README write some Textual key names.
_SHOWN = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "escape": "esc",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def shown_key(key: str) -> str:
    """``question_mark`` -> ``?``; ``ctrl+question_mark`` -> ``ctrl+?``."""
    *mods, base = key.split("+")
    return "+".join([*mods, _SHOWN.get(base, base)])


README_START = "<!-- keys: generated from carbontui/actions.py by scripts/keys_table.py -->"
README_END = "<!-- keys: end -->"


def markdown_table() -> str:
    """README's key table: every action with its default keys, between the markers."""
    lines = [README_START, "", "| key | where | does | action id |", "|---|---|---|---|"]
    for action in ACTIONS:
        keys = " ".join(f"`{shown_key(k)}`" for k in action.keys.split(","))
        lines.append(f"| {keys} | {action.where} | {action.description} | `{action.id}` |")
    return "\n".join([*lines, "", README_END])
