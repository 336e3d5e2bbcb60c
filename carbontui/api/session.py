"""Everything a profile needs to talk to its services: one HTTP client per service, shared."""

from __future__ import annotations

import functools
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from carbontui import __version__
from carbontui.api.carbonext import CarbonextClient
from carbontui.api.health import RequestHealth
from carbontui.api.registry import RegistryClient
from carbontui.auth.app_jwt import AppJwtSigner, PrivateKeyError
from carbontui.auth.cache import TokenCache
from carbontui.auth.carbonext import CarbonextTokenSource
from carbontui.auth.registry import RegistryAuth
from carbontui.auth.shared_store import fingerprint, secret_fingerprint
from carbontui.clock import Clock, system_clock
from carbontui.config import ConfigError, Profile, Secret
from carbontui.config.files import MAX_CONFIG_BYTES, read_regular_file
from carbontui.logging_setup import request_log_hooks
from carbontui.transport import RetryPolicy, Sender

USER_AGENT = f"carbontui/{__version__} (+python-httpx/{httpx.__version__})"
API_VERSION_HEADER = "x-icr-api-version"
SERVICES = ("carbonext", "registry")

T = TypeVar("T")


_tls_contexts: dict[str | None, ssl.SSLContext] = {}
_tls_lock = threading.Lock()


def tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """A verifying TLS context, built once per CA bundle and shared by every client.

    The public CA store (certifi, as httpx uses by default) is always trusted; ``ca_bundle``
    adds a profile's own CAs (a corporate proxy, say) to it. Loading the store takes tens of
    milliseconds, so it is built once, and a caller that arrives while another thread (the
    start-up warm-up) is building it waits for that one instead of building a second.
    """
    with _tls_lock:
        context = _tls_contexts.get(ca_bundle)
        if context is None:
            context = _tls_contexts[ca_bundle] = _new_tls_context(ca_bundle)
        return context


def forget_tls_contexts() -> None:
    """Drop every built context (tests: a CA bundle file that changed)."""
    with _tls_lock:
        _tls_contexts.clear()


