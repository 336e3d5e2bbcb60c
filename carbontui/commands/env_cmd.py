"""``carbontui env`` and ``carbontui exec``: credentials for other tools (placeholder)."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``env`` and ``exec`` (not yet)."""
