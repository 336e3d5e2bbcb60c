"""Signing the short-lived CarbonRegistry app JWT, with clock-skew correction."""

from __future__ import annotations

import email.utils
from typing import TYPE_CHECKING

import httpx

from carbontui.auth.token import Token, TokenKind
from carbontui.clock import Clock
from carbontui.config.errors import ConfigError
from carbontui.config.keys import check_private_key
from carbontui.errors import CarbontuiError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    PrivateKeyTypes = RSAPrivateKey | EllipticCurvePrivateKey

#: Backdate ``iat`` so a server whose clock runs slightly behind still accepts the JWT.
IAT_BACKDATE = 60
#: The platform refuses JWTs that live longer than ten minutes.
MAX_LIFETIME = 600
#: Ignore Date-header differences below this: the header only has one-second resolution.
SKEW_TOLERANCE = 5.0


class PrivateKeyError(CarbontuiError):
    """The app private key cannot be used for signing."""


class AppJwtSigner:
    """Signs app JWTs (``iss`` = app id) with RS256, or ES256 for an EC key."""

    def __init__(
        self, app_id: str, private_key_pem: str, clock: Clock, *, parse_now: bool = True
    ) -> None:
        """``parse_now=False`` parses the key at the first signature instead: cryptography and
        PyJWT then load when a Registry token is first needed, not when a profile opens."""
        self._pem = private_key_pem
        self._key: PrivateKeyTypes | None = None
        self._algorithm = ""
        self.app_id = app_id
        self._clock = clock
        #: Server time minus local time, learnt from a rejected JWT's response.
        self.offset = 0.0
        if parse_now:
            self._load()

    def _load(self) -> PrivateKeyTypes:
        """The parsed key (``PrivateKeyError`` if it cannot sign app JWTs), parsed once."""
        if self._key is not None:
            return self._key
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            key = check_private_key(self._pem.encode(), "the Registry app private key")
        except ConfigError as exc:
            raise PrivateKeyError(str(exc)) from None
        self._algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        self._key = key
        return key

    @property
    def algorithm(self) -> str:
        """``RS256`` or ``ES256``, from the key (parsing it if that has not happened yet)."""
        self._load()
        return self._algorithm

    def __repr__(self) -> str:
        return f"AppJwtSigner(app_id={self.app_id!r}, algorithm={self._algorithm or '?'!r})"

    def sign(self) -> Token:
        """A fresh app JWT valid for at most ten minutes from its (backdated) ``iat``."""
        local = self._clock()
        iat = int(local + self.offset) - IAT_BACKDATE
        exp = iat + MAX_LIFETIME
        claims = {"iat": iat, "exp": exp, "iss": self.app_id}
        import jwt

        value = jwt.encode(claims, self._load(), algorithm=self.algorithm)
        # Expiry is stored on the local clock, since that is what the cache compares against.
        return Token(
            value=value,
            kind=TokenKind.REGISTRY_APP_JWT,
            issued_at=local,
            expires_at=exp - self.offset,
            claims=claims,
        )

    async def sign_async(self, previous: Token | None) -> Token:
        """``sign`` in the shape the TokenCache expects of a fetcher."""
        return self.sign()

    def learn_skew(self, response: httpx.Response) -> bool:
        """Adopt the server's clock from a rejection's ``Date`` header; True if it changed."""
        header = response.headers.get("date")
        if not header:
            return False
        try:
            server = email.utils.parsedate_to_datetime(header).timestamp()
        except (TypeError, ValueError):
            return False
        offset = server - self._clock()
        if abs(offset - self.offset) < SKEW_TOLERANCE:
            return False
        self.offset = offset
        return True
