"""Who is logged in, read in one statement per request, without the ORM.

Every page a logged-in person opens loads them first. Building the ORM ``User``
with its roles and partner cost more than the rest of a cached page, so the
session's user is a plain value object read by ``database.read``. What changes a
user, or needs more than these columns, works on ``record``: the ORM row, loaded
on first use in the request's own session.
"""

from functools import cached_property

import sqlalchemy as sa
from flask_login import UserMixin

from ..database import read
from ..extensions import db
from .logins import key_hash, parse_session_id
from .models import ApiToken, LoginSession, User, UserRole, token_usable

_COLUMNS = ("id", "email", "name", "country", "partner_id", "locale", "timezone", "email_optout",
            "session_version", "active")
# The user, their roles, and whether this login session still stands: one statement.
_SESSION_USER = (
    sa.select(*(getattr(User, column) for column in _COLUMNS), UserRole.role)
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(User.id == sa.bindparam("id"), LoginSession.key_hash == sa.bindparam("key_hash")))
# The user of a bearer token, their roles, and the token's dates: one statement, typed (the
# dates are compared in Python by the token's own rule).
_TOKEN_USER = (
    sa.select(*(getattr(User, column) for column in _COLUMNS), ApiToken.revoked_at, ApiToken.expires_at,
              UserRole.role)
    .join(ApiToken, ApiToken.user_id == User.id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash")))


class SessionUser(UserMixin):
    """The logged-in user as pages and access checks see them; read-only."""

    id: int
    email: str
    name: str
    country: str | None
    partner_id: int | None
    locale: str | None
    timezone: str | None
    email_optout: list[str]
    session_version: int
    active: bool
    roles: frozenset[str]
    session_id: str  # the login session's id: what the cookies carry

    def __init__(self, roles: frozenset[str], session_id: str, **columns):
        self.__dict__.update(columns, roles=roles, session_id=session_id)

    @classmethod
    def of(cls, user: User, session_id: str) -> "SessionUser":
        """The session's user for a login just made (its row is not committed yet)."""
        return cls(frozenset(user.roles), session_id, **{column: getattr(user, column) for column in _COLUMNS})

    def __setattr__(self, name, value):
        # A change made here would be lost silently: change ``record`` instead.
        raise AttributeError(f"the session's user is read-only; set record.{name}")

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_id

    @cached_property
    def record(self) -> User:
        """The ORM row, in the request's session: for changes and relationships."""
        user = db.session.get(User, self.id)
        assert user is not None  # read for this request, and users are never deleted
        return user

    @property
    def partner(self):
        return self.record.partner if self.partner_id is not None else None

    def __getattr__(self, name):
        # Anything else a page may read (created_at, role_rows…) comes from the row.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.record, name)

    def __eq__(self, other) -> bool:
        if isinstance(other, SessionUser | User):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash((User, self.id))

    def __repr__(self) -> str:
        return f"<SessionUser {self.email}>"


def load_session_user(session_id: str) -> SessionUser | None:
    """The user of a login session, unless it was ended (logout, password change)."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    user_id, version, key = parsed
    rows = read(_SESSION_USER, {"id": user_id, "key_hash": key_hash(key)})
    if not rows:
        return None
    columns = dict(zip(_COLUMNS, rows[0], strict=False))
    if columns["session_version"] != version:
        return None
    columns["active"] = bool(columns["active"])  # SQLite gives 0 or 1
    return SessionUser(frozenset(row[-1] for row in rows if row[-1] is not None), session_id, **columns)


def load_token_user(token_hash: str) -> SessionUser | None:
    """The active user of a usable API token, as a read-only session user (no login
    session: ``session_id`` is empty), or None. Services take it as they take a page's."""
    rows = db.session.execute(_TOKEN_USER, {"token_hash": token_hash}).all()
    if not rows:
        return None
    first = rows[0]
    columns = dict(zip(_COLUMNS, first, strict=False))
    revoked_at, expires_at = first[len(_COLUMNS)], first[len(_COLUMNS) + 1]
    if not token_usable(revoked_at, expires_at) or not columns["active"]:
        return None
    return SessionUser(frozenset(row[-1] for row in rows if row[-1] is not None), "", **columns)
