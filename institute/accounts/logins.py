"""Login sessions kept on the server, so that logging out ends them.

The session cookie and the remember-me cookie carry the session id
``<user id>:<session version>:<key>``. A login writes the key's SHA-256; logging
out deletes it, so a cookie copied before logout is refused afterwards. A
password change bumps the session version, which ends every login of the user.
"""

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from ..database import utcnow
from ..extensions import db
from .models import LoginSession, User


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_login(user: User) -> str:
    """A new login session for the user; returns its session id."""
    key = secrets.token_urlsafe(32)
    # Logins older than the longest a cookie may live are of no more use: forget them.
    oldest = utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.created_at < oldest))
    db.session.add(LoginSession(user_id=user.id, key_hash=key_hash(key)))
    db.session.flush()
    return f"{user.id}:{user.session_version}:{key}"


def parse_session_id(session_id: str) -> tuple[int, int, str] | None:
    """(user id, session version, key) of a well-formed session id, else None."""
    user_id, version, key = (session_id.split(":", 2) + ["", ""])[:3]
    if not (user_id.isdigit() and version.isdigit() and key) or len(user_id) > 18 or len(version) > 18:
        return None
    return int(user_id), int(version), key


def end_login(session_id: str | None) -> None:
    """End one login session (logging out)."""
    parsed = parse_session_id(session_id or "")
    if parsed is not None:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == parsed[0],
                                                         LoginSession.key_hash == key_hash(parsed[2])))
