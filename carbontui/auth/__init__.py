"""Token providers and the shared TokenCache (no Textual here)."""

from carbontui.auth.cache import TokenCache
from carbontui.auth.token import Token, TokenKey, TokenKind

__all__ = ["Token", "TokenCache", "TokenKey", "TokenKind"]
