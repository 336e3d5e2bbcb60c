"""Typed async clients for Carbonext B2B and CarbonRegistry (no Textual here)."""

from carbontui.api.carbonext import CarbonextClient, preview_client_id
from carbontui.api.registry import RegistryClient
from carbontui.api.session import ProfileSession
from carbontui.errors import ApiError, AuthError, NetworkError

__all__ = [
    "ApiError",
    "AuthError",
    "CarbonextClient",
    "NetworkError",
    "ProfileSession",
    "RegistryClient",
    "preview_client_id",
]
