"""What the dashboard shows when it crashes: a traceback without locals, redacted and inert.

Textual's own crash screen is a Rich traceback that renders every frame's locals: it printed a
``client_secret`` and part of an access token. This one is built by the ``traceback`` module
(file, line and source only: never a local variable), then every registered secret and
credential-shaped string is redacted and every escape sequence neutralised.
"""

from __future__ import annotations

import traceback

from textual.worker import WorkerFailed

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
