"""carbontui: a terminal dashboard for Carbonext B2B and CarbonRegistry M2M credentials."""

__version__ = "0.1.0"