def _new_tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    context = httpx.create_ssl_context()
    if ca_bundle is not None:
        try:
            # Read by us (a regular file, capped), not by OpenSSL from a path.
            pem, _ = read_regular_file(Path(ca_bundle), MAX_CONFIG_BYTES)
            context.load_verify_locations(cadata=pem.decode("ascii", "replace"))
        except (OSError, ssl.SSLError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise ConfigError(
                f"ca_bundle {ca_bundle}: cannot load CA certificates ({reason})"
            ) from None
    return context


@functools.cache
def no_tls_context() -> ssl.SSLContext:
    """For a profile without ``https`` endpoints: verifying, but trusting no CA at all.

    Its clients never open TLS, so they skip loading the CA store; should one ever be asked
    to (an ``https`` URL it was not built for), the handshake fails instead of going unchecked.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checks and CERT_REQUIRED


def resolve_client_secret(profile: Profile) -> Secret:
    """The Carbonext client secret; a ``ConfigError`` says which profile's secret failed."""
    assert profile.carbonext is not None
    try:
        return profile.carbonext.client_secret.resolve()
    except ConfigError as exc:
        raise ConfigError(f"profile '{profile.name}': carbonext client_secret: {exc}") from None


class ProfileSession:
    """The clients of one profile. Build once per profile; close on switch or exit.

    Secrets are resolved here, so a missing env var or failing secret command surfaces as a
    ``ConfigError`` before any request is made. Each service stands alone: when one cannot be
    built, its client is ``None``, its error is kept in ``errors`` (``require`` raises it) and
    the other service still works. Only when every configured service fails does building the
    session itself raise.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        cache: TokenCache,
        clock: Clock = system_clock,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.profile = profile
        self.cache = cache
        self.clock = clock
        #: How each service has answered lately (for the dashboard's health line).
        self.health = RequestHealth(timer=clock)
        # The profile's timeout bounds each attempt as a whole (see transport.send).
        self.retry = replace(retry or RetryPolicy(), timeout=profile.timeout)
        self._transport = transport
        self._clients: list[httpx.AsyncClient] = []
        #: Why a configured service could not be built, by service name.
        self.errors: dict[str, ConfigError | PrivateKeyError] = {}
        self.carbonext = (
            self._build("carbonext", self._build_carbonext) if profile.carbonext else None
        )
        self.registry = self._build("registry", self._build_registry) if profile.registry else None
        configured = [name for name in SERVICES if getattr(profile, name) is not None]
        if configured and all(name in self.errors for name in configured):
            raise self.errors[configured[0]]

    def __repr__(self) -> str:
        return f"ProfileSession(profile={self.profile.name!r})"

    def _build(self, service: str, build: Callable[[], T]) -> T | None:
        try:
            return build()
        except (ConfigError, PrivateKeyError) as exc:
            self.errors[service] = exc
            return None

    def require_carbonext(self) -> CarbonextClient:
        """The Carbonext client; otherwise raise why there is none (a ``ConfigError``)."""
        client = self.require("carbonext")
        assert isinstance(client, CarbonextClient)
        return client

    def require_registry(self) -> RegistryClient:
        """The Registry client; otherwise raise why there is none (a ``ConfigError``)."""
        client = self.require("registry")
        assert isinstance(client, RegistryClient)
        return client

    def require(self, service: str) -> CarbonextClient | RegistryClient:
        """The client of ``service``; otherwise raise why there is none (a ``ConfigError``)."""
        client = getattr(self, service)
        if client is not None:
            return client
        if service in self.errors:
            raise self.errors[service]
        raise ConfigError(
            f"profile '{self.profile.name}' has no [{service}] section "
            f"(add [profiles.{self.profile.name}.{service}] to the config)"
        )

    def _share(self, service: str, *credential: str) -> None:
        """Share this service's tokens across processes, bound to a fingerprint of
        ``credential`` (unless the profile keeps its tokens in memory)."""
        if self.profile.token_cache == "shared":
            self.cache.share(self.profile.name, service, fingerprint(service, *credential))

    def _http(
        self, service: str, base_url: str, headers: dict[str, str] | None = None
    ) -> httpx.AsyncClient:
        # A given transport (the demo's in-process sandbox, tests) makes its own connections.
        verify: ssl.SSLContext | bool = True
        if self._transport is None:
            ca_bundle = str(self.profile.ca_bundle) if self.profile.ca_bundle else None
            verify = tls_context(ca_bundle) if self.profile.needs_ca_store else no_tls_context()
        timeout = httpx.Timeout(self.profile.timeout, connect=min(5.0, self.profile.timeout))
        client = httpx.AsyncClient(
            base_url=base_url,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                # Only what transport.read_capped can decode under its cap.
                "Accept-Encoding": "gzip, deflate",
                **(headers or {}),
            },
            timeout=timeout,
            verify=verify,
            transport=self._transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
            event_hooks=_merged(request_log_hooks(), self.health.hooks(service)),
        )
        self._clients.append(client)
        return client

    def _build_carbonext(self) -> CarbonextClient:
        settings = self.profile.carbonext
        assert settings is not None
        secret = resolve_client_secret(self.profile)  # before any client exists: may raise
        send = Sender(self._http("carbonext", settings.api_url), self.retry)
        tokens = CarbonextTokenSource(
            send, settings, client_secret=secret.reveal(), clock=self.clock
        )
        self._share(
            "carbonext",
            settings.token_url,
            settings.client_id,
            secret_fingerprint(secret.reveal()),
            settings.scope or "",
            settings.token_auth,
        )
        return CarbonextClient(send, tokens, profile=self.profile.name, cache=self.cache)

    def _build_registry(self) -> RegistryClient:
        settings = self.profile.registry
        assert settings is not None
        # The file is read now (its fingerprint keys the shared cache); the key is parsed at
        # the first signature, so opening a profile loads neither cryptography nor PyJWT.
        key = settings.load_private_key(check=False).reveal()
        signer = AppJwtSigner(settings.app_id, key, self.clock, parse_now=False)
        self._share("registry", settings.api_url, settings.app_id, secret_fingerprint(key))
        send = Sender(
            self._http("registry", settings.api_url, {API_VERSION_HEADER: settings.api_version}),
            self.retry,
        )
        auth = RegistryAuth(
            send, profile=self.profile.name, signer=signer, cache=self.cache, clock=self.clock
        )
        return RegistryClient(send, auth=auth)

    async def aclose(self) -> None:
        """Close every HTTP client of this profile."""
        for client in self._clients:
            await client.aclose()
        self._clients.clear()

    async def __aenter__(self) -> ProfileSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _merged(
    *hooks: Mapping[str, list[Callable[..., Any]]],
) -> dict[str, list[Callable[..., Any]]]:
    """httpx ``event_hooks`` run one after the other."""
    merged: dict[str, list[Callable[..., Any]]] = {}
    for table in hooks:
        for event, functions in table.items():
            merged.setdefault(event, []).extend(functions)
    return merged
