"""Running the CLI in-process, as tests in several folders do."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbontui.cli import main


class Run:
    """``run(*argv) -> (exit code, stdout, stderr)`` with ``--config CONFIG`` put first."""

    def __init__(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        self.capsys, self.config = capsys, config

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--config", str(self.config), *argv])
        out, err = self.capsys.readouterr()
        return code, out, err
