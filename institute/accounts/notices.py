"""Emails about a person's own account that an admin's change causes."""

from flask_babel import gettext as _

from ..notifications.services import in_language_of, notify, render_email


def tell_old_address(user, old_email: str, new_email: str) -> None:
    """The old address learns that the account's email changed, and to what."""
    with in_language_of(user):
        subject = _("Your email address on the platform was changed")
        body = render_email("accounts/email/email_changed.txt", user=user, old_email=old_email,
                               new_email=new_email)
    notify(old_email, subject, body, kind="email-changed")
