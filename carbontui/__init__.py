"""carbontui: a terminal dashboard for Carbonext B2B and CarbonRegistry M2M credentials."""

import sys

__version__ = "0.1.0"

# httpx's package import also loads its own command-line client when click, rich and pygments
# are installed (they are: Textual and uvicorn bring them), ~50 ms of every start for a tool
# carbontui never runs. A ``None`` entry makes that one import fail, which httpx handles by
# defining a stub ``httpx.main``; the HTTP client itself is untouched.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
