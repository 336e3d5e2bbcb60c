"""Signing the short-lived CarbonRegistry app JWT, with clock-skew correction."""

from __future__ import annotations

import email.utils

import httpx

from carbontui.auth.token import Token, TokenKind
from carbontui.clock import Clock
from carbontui.config.keys import parse_private_key
from carbontui.errors import CarbontuiError

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

    def __init__(self, app_id: str, private_key_pem: str, clock: Clock) -> None:
        # cryptography and PyJWT load here, when a Registry profile is opened, not at start.
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        try:
            key = parse_private_key(private_key_pem.encode())
        except (ValueError, TypeError) as exc:
            raise PrivateKeyError(f"the Registry app private key cannot be loaded: {exc}") from None
        if isinstance(key, rsa.RSAPrivateKey):
            self.algorithm = "RS256"
        elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            self.algorithm = "ES256"
        else:
            raise PrivateKeyError("the Registry app private key must be RSA or EC P-256")
        self._key = key
        self.app_id = app_id
        self._clock = clock
        #: Server time minus local time, learnt from a rejected JWT's response.
        self.offset = 0.0

    def __repr__(self) -> str:
        return f"AppJwtSigner(app_id={self.app_id!r}, algorithm={self.algorithm!r})"

    def sign(self) -> Token:
        """A fresh app JWT valid for at most ten minutes from its (backdated) ``iat``."""
        local = self._clock()
        iat = int(local + self.offset) - IAT_BACKDATE
        exp = iat + MAX_LIFETIME
        claims = {"iat": iat, "exp": exp, "iss": self.app_id}
        import jwt

        value = jwt.encode(claims, self._key, algorithm=self.algorithm)
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
