"""Rewrite README's key table from the action table (``carbontui/actions.py``).

``python scripts/keys_table.py`` rewrites README.md in place; ``--check`` exits 1 if it differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from carbontui.actions import README_END, README_START, markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def with_table(text: str) -> str:
    """``text`` with the part between the markers replaced by the generated table."""
    start = text.index(README_START)
    end = text.index(README_END) + len(README_END)
    return text[:start] + markdown_table() + text[end:]


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = with_table(text)
    if "--check" in argv:
        if new != text:
            print("README.md's key table differs from carbontui/actions.py; run this script")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
