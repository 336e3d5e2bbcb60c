"""``carbontui api``: an authenticated request to any path of either service (placeholder)."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``api`` (not yet)."""
