"""Teacher exchanges between partner institutions, their teaching materials and history."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Partner, User
from ..courses.models import Course
from ..database import CreatedMixin, UTCDateTime, check_in
from ..extensions import BaseModel


class ExchangeStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ExchangeDecision(StrEnum):
    """What staff and admins decide on an exchange; each leads to a status
    (``services.TRANSITIONS``). Not stored: the history keeps the statuses."""

    CONFIRM = "confirm"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    COMPLETE = "complete"


class Exchange(CreatedMixin, BaseModel):
    __tablename__ = "exchanges"
    __table_args__ = (
        sa.CheckConstraint("home_partner_id <> host_partner_id", name="home_is_not_host"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        check_in("status", ExchangeStatus),
        sa.Index("ix_exchanges_teacher_status", "teacher_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    home_partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    host_partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    purpose: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=ExchangeStatus.PROPOSED)
    report: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    # Selectin: a joined user brings its roles collection, which joined lists cannot carry.
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id], lazy="selectin")
    home: Mapped[Partner] = relationship(foreign_keys=[home_partner_id], lazy="joined", innerjoin=True)
    host: Mapped[Partner] = relationship(foreign_keys=[host_partner_id], lazy="joined", innerjoin=True)
    course_links: Mapped[list["ExchangeCourse"]] = relationship(cascade="all, delete-orphan",
                                                                lazy="selectin")
    files: Mapped[list["ExchangeFile"]] = relationship(cascade="all, delete-orphan",
                                                       order_by="ExchangeFile.id")
    events: Mapped[list["ExchangeEvent"]] = relationship(cascade="all, delete-orphan",
                                                         order_by="ExchangeEvent.id")

    @property
    def courses(self) -> list[Course]:
        return [link.course for link in self.course_links]

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ExchangeCourse(BaseModel):
    __tablename__ = "exchange_courses"

    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"),
                                             primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), primary_key=True)

    course: Mapped[Course] = relationship(lazy="joined")


class ExchangeFile(CreatedMixin, BaseModel):
    """Teaching material attached to an exchange (course bundles are linked as courses)."""

    __tablename__ = "exchange_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # read only to be downloaded


class ExchangeEvent(BaseModel):
    """Every change of an exchange: who, when, from which state to which."""

    __tablename__ = "exchange_events"
    __table_args__ = (check_in("from_status", ExchangeStatus), check_in("to_status", ExchangeStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(sa.ForeignKey("exchanges.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    actor: Mapped[User | None] = relationship(lazy="joined")
