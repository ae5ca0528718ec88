"""Emails about a person's own account that an admin's change causes."""

from flask_babel import lazy_gettext as _l

from ..notifications.services import notify_user


def tell_old_address(user, old_email: str, new_email: str) -> None:
    """The old address learns that the account's email changed, and to what."""
    notify_user(user, "email-changed", "accounts/email/email_changed.txt",
                _l("Your email address on the platform was changed"), to=old_email,
                old_email=old_email, new_email=new_email)
