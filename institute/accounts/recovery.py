"""Forgotten passwords: a single-use link by email, asked for by the person or sent by an admin.

Asking answers the same whether or not the address has an account, so nobody
learns who studies here; only the link's digest is stored, and it expires within
``RESET_LINK_HOURS``. Setting a password through it spends every link of the
user and ends their other sessions (``services.set_password_with_token``).
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..database import utcnow
from ..extensions import db
from ..links import external_url
from ..notifications.services import notify_user
from . import services
from .models import PasswordToken, User

RESET_LINK_HOURS = 2
# A person asking again and again must not fill their own inbox (or let a stranger do it).
RESETS_PER_HOUR = 3


def request_password_reset(email: str) -> None:
    """Send a reset link if ``email`` belongs to an active account; silently nothing otherwise."""
    user = services.user_by_email(services.normalise_email(email or ""))
    if user is None or not user.active or _recent_links(user) >= RESETS_PER_HOUR:
        return
    _send_link(user)


def send_password_reset(user: User) -> None:
    """An admin sends the same link from the user's page (no hourly cap: they chose to)."""
    _send_link(user)


def _recent_links(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.created_at > utcnow() - timedelta(hours=1))) or 0


def _send_link(user: User) -> None:
    raw = services.issue_password_token(user, timedelta(hours=RESET_LINK_HOURS))
    notify_user(user, "password-reset", "accounts/email/password_reset.txt", _l("Choose a new password"),
                link=external_url("accounts.set_password", token=raw), hours=RESET_LINK_HOURS)
