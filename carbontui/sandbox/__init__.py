"""A local emulator of the Carbonext (auth + B2B) and CarbonRegistry APIs.

Independent of the client side of carbontui: nothing here imports from outside this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carbontui.sandbox.config_out import write_config
    from carbontui.sandbox.options import SandboxOptions
    from carbontui.sandbox.server import SandboxServer, create_app
    from carbontui.sandbox.state import SandboxState

__all__ = ["SandboxOptions", "SandboxServer", "SandboxState", "create_app", "write_config"]

# Starlette and uvicorn load only when a server is actually wanted: `carbontui --help`, the
# headless commands and a normal dashboard start never pay for them.
_HOMES = {
    "SandboxOptions": "carbontui.sandbox.options",
    "SandboxServer": "carbontui.sandbox.server",
    "SandboxState": "carbontui.sandbox.state",
    "create_app": "carbontui.sandbox.server",
    "write_config": "carbontui.sandbox.config_out",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
