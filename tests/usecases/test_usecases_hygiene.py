"""``carbontui.usecases`` is a library: no Textual, no argparse, not even indirectly."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import carbontui.usecases

PACKAGE = Path(carbontui.usecases.__file__).parent
FORBIDDEN = ("textual", "argparse", "rich")


def test_usecase_sources_import_no_front_end() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 5
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root not in FORBIDDEN, f"{path.name} imports {name}"
                assert not name.startswith(("carbontui.tui", "carbontui.commands")), (
                    f"{path.name} imports {name} (a front end)"
                )


def test_importing_the_usecases_loads_no_textual_and_no_argparse() -> None:
    names = ", ".join(f"carbontui.usecases.{p.stem}" for p in sorted(PACKAGE.glob("[!_]*.py")))
    code = (
        "import sys\n"
        f"import {names}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'argparse'))\n"
        "print(len(bad), bad[:5])\n"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "0 []\n"
