"""Each user's private calendar feed token: what a phone's calendar subscribes with.

The token is an HMAC of the user and their ``calendar_key`` under the secret key, so
the database alone does not give it away, and the feed's address can be shown again
at any time; drawing a new key revokes every address given before.
"""

import hashlib
import hmac
import re
import secrets

from flask import current_app

from ..extensions import db
from .models import User

_TOKEN = re.compile(r"^([1-9][0-9]{0,9})-([0-9a-f]{40})$")


def _digest(user: User) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"gdi-calendar:{user.id}:{user.calendar_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def calendar_token(user: User) -> str:
    return f"{user.id}-{_digest(user)}"


def user_of_calendar_token(token: str) -> User | None:
    """The active user whose feed this is, or None (a revoked or made-up token)."""
    match = _TOKEN.match(token)
    if not match:
        return None
    user = db.session.get(User, int(match.group(1)))
    if user is None or not user.active or not hmac.compare_digest(_digest(user), match.group(2)):
        return None
    return user


def renew_calendar_token(user: User) -> str:
    """A new address for the feed; the old one stops working."""
    user.calendar_key = secrets.token_hex(16)
    return calendar_token(user)
