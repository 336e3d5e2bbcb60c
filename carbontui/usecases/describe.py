"""What both front ends show about an object: ``(label, value)`` pairs, no markup."""

from __future__ import annotations

from carbontui.api.models import Organization

Facts = list[tuple[str, object]]


def organization_facts(org: Organization) -> Facts:
    """An organization's fields in reading order (``None`` where the server sent none)."""
    industry = org.organization_industries
    return [
        ("name", org.full_name),
        ("id", org.id),
        ("type", org.type),
        ("country", org.country_code),
        ("city", org.city),
        ("address", org.physical_address),
        ("zip", org.zip),
        ("registration", org.registration_number),
        ("industry", f"{industry.name} ({industry.code})" if industry else None),
        ("website", org.website),
        ("public", None if org.is_public is None else "yes" if org.is_public else "no"),
    ]
