"""A crash in the dashboard never renders locals or secrets.

Textual's own crash screen is a Rich traceback that renders locals: it printed a
``client_secret`` and part of an access token. The app's report has the frames, not the locals,
with registered secrets redacted and escape sequences neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import rich.traceback
from textual import work
from textual.binding import Binding, BindingType
from textual.worker import WorkerFailed
from tui_testlib import SIZE, wait_until

import carbontui.tui.app
from carbontui import logging_setup
from carbontui.clock import ManualClock
from carbontui.config import load_config
from carbontui.history import ActionHistory
from carbontui.redaction import MASK, forget_all_secrets, register_secret
from carbontui.tui.app import CarbonApp

SECRET = "cbx-secret-9f8e7d6c5b4a39281706"
TOKEN = "opaque-access-token-1234567890abcdefghij"
LOCAL_MARKER = "local-marker-5e4d3c"
HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
SOURCE = Path(__file__).resolve().parents[2] / "carbontui"


def _explode() -> None:
    client_secret = SECRET
    access_token = TOKEN
    marker = LOCAL_MARKER
    raise RuntimeError(f"token {access_token} for {client_secret} {HOSTILE}{marker[:0]}")


class CrashingApp(CarbonApp):
    """The dashboard with two ways to crash: in a key handler and in a worker."""

    CSS_PATH = str(Path(carbontui.tui.app.__file__).with_name("app.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "crash_now", "Crash"),
        Binding("w", "crash_worker", "Crash in a worker"),
    ]

    def action_crash_now(self) -> None:
        _explode()

    def action_crash_worker(self) -> None:
        self._failing_worker()

    @work(group="crash")
    async def _failing_worker(self) -> None:
        _explode()


@pytest.fixture(autouse=True)
def _secrets() -> Iterator[None]:
    register_secret(SECRET)
    register_secret(TOKEN)
    yield
    logging_setup.shutdown()
    forget_all_secrets()


@pytest.fixture
def make_crashing_app(
    config_path: Path, clock: ManualClock, tmp_path: Path
) -> Callable[[], CrashingApp]:
    def build() -> CrashingApp:
        return CrashingApp(
            load_config(config_path),
            profile="sandbox-hml",
            clock=clock,
            history=ActionHistory(tmp_path / "history.jsonl", clock=clock),
        )

    return build


def _assert_clean_report(report: str) -> None:
    assert "Traceback (most recent call last)" in report
    assert "_explode" in report and "RuntimeError: token " in report
    assert MASK in report
    for value in (SECRET, TOKEN, LOCAL_MARKER):
        assert value not in report
    # Rich's locals panel and its `name = value` rows are nowhere.
    assert "locals" not in report.lower()
    assert "'client_secret'" not in report
    forbidden = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    assert not forbidden.search(report), repr(report)


async def _crash(app: CrashingApp, key: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.services.session is not None)
        await pilot.press(key)
        await wait_until(pilot, lambda: app.crash_report is not None)


@pytest.mark.parametrize(("key", "raised"), [("z", RuntimeError), ("w", WorkerFailed)])
async def test_crash_report_has_no_locals_and_no_secrets(
    make_crashing_app: Callable[[], CrashingApp],
    capsys: pytest.CaptureFixture[str],
    key: str,
    raised: type[Exception],
) -> None:
    app = make_crashing_app()
    capsys.readouterr()
    with pytest.raises(raised):  # run_test re-raises what crashed the app
        await _crash(app, key)
    assert app.return_code == 1
    assert app.crash_report is not None
    _assert_clean_report(app.crash_report)
    # What the app printed on its way out (Textual's error console) is that report.
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    _assert_clean_report(err)


async def test_crash_report_goes_to_the_log_file_redacted(
    make_crashing_app: Callable[[], CrashingApp], tmp_path: Path
) -> None:
    log = logging_setup.configure(tmp_path / "debug.log", pinned=True)
    app = make_crashing_app()
    with pytest.raises(WorkerFailed):
        await _crash(app, "w")
    text = log.read_text()
    assert "A background task failed" in text
    _assert_clean_report(text.split("carbontui: ", 1)[1])


async def test_no_traceback_with_locals_is_built_on_a_crash(
    make_crashing_app: Callable[[], CrashingApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[dict[str, Any]] = []
    original = rich.traceback.Traceback.__init__

    def recording(self: rich.traceback.Traceback, *args: Any, **kwargs: Any) -> None:
        built.append(kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(rich.traceback.Traceback, "__init__", recording)
    for key, raised in (("z", RuntimeError), ("w", WorkerFailed)):
        with pytest.raises(raised):
            await _crash(make_crashing_app(), key)
    assert not [kwargs for kwargs in built if kwargs.get("show_locals")]


def test_show_locals_never_appears_in_our_source() -> None:
    offenders = [
        f"{path.relative_to(SOURCE.parent)}:{number}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "show_locals" in line or "pretty.install" in line or "traceback.install" in line
    ]
    assert offenders == []


def test_the_app_replaces_textuals_crash_rendering() -> None:
    from textual.app import App

    for name in ("_handle_exception", "_fatal_error"):
        assert getattr(CarbonApp, name) is not getattr(App, name), name
