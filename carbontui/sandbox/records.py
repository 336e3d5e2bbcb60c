"""The sandbox's stored entities and their wire shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from carbontui.sandbox.timefmt import iso_z


@dataclass(frozen=True, slots=True)
class Permission:
    """A Carbonext permission: a Keycloak realm role."""

    id: str
    name: str
    description: str | None
    composite: bool = False

    def to_json(self) -> dict[str, Any]:
        # The en doc shows the full Keycloak role; the pt doc only id/name/description.
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "composite": self.composite,
            "clientRole": False,
            "containerId": "CO2FREE",
            "attributes": None,
        }


@dataclass(frozen=True, slots=True)
class Customer:
    """The Carbonext customer that owns the API keys."""

    id: str
    legal_name: str
    tax_id: str


@dataclass(slots=True)
class Application:
    """A Carbonext API key."""

    id: str
    client_id: str
    client_secret: str
    display_name: str
    permission_ids: tuple[str, ...]
    created_at: float

    def summary_json(self) -> dict[str, Any]:
        return {"id": self.id, "clientId": self.client_id, "displayName": self.display_name}


@dataclass(frozen=True, slots=True)
class Organization:
    """A CarbonRegistry organization."""

    id: str
    full_name: str
    country_code: str
    city: str
    zip: str
    physical_address: str
    registration_number: str
    website: str
    logo: str | None
    industry: tuple[str, str]
    type: str
    is_public: bool
    created_at: float
    updated_at: float

    def to_json(self, base_url: str) -> dict[str, Any]:
        return {
            "createdAt": iso_z(self.created_at),
            "updatedAt": iso_z(self.updated_at),
            "fullName": self.full_name,
            "countryCode": self.country_code,
            "city": self.city,
            "zip": self.zip,
            "physicalAddress": self.physical_address,
            "registrationNumber": self.registration_number,
            "website": self.website,
            "logo": self.logo,
            "id": self.id,
            "organizationIndustries": {"code": self.industry[0], "name": self.industry[1]},
            "type": self.type,
            "isPublic": self.is_public,
            "url": f"{base_url}/app/organizations/{self.id}",
        }


@dataclass(frozen=True, slots=True)
class Installation:
    """One organization's installation of a CarbonRegistry app."""

    id: str
    organization: Organization
    permissions: Mapping[str, str]
    app_id: str
    app_name_id: str
    created_at: float
    updated_at: float

    def to_json(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "createdAt": iso_z(self.created_at),
            "updatedAt": iso_z(self.updated_at),
            "organization": self.organization.to_json(base_url),
            "permissions": dict(self.permissions),
            "appNameId": self.app_name_id,
            # The doc's example shows a UUID here but "67890" in the token payloads; the
            # sandbox uses the app id (the JWT `iss`) in both places.
            "appId": self.app_id,
            "accessTokensUrl": f"{base_url}/app/installations/{self.id}/accessTokens",
        }


@dataclass(slots=True)
class RegistryApp:
    """A CarbonRegistry app: its keys (several may be active at once) and installations."""

    app_id: str
    name_id: str
    permissions: Mapping[str, str]
    installations: Any  # seed_data.InstallationTable
    public_keys: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class CarbonextToken:
    """An issued Carbonext access token (opaque /connect tokens are looked up by value)."""

    client_id: str
    application_id: str
    permissions: tuple[str, ...]
    scope: str | None
    expires_at: float


@dataclass(slots=True)
class RefreshGrant:
    """A /connect refresh token; it works once (rotation)."""

    client_id: str
    scope: str
    expires_at: float


@dataclass(slots=True)
class RegistryToken:
    """A CarbonRegistry app or installation access token."""

    id: str
    token: str
    app_id: str
    installation_id: str | None
    organization_id: str | None
    permissions: Mapping[str, str]
    created_at: float
    expires_at: float
    is_active: bool = True

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "createdAt": iso_z(self.created_at),
            "updatedAt": iso_z(self.created_at),
            "token": self.token,
            "expiresAt": iso_z(self.expires_at),
            "isActive": self.is_active,
            "permissions": dict(self.permissions),
            "appId": self.app_id,
        }
        if self.installation_id is not None:
            body["installationId"] = self.installation_id
            body["organizationId"] = self.organization_id
        return body
