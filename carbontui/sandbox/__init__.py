"""A local emulator of the Carbonext (auth + B2B) and CarbonRegistry APIs.

Independent of the client side of carbontui: nothing here imports from outside this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carbontui.sandbox.app import create_app
    from carbontui.sandbox.config_out import write_config
    from carbontui.sandbox.options import SandboxOptions
    from carbontui.sandbox.server import SandboxServer
    from carbontui.sandbox.state import SandboxState

__all__ = ["SandboxOptions", "SandboxServer", "SandboxState", "create_app", "write_config"]

# Starlette loads only when a sandbox is wanted, uvicorn only when one is served on a port:
# `carbontui --help`, the headless commands and a normal dashboard start pay for neither.
_HOMES = {
    "SandboxOptions": "carbontui.sandbox.options",
    "SandboxServer": "carbontui.sandbox.server",
    "SandboxState": "carbontui.sandbox.state",
    "create_app": "carbontui.sandbox.app",
    "write_config": "carbontui.sandbox.config_out",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
