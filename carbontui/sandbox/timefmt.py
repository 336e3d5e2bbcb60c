"""Timestamp formats used on the wire."""

from __future__ import annotations

import time
from email.utils import formatdate


def iso_z(ts: float) -> str:
    """ISO-8601 UTC with a ``Z`` suffix, second precision (as the Registry docs show)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def http_date(ts: float) -> str:
    """RFC 9110 IMF-fixdate, for the ``Date`` header."""
    return formatdate(ts, usegmt=True)
