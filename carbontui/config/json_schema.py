"""A JSON Schema of ``config.toml``, for editors (taplo, Even Better TOML) to validate and complete.

Built from the loader's own definitions: the key lists, choices and bounds in
:mod:`carbontui.config.schema`. Each key the loader accepts needs a description below and
each description a key the loader accepts; ``describe_keys`` raises if the two differ, so the
schema cannot drift from what is validated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from carbontui.actions import ACTIONS
from carbontui.config import schema
from carbontui.config.models import DEFAULT_REGISTRY_API_VERSION
from carbontui.config.secrets import MAX_SECRET_CHARS

#: The file name ``config init`` writes the schema to, beside config.toml.
SCHEMA_FILENAME = "config.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

_URL: dict[str, Any] = {"type": "string", "pattern": "^https?://", "format": "uri"}
_PATH: dict[str, Any] = {"type": "string", "minLength": 1}
_SECRET: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "minLength": 1, "maxLength": MAX_SECRET_CHARS},
        {
            "type": "object",
            "properties": {"env": {"type": "string", "minLength": 1}},
            "required": ["env"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "command": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1},
                    "minItems": 1,
                }
            },
            "required": ["command"],
            "additionalProperties": False,
        },
    ]
}


def _seconds(bounds: tuple[float, float], default: float) -> dict[str, Any]:
    return {"type": "number", "minimum": bounds[0], "maximum": bounds[1], "default": default}


#: (JSON Schema, description) of every key, per table.
CARBONEXT: Mapping[str, tuple[dict[str, Any], str]] = {
    "api_url": (_URL, "Carbonext B2B API base URL."),
    "token_url": (_URL, "OAuth2 token endpoint (Keycloak on hml, IdentityServer on prod)."),
    "userinfo_url": (_URL, "OpenID Connect userinfo endpoint (prod only)."),
    "client_id": ({"type": "string", "minLength": 1}, "The API key's client id (cbx_b2b_...)."),
    "client_secret": (
        _SECRET,
        'The client secret: a string, { env = "VAR" } or { command = ["program", "arg"] }.',
    ),
    "scope": ({"type": "string"}, 'Scope to request ("roles" on hml, "offline_access" on prod).'),
    "token_auth": (
        {"enum": list(schema.TOKEN_AUTH_CHOICES), "default": "client_secret_post"},
        "How the client authenticates to the token endpoint.",
    ),
}
REGISTRY: Mapping[str, tuple[dict[str, Any], str]] = {
    "api_url": (_URL, "CarbonRegistry API base URL."),
    "api_version": (
        {"type": "string", "default": DEFAULT_REGISTRY_API_VERSION},
        "Sent as the x-icr-api-version header.",
    ),
    "app_id": (
        {"type": ["string", "integer"]},
        "The CarbonRegistry app id (the JWT issuer).",
    ),
    "private_key_file": (
        _PATH,
        "The app's RSA or EC private key (PEM), relative to the config directory; mode 0600.",
    ),
}
PROFILE: Mapping[str, tuple[dict[str, Any], str]] = {
    "environment": (
        {"type": "string"},
        'prod, hml, sandbox or anything; "prod"/"production" asks before every write.',
    ),
    "read_only": ({"type": "boolean", "default": False}, "Block creating and revoking."),
    "poll_interval": (
        _seconds(schema.POLL_INTERVAL_BOUNDS, 30),
        "Seconds between dashboard refreshes.",
    ),
    "timeout": (_seconds(schema.TIMEOUT_BOUNDS, 15), "Seconds per HTTP request."),
    "token_cache": (
        {"enum": list(schema.TOKEN_CACHE_CHOICES), "default": "shared"},
        '"shared": tokens shared by every carbontui process; "memory": this process only.',
    ),
    "ca_bundle": (_PATH, "Extra CA certificates (PEM); TLS verification is always on."),
    "log_file": (_PATH, "Debug log (mode 0600); tokens and secrets are redacted."),
    "carbonext": ({"$ref": "#/definitions/carbonext"}, "Carbonext B2B credentials."),
    "registry": ({"$ref": "#/definitions/registry"}, "CarbonRegistry app credentials."),
}
TOP_LEVEL: Mapping[str, tuple[dict[str, Any], str]] = {
    "default_profile": ({"type": "string"}, "The profile used without --profile."),
    "profiles": (
        {
            "type": "object",
            "propertyNames": {"minLength": 1, "maxLength": schema.MAX_PROFILE_NAME},
            "additionalProperties": {"$ref": "#/definitions/profile"},
        },
        "One table per profile: [profiles.NAME].",
    ),
    "keymap": (
        {"$ref": "#/definitions/keymap"},
        'Dashboard keys by action id, e.g. "table.sort" = "o" (comma-separated alternatives).',
    ),
}


def keymap_schema() -> dict[str, Any]:
    """``[keymap]``: one property per dashboard action, from the action table."""
    keys: dict[str, Any] = {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        ]
    }
    return {
        "type": "object",
        "properties": {
            action.id: {**keys, "description": f"{action.description} (default: {action.keys})"}
            for action in ACTIONS
        },
        "additionalProperties": False,
    }


#: Keys the loader requires in each table (a secret may come from credentials.toml instead).
REQUIRED = {
    "carbonext": ["api_url", "token_url", "client_id"],
    "registry": ["api_url", "app_id", "private_key_file"],
}


def describe_keys(
    name: str, accepted: Sequence[str], described: Mapping[str, tuple[dict[str, Any], str]]
) -> dict[str, Any]:
    """The object schema of one table; raises if it and the loader's key list differ."""
    if list(accepted) != list(described):
        missing = sorted(set(accepted) - set(described))
        extra = sorted(set(described) - set(accepted))
        raise AssertionError(f"[{name}] schema out of step: undescribed {missing}, stale {extra}")
    table: dict[str, Any] = {
        "type": "object",
        "properties": {
            key: {**type_schema, "description": text}
            for key, (type_schema, text) in described.items()
        },
        "additionalProperties": False,
    }
    if name in REQUIRED:
        table["required"] = REQUIRED[name]
    return table


def config_schema() -> dict[str, Any]:
    """The whole schema as a JSON-ready dict."""
    root = describe_keys("top level", schema.TOP_LEVEL_KEYS, TOP_LEVEL)
    return {
        "$schema": DRAFT,
        "title": "carbontui config.toml",
        **root,
        "definitions": {
            "profile": describe_keys("profile", schema.PROFILE_KEYS, PROFILE),
            "carbonext": describe_keys("carbonext", schema.CARBONEXT_KEYS, CARBONEXT),
            "registry": describe_keys("registry", schema.REGISTRY_KEYS, REGISTRY),
            "keymap": keymap_schema(),
        },
    }
