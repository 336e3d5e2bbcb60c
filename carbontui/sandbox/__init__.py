"""A local emulator of the Carbonext (auth + B2B) and CarbonRegistry APIs.

Independent of the client side of carbontui: nothing here imports from outside this package.
"""

from carbontui.sandbox.config_out import write_config
from carbontui.sandbox.options import SandboxOptions
from carbontui.sandbox.server import SandboxServer, create_app
from carbontui.sandbox.state import SandboxState

__all__ = ["SandboxOptions", "SandboxServer", "SandboxState", "create_app", "write_config"]
