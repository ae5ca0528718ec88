"""Training sessions, their courses and instructors, and fellows' applications.

A session's cohort is its accepted applications; bulk enrolment creates
accepted applications too, so one table answers "who is in the cohort".
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Course
from ..database import CreatedMixin, UTCDateTime, check_in
from ..extensions import BaseModel


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    ACCEPTED = "accepted"  # in the cohort
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"  # the fellow turned the offer down
    LAPSED = "lapsed"  # the offer's deadline passed unconfirmed


class ApplicationDecision(StrEnum):
    """What an admin decides on an application; each leads to a status
    (``services.DECISIONS``). Not stored."""

    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"


class QuestionKind(StrEnum):
    """The kinds of a session's own application questions (``TrainingSession.questions``;
    institute.admissions.questions checks them). Not a column: part of the JSON."""

    TEXT = "text"
    CHOICE = "choice"
    FILE = "file"


class TrainingSession(CreatedMixin, BaseModel):
    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.UniqueConstraint("year", "sequence"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("sequence IN (1, 2)", name="sequence_in_year"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("on_site_days IS NULL OR on_site_days >= 0", name="on_site_days_not_negative"),
        sa.CheckConstraint("attendance_required IS NULL OR attendance_required BETWEEN 1 AND 100",
                           name="attendance_required_a_share"),
        sa.CheckConstraint("offer_days > 0", name="offer_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    sequence: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    on_site_days: Mapped[int | None]  # days spent on site at the institute, when recorded
    attendance_required: Mapped[int | None]  # percent of on-site events to attend for completion
    seats: Mapped[int] = mapped_column(default=15)
    applications_open: Mapped[date | None]
    applications_close: Mapped[date | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The session's own application questions: [{id, label, kind: text | choice | file,
    # choices?, required, types?, max_megabytes?}] (institute.admissions.questions checks them).
    questions: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    offer_days: Mapped[int] = mapped_column(default=14, server_default="14")  # to confirm a seat

    course_links: Mapped[list["SessionCourse"]] = relationship(
        order_by="SessionCourse.position", cascade="all, delete-orphan", lazy="selectin"
    )
    instructor_links: Mapped[list["SessionInstructor"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def courses(self) -> list[Course]:
        return [link.course for link in self.course_links]

    @property
    def instructors(self) -> list[User]:
        return [link.user for link in self.instructor_links]

    @property
    def code(self) -> str:
        return f"{self.year}-{self.sequence}"

    @property
    def weeks(self) -> int:
        return weeks_between(self.starts_on, self.ends_on)


def weeks_between(starts: date, ends: date) -> int:
    """The weeks a programme lasts from its first to its last day, rounded (at least one)."""
    return max(1, round(((ends - starts).days + 1) / 7))


class SessionCourse(BaseModel):
    __tablename__ = "session_courses"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(lazy="joined")


class SessionInstructor(BaseModel):
    __tablename__ = "session_instructors"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # A guest teacher teaches through an approved exchange, and only while it lasts;
    # an instructor of the institute teaches without one.
    exchange_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exchanges.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(lazy="selectin")


class Application(CreatedMixin, BaseModel):
    """A fellow's application to a session; accepted applications are the cohort."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.Index("ix_applications_session_status", "session_id", "status"),
        check_in("status", ApplicationStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    institution: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=ApplicationStatus.APPLIED)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The answers to the session's own questions ({question id: text or choice}); files
    # answered are institute.admissions.models.ApplicationFile rows.
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    passport_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # the applicant sees it
    # An accepted application is an offer until confirmed: it holds a seat until
    # offer_expires_at, then lapses (institute.admissions.offers).
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[TrainingSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="selectin")
