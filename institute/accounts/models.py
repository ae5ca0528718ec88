"""Users, their roles, partner institutions and API tokens."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, UTCDateTime, check_in, utcnow
from ..extensions import BaseModel


class Role(StrEnum):
    TRAINEE = "trainee"
    PARTNER = "partner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class PartnerKind(StrEnum):
    INSTITUTE = "institute"
    UNIVERSITY = "university"
    RESEARCH_CENTRE = "research-centre"
    TRAINING_CENTRE = "training-centre"
    OTHER = "other"


class Partner(CreatedMixin, BaseModel):
    """An institution of the training network; the Institute itself is ``GDI``."""

    __tablename__ = "partners"
    __table_args__ = (check_in("kind", PartnerKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    kind: Mapped[str] = mapped_column(sa.String(30))

    def __repr__(self) -> str:
        return f"<Partner {self.code}>"


class UserRole(BaseModel):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)

    __table_args__ = (check_in("role", Role),)


UNUSABLE_PASSWORD = "!"  # noqa: S105 - no hash is ever "!": an account invited, not yet set up


class User(UserMixin, CreatedMixin, BaseModel):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so uniqueness holds regardless of case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))  # None: the country's (timezones.py)
    # The optional emails this user chose not to get (notifications/kinds.py names them).
    email_optout: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Turned into the private calendar feed's token with the secret key; a new one revokes the old feed.
    calendar_key: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    # Bumped on password change; part of the login session id so old sessions end.
    session_version: Mapped[int] = mapped_column(default=1)

    partner: Mapped[Partner | None] = relationship(lazy="joined")
    # Joined: every request loads the user with its roles in one query.
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="joined", order_by=UserRole.role
    )

    @property
    def has_password(self) -> bool:
        return self.password_hash != UNUSABLE_PASSWORD

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __eq__(self, other) -> bool:
        # The same person as the session's user (a SessionUser) or another row of them.
        if isinstance(other, UserMixin):
            return self.id is not None and self.id == other.id
        return NotImplemented

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ApiToken(CreatedMixin, BaseModel):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def usable(self) -> bool:
        return token_usable(self.revoked_at, self.expires_at)


def token_usable(revoked_at: datetime | None, expires_at: datetime) -> bool:
    """A token works until it is revoked or expires."""
    return revoked_at is None and expires_at > utcnow()


class Visitor(AnonymousUserMixin):
    """Someone not logged in: holds no role, belongs to no partner."""

    roles: frozenset = frozenset()
    partner = None
    partner_id = None

    def has_role(self, *roles: str) -> bool:
        return False


class PasswordToken(CreatedMixin, BaseModel):
    """A one-time link to set a password (new fellows enrolled by an admin); hash only."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginSession(CreatedMixin, BaseModel):
    """One login on one browser; logging out deletes it, so a copied cookie is refused.

    Only the SHA-256 of the key is stored; the key travels in the session id
    (and the remember-me cookie) as ``<user id>:<session version>:<key>``.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
