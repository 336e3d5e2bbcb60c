"""``[keymap]``: overrides checked against the action table; bad entries are named warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_testlib import HML_CARBONEXT, WriteFile

from carbontui.actions import ACTIONS, BY_ID
from carbontui.config import ConfigError, load_config
from carbontui.config.keymap import _first_clash, normalize_key, parse_keymap

FILE = Path("config.toml")


def test_a_keymap_table_is_read_and_normalized(write_config: WriteFile) -> None:
    path = write_config(
        '[keymap]\n"table.sort" = "o"\n"app.help" = ["F1", "?"]\n'
        '"view.reload" = "ctrl+R,f5"\n' + HML_CARBONEXT
    )
    config = load_config(path)
    assert dict(config.keymap) == {
        "table.sort": "o",
        "app.help": "f1,question_mark",
        "view.reload": "ctrl+R,f5",
    }
    assert not [w for w in config.warnings if "keymap" in w]


def test_no_keymap_means_the_defaults(write_config: WriteFile) -> None:
    assert dict(load_config(write_config(HML_CARBONEXT)).keymap) == {}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '"table.srot" = "o"',
            "keymap.\"table.srot\" is not an action; did you mean 'table.sort'?",
        ),
        ('"tab.keys" = "ctrl+"', "keymap.\"tab.keys\" 'ctrl+' is missing the key after '+'"),
        ('"table.up" = "pgup"', "'pgup' is not a key name; did you mean 'pageup'?"),
        ('"table.up" = "crtl+u"', "'crtl+u' has an unknown modifier 'crtl'; did you mean 'ctrl'?"),
        ('"table.up" = 3', 'keymap."table.up" must be a key or an array of keys'),
        ('"table.up" = []', 'keymap."table.up" must be a key or an array of keys'),
        ('"table.up" = "a b"', "'a b' is not a key"),
    ],
)
def test_a_bad_entry_is_a_warning_naming_it(
    write_config: WriteFile, entry: str, message: str
) -> None:
    path = write_config(f"[keymap]\n{entry}\n" + HML_CARBONEXT)
    config = load_config(path)
    warnings = [w for w in config.warnings if "keymap" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: ")
    assert message in warnings[0]
    assert warnings[0].endswith("left out")
    assert dict(config.keymap) == {}
    assert "hml" in config.profiles  # the rest of the config still loads


def test_a_keymap_that_is_not_a_table_is_an_error(write_config: WriteFile) -> None:
    path = write_config('keymap = "o"\n' + HML_CARBONEXT)
    with pytest.raises(ConfigError, match=r"keymap must be a table \(\[keymap\]\), got a string"):
        load_config(path)


def test_a_misspelt_keymap_table_suggests_it(write_config: WriteFile) -> None:
    with pytest.raises(ConfigError, match="did you mean 'keymap'"):
        load_config(write_config('[keymaps]\n"table.sort" = "o"\n' + HML_CARBONEXT))


def test_two_actions_on_one_key_in_one_place_keep_their_defaults() -> None:
    keymap, warnings = parse_keymap({"identity.copy": "r", "table.sort": "r"}, FILE)
    # r is the Identity tab's refresh; table.sort lives in another place, so it may take r.
    assert dict(keymap) == {"table.sort": "r"}
    assert warnings == [
        "config.toml: keymap: 'r' would be both identity.refresh and identity.copy "
        "(Identity tab); identity.copy keeps its default keys"
    ]


def test_a_key_moved_away_frees_it_for_another_action() -> None:
    keymap, warnings = parse_keymap({"identity.copy": "r", "identity.refresh": "R"}, FILE)
    assert dict(keymap) == {"identity.copy": "r", "identity.refresh": "R"}
    assert warnings == []


def test_the_default_keys_do_not_clash_and_ids_are_unique() -> None:
    assert _first_clash({}) is None
    assert len(BY_ID) == len(ACTIONS)
    for action in ACTIONS:
        assert [normalize_key(k) for k in action.keys.split(",")] == action.keys.split(",")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("?", "question_mark"),
        ("/", "slash"),
        (":", "colon"),
        ("ctrl+?", "ctrl+question_mark"),
        ("G", "G"),
        ("PageDown", "pagedown"),
        ("question_mark", "question_mark"),
        ("Ctrl+Shift+x", "ctrl+shift+x"),
        ("+", "plus"),
    ],
)
def test_keys_are_written_as_textual_names_them(typed: str, key: str) -> None:
    assert normalize_key(typed) == key
