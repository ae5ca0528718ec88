"""Builders: objects with sensible defaults, so a test states only what it is about."""

import itertools

from institute.accounts import services as accounts

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def create_user(
    email: str | None = None,
    name: str = "Test User",
    password: str = PASSWORD,
    roles=("trainee",),
    partner: str | None = None,
    country: str | None = "KG",
):
    """A user through the accounts service (so every rule is applied); needs an app context."""
    if email is None:
        email = f"user{next(_serial)}@example.org"
    if isinstance(roles, str):
        roles = (roles,)
    return accounts.create_user(email, name, password, roles, partner, country)
