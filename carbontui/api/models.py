"""Typed, immutable models of the platforms' payloads (msgspec Structs).

Unknown fields are ignored; missing optional fields get defaults; a wrong type raises an
ApiError naming the endpoint and the field (see ``carbontui.decoding``).
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
from msgspec.structs import force_setattr

from carbontui.redaction import register_secret


def _shared(struct: msgspec.Struct, *names: str) -> None:
    """Intern the named string fields of a frozen Struct: a low-cardinality column (a country
    code, an organization type, the app's name) is then one string for every row, not one each.
    """
    for name in names:
        value = getattr(struct, name)
        if value is not None:
            force_setattr(struct, name, sys.intern(value))


class Permission(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """A Carbonext permission (a Keycloak role) as attached to an API key."""

    id: str
    name: str | None = None
    description: str | None = None
    composite: bool | None = None
    client_role: bool | None = None
    container_id: str | None = None
    attributes: dict[str, Any] | None = None


class ApplicationSummary(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """One row of the API-key list."""

    id: str
    client_id: str
    display_name: str | None = None


class Application(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """An API key with its permissions (``GET /v1/customers/applications/{id}``)."""

    id: str
    client_id: str
    display_name: str | None = None
    permissions: tuple[Permission, ...] = ()


class CreatedApplication(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """The create answer: the only time ``client_secret`` is ever shown."""

    id: str
    client_id: str
    client_secret: str

    def __post_init__(self) -> None:
        register_secret(self.client_secret)

    def __repr__(self) -> str:
        return (
            f"CreatedApplication(id={self.id!r}, client_id={self.client_id!r}, "
            "client_secret='********')"
        )

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        # msgspec's own __rich_repr__ (used by rich/Textual pretty printing) lists every field.
        return [("id", self.id), ("client_id", self.client_id), ("client_secret", "********")]


class ApplicationPage(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """One page of ``GET /v1/customers/applications``."""

    # Required: with a default, any JSON object (an error envelope, a proxy's answer) would
    # read as "no keys" and wipe the list a user was looking at.
    items: tuple[ApplicationSummary, ...]
    page_index: int = 1
    total_pages: int = 1
    total_count: int = 0
    has_previous_page: bool = False
    # None when the server does not say: only an explicit false ends a listing early.
    has_next_page: bool | None = None


class UserInfo(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """``GET /connect/userinfo``: who the token belongs to and what it may do."""

    client_id: str | None = None
    user_id: str | None = None
    name: str | None = None
    email: str | None = None
    is_admin: bool | None = None
    is_email_valid: bool | None = None
    customer_id: str | None = None
    customer_application_id: str | None = None
    customer_tax_id: str | None = None
    customer_legal_name: str | None = None
    permissions: tuple[str, ...] = ()


class Industry(msgspec.Struct, frozen=True, gc=False):
    """An organization's industry classification."""

    code: str | None = None
    name: str | None = None


class Organization(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """A CarbonRegistry organization (installation target)."""

    id: str
    full_name: str | None = None
    country_code: str | None = None
    city: str | None = None
    zip: str | None = None
    physical_address: str | None = None
    registration_number: str | None = None
    website: str | None = None
    logo: str | None = None
    organization_industries: Industry | None = None
    type: str | None = None
    is_public: bool | None = None
    url: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class Installation(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """An installation of the app in one organization."""

    id: str
    organization: Organization
    permissions: dict[str, str] = msgspec.field(default_factory=dict)
    app_name_id: str | None = None
    app_id: str | None = None
    access_tokens_url: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class OrganizationRow(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """What a row of the installation list shows of its organization."""

    full_name: str | None = None
    country_code: str | None = None
    type: str | None = None

    def __post_init__(self) -> None:
        _shared(self, "country_code", "type")


class InstallationRow(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """One row of the dashboard's installation list (~0.25 KB where an Installation is ~2.2 KB).

    Only what the table shows, sorts and filters on, and the id that opening, minting and
    revoking need: the detail screen reads the whole ``Installation`` when it opens.
    """

    id: str
    organization: OrganizationRow
    app_name_id: str | None = None

    def __post_init__(self) -> None:
        _shared(self, "app_name_id")


class Pagination(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """Registry paging block."""

    total: int = 0
    current_page: int = 1
    page_count: int = 1
    next_page: int | None = None
    prev_page: int | None = None


class InstallationPage(msgspec.Struct, frozen=True, gc=False):
    """One page of ``GET /app/installations``."""

    installations: tuple[Installation, ...]  # required, as ApplicationPage.items
    pagination: Pagination = Pagination()


class InstallationRowPage(msgspec.Struct, frozen=True, gc=False):
    """One page of ``GET /app/installations``, read as list rows."""

    installations: tuple[InstallationRow, ...]  # required, as InstallationPage.installations
    pagination: Pagination = Pagination()
