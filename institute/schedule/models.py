"""Events of a session's schedule and who attended them."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import CreatedMixin, UTCDateTime, check_in, utcnow
from ..extensions import BaseModel


class EventKind(StrEnum):
    LECTURE = "lecture"
    FIELD_TRIP = "field-trip"
    DEADLINE = "deadline"
    OTHER = "other"


class Presence(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Event(CreatedMixin, BaseModel):
    """One thing that happens at a time. A cancelled event is kept, so calendars that
    subscribed see it cancelled (RFC 5545's STATUS) instead of silently gone."""

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="times_ordered"),
        sa.Index("ix_events_session_starts", "session_id", "starts_at"),
        check_in("kind", EventKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # RFC 5545: each change a calendar must pick up raises the SEQUENCE of the same UID.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A deadline may close a quiz of the session's courses for its fellows (quizzes.attempts.quiz_key).
    quiz_key: Mapped[str | None] = mapped_column(sa.String(250))

    @property
    def on_site(self) -> bool:
        """Lectures and field trips are where attendance is taken."""
        return self.kind in (EventKind.LECTURE, EventKind.FIELD_TRIP)


class Attendance(BaseModel):
    __tablename__ = "attendance"
    __table_args__ = (check_in("presence", Presence),)

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    presence: Mapped[str] = mapped_column(sa.String(10))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
