"""Everything the sandbox knows: seeded data, keys, issued tokens, clock."""

from __future__ import annotations

import base64
import random
import secrets
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa

from carbontui.sandbox import seed_data
from carbontui.sandbox.faults import FaultSet
from carbontui.sandbox.ids import opaque_token, random_uuid4
from carbontui.sandbox.keys import PublicKey, load_public_key, new_rsa_key, rsa_key_future
from carbontui.sandbox.options import SandboxOptions
from carbontui.sandbox.records import (
    Application,
    CarbonextToken,
    Permission,
    RefreshGrant,
    RegistryApp,
    RegistryToken,
)

REFRESH_TOKEN_LIFETIME = 30 * 86400  # IdentityServer's default absolute refresh lifetime

#: Seconds a ``clock`` fault adds to the server clock for the request being served.
request_clock_offset: ContextVar[float] = ContextVar("request_clock_offset", default=0.0)


@dataclass
class Stats:
    """Request counters for ``/_sandbox/stats``."""

    requests: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)

    def record(self, route: str, status: int | str) -> None:
        self.record_request(route)
        self.record_status(status)

    def record_request(self, route: str) -> None:
        self.requests[route] = self.requests.get(route, 0) + 1

    def record_status(self, status: int | str) -> None:
        """``status`` is an HTTP status, or ``"dropped"``/``"hung"`` for no answer at all."""
        key = str(status)
        self.by_status[key] = self.by_status.get(key, 0) + 1

    def reset(self) -> None:
        self.requests.clear()
        self.by_status.clear()


class SandboxState:
    """Mutable server state, reachable from handlers as ``request.app.state.sandbox``.

    Tests may move the server's clock with ``clock_offset`` (seconds added to ``options.now``),
    change ``latency_ms`` on the fly, and install ``faults``.
    """

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.clock_offset = 0.0
        self.latency_ms = options.latency_ms
        self.token_ttl = options.token_ttl
        self.stats = Stats()
        self.faults = FaultSet(options.faults)
        self._token_rng = (
            random.Random(f"tokens-{options.seed}") if options.repeatable_tokens else None
        )
        now = self.now()
        rng = random.Random(options.seed)
        self.catalog: tuple[Permission, ...] = seed_data.permission_catalog(rng)
        self.permissions_by_id = {p.id: p for p in self.catalog}
        self.customer = seed_data.customer(rng)
        self.applications: list[Application] = seed_data.applications(
            rng, options.apps, self.catalog, now
        )
        self.applications_by_id = {a.id: a for a in self.applications}
        self.applications_by_client_id = {a.client_id: a for a in self.applications}
        self.app_private_key: rsa.RSAPrivateKey = options.app_key or new_rsa_key()
        if options.realm_key is not None:
            self._realm_key: Future[rsa.RSAPrivateKey] = Future()
            self._realm_key.set_result(options.realm_key)
        else:  # not needed until the first token is issued: made in the background meanwhile
            self._realm_key = rsa_key_future()
        default_app = RegistryApp(
            seed_data.REGISTRY_APP_ID,
            seed_data.REGISTRY_APP_NAME_ID,
            seed_data.REGISTRY_APP_PERMISSIONS,
            installations=seed_data.InstallationTable(
                rng,
                options.installations,
                now,
                seed_data.REGISTRY_APP_ID,
                seed_data.REGISTRY_APP_NAME_ID,
            ),
        )
        default_app.public_keys.append(self.app_private_key.public_key())
        self.registry_apps: dict[str, RegistryApp] = {default_app.app_id: default_app}
        self.carbonext_tokens: dict[str, CarbonextToken] = {}
        self.refresh_grants: dict[str, RefreshGrant] = {}
        self.registry_tokens: dict[str, RegistryToken] = {}

    @property
    def realm_key(self) -> rsa.RSAPrivateKey:
        """The realm's token-signing key (waits if it is still being made)."""
        return self._realm_key.result()

    # -- clock -----------------------------------------------------------------------------

    def now(self) -> float:
        """The sandbox's current time: the injected clock plus ``clock_offset`` (plus any
        ``clock`` fault on the request being served)."""
        return self.options.now() + self.clock_offset + request_clock_offset.get()

    # -- Carbonext -------------------------------------------------------------------------

    @property
    def registry_app_id(self) -> str:
        return seed_data.REGISTRY_APP_ID

    def admin_application(self, environment: str) -> Application:
        """The seeded all-permissions key for ``"hml"`` or ``"prod"``."""
        client_id = dict(zip(("hml", "prod"), seed_data.ADMIN_CLIENT_IDS, strict=True))[environment]
        return self.applications_by_client_id[client_id]

    def permission_names(self, app: Application) -> tuple[str, ...]:
        return tuple(self.permissions_by_id[p].name for p in app.permission_ids)

    def add_application(
        self, client_id: str, display_name: str, permission_ids: tuple[str, ...]
    ) -> Application:
        """Store a new key (the caller has validated it) with a fresh secret."""
        app = Application(
            random_uuid4(),
            client_id,
            random_uuid4(),
            display_name,
            permission_ids,
            float(int(self.now())),
        )
        self.applications.append(app)
        self.applications_by_id[app.id] = app
        self.applications_by_client_id[app.client_id] = app
        return app

    def new_opaque_token(self) -> str:
        """An IdentityServer-style opaque token (repeatable when the options ask for it)."""
        if self._token_rng is None:
            return opaque_token()
        raw = self._token_rng.getrandbits(256).to_bytes(32, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def issue_refresh_token(self, client_id: str, scope: str) -> str:
        token = secrets.token_urlsafe(32)
        self.refresh_grants[token] = RefreshGrant(
            client_id, scope, self.now() + REFRESH_TOKEN_LIFETIME
        )
        return token

    # -- Registry --------------------------------------------------------------------------

    def register_app(
        self, app_id: str, public_key_pem: str | bytes, *, name_id: str | None = None
    ) -> RegistryApp:
        """Add a public key to an app, creating the app (with no installations) if new.

        Apps may hold several keys at once, so tests can add an EC key to app ``"67890"``
        without disturbing the RSA one.
        """
        key: PublicKey = load_public_key(public_key_pem)
        app = self.registry_apps.get(app_id)
        if app is None:
            app = RegistryApp(
                app_id,
                name_id or f"app-{app_id}",
                seed_data.REGISTRY_APP_PERMISSIONS,
                installations=seed_data.InstallationTable(
                    random.Random(0), 0, self.now(), app_id, name_id or f"app-{app_id}"
                ),
            )
            self.registry_apps[app_id] = app
        app.public_keys.append(key)
        return app
