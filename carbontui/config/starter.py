"""``carbontui config init``: a commented starter config.toml (also shipped as
``config.example.toml``) and, beside it, the JSON Schema its first line points editors at."""

from __future__ import annotations

import json
from pathlib import Path

from carbontui.config.errors import ConfigError
from carbontui.config.files import atomic_write_private

STARTER_CONFIG = """\
#:schema ./config.schema.json
# carbontui configuration.
#
# This file is yours: carbontui reads it and never rewrites it. Secrets the tool saves for you
# (such as a key you just created) go to credentials.toml beside this file, which is
# tool-owned and merged over these profiles. Relative paths resolve against this directory.
#
# The profile used is --profile NAME, else $CARBONTUI_PROFILE, else default_profile.

default_profile = "hml"

# --- hml: Carbonext homologation (testing) -----------------------------------------------

[profiles.hml]
environment = "hml"        # prod | hml | sandbox | anything; inferred from name/URL if absent
read_only = false          # true blocks creating and revoking credentials
poll_interval = 30         # seconds between dashboard refreshes
timeout = 15               # seconds per HTTP request
# ca_bundle = "corp-ca.pem"  # extra CA certificates (PEM); TLS verification is always on
# log_file = "carbontui.log" # debug log (mode 0600); tokens and secrets are redacted

[profiles.hml.carbonext]
api_url = "https://api-b2b-hml.carbonext.com.br"
# Keycloak token endpoint (scope "roles"); hml has no userinfo endpoint.
token_url = "https://auth-hml.carbonext.com.br/auth/realms/co2free/protocol/openid-connect/token"
scope = "roles"
client_id = "cbx_b2b_REPLACE_ME"
# The secret is an inline string ("..."), an environment variable, or a command's output:
#   client_secret = { command = ["pass", "show", "carbonext/hml"] }
client_secret = { env = "CARBONEXT_HML_SECRET" }
token_auth = "client_secret_post"   # or "client_secret_basic" (HTTP Basic)

[profiles.hml.registry]
api_url = "https://api.carbonregistry.com"
api_version = "2023-06-16"          # sent as the x-icr-api-version header
app_id = "REPLACE_ME"
private_key_file = "icr-app.pem"    # the app's RSA or EC private key (PEM); chmod 600 it

# --- prod: Carbonext production ----------------------------------------------------------

[profiles.prod]
environment = "prod"
read_only = true           # set to false to create or revoke credentials in production

[profiles.prod.carbonext]
api_url = "https://api-b2b.carbonext.com.br"
# IdentityServer token endpoint (scope "offline_access"; returns a refresh_token).
token_url = "https://api-auth.carbonext.com.br/connect/token"
userinfo_url = "https://api-auth.carbonext.com.br/connect/userinfo"
scope = "offline_access"
client_id = "cbx_b2b_REPLACE_ME"
client_secret = { env = "CARBONEXT_PROD_SECRET" }

# CarbonRegistry has a single API for every environment.
[profiles.prod.registry]
api_url = "https://api.carbonregistry.com"
api_version = "2023-06-16"
app_id = "REPLACE_ME"
private_key_file = "icr-app.pem"
"""


def write_starter_config(path: Path) -> None:
    """Write the starter config to ``path`` (mode 0600, parent dirs created).

    Raises ``ConfigError`` if ``path`` already exists: a user's config is never overwritten.
    """
    path = Path(path).expanduser()
    if path.exists() or path.is_symlink():
        raise ConfigError(f"{path} already exists; not overwriting it")
    atomic_write_private(path, STARTER_CONFIG)
    write_schema(path.parent)


def schema_text() -> str:
    """The JSON Schema of config.toml, as written to ``config.schema.json``."""
    from carbontui.config.json_schema import config_schema

    return json.dumps(config_schema(), indent=2) + "\n"


def write_schema(directory: Path) -> Path:
    """Write (or refresh) ``config.schema.json`` in ``directory``, for editors; returns it."""
    from carbontui.config.json_schema import SCHEMA_FILENAME

    target = directory / SCHEMA_FILENAME
    atomic_write_private(target, schema_text())
    return target
