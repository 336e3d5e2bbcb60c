"""What the dashboard shows when it crashes: a traceback without locals, redacted and inert.

Textual's own crash screen is a Rich traceback that renders every frame's locals: it printed a
``client_secret`` and part of an access token. This one is built by the ``traceback`` module
(file, line and source only: never a local variable), then every registered secret and
credential-shaped string is redacted and every escape sequence neutralised.
"""

from __future__ import annotations

import logging
import sys
import traceback

from rich.text import Text
from textual.app import App
from textual.worker import WorkerFailed

from carbontui import logging_setup
from carbontui.redaction import redact
from carbontui.sanitize import neutralize

HEADLINE = "carbontui crashed: this is a bug. Local variables are not shown; secrets are redacted."


def crash_report(error: BaseException) -> str:
    """The report for ``error``: a headline and the redacted traceback, no locals."""
    headline = HEADLINE
    if isinstance(error, WorkerFailed) and isinstance(error.error, BaseException):
        headline += "\nA background task failed:"
        error = error.error
    body = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return neutralize(redact(f"{headline}\n\n{body}").rstrip("\n"), multiline=True)


class CrashReportingApp(App[None]):
    """An app whose unhandled exceptions end it with ``crash_report``, never Textual's screen."""

    #: The first crash's report (redacted, no locals), as printed when the app exits.
    crash_report: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled exception: exit with a report that has no locals and no secrets.

        Replaces Textual's handler, whose Rich traceback renders every frame's locals (a
        client secret, a token). The bookkeeping (return code, the exception ``run_test``
        re-raises) is Textual's.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._report_crash(error)

    def _fatal_error(self) -> None:
        """Textual's other way in: the exception being handled, reported the same way."""
        error = sys.exc_info()[1]
        if error is None:
            error = RuntimeError("unknown fatal error")
        self._report_crash(error)

    def _report_crash(self, error: BaseException) -> None:
        report = crash_report(error)
        if self.crash_report is None:
            self.crash_report = report
        if logging_setup.current_log_file() is not None:
            logging.getLogger("carbontui").error("%s", report)
        self.bell()
        self._exit_renderables.append(Text(report))
        self._close_messages_no_wait()
