"""JSON shapes of accounts for the API."""

from ..timezones import timezone_of
from .models import Partner, User


def partner_json(partner: Partner | None) -> dict | None:
    if partner is None:
        return None
    return {
        "id": partner.id,
        "code": partner.code,
        "name": partner.name,
        "country": partner.country,
        "kind": partner.kind,
    }


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "country": user.country,
        "roles": sorted(user.roles),
        "partner": partner_json(user.partner),
        "active": user.active,
        "timezone": timezone_of(user),
    }
