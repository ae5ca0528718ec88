"""Files answered in an application, and reviewers' scores of applications."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import CreatedMixin, UTCDateTime, utcnow
from ..extensions import BaseModel


class ApplicationFile(CreatedMixin, BaseModel):
    """A file answering one of the session's file questions (a CV, a nomination letter):
    kept in the database like other files, served only to the applicant and admins."""

    __tablename__ = "application_files"
    __table_args__ = (sa.UniqueConstraint("application_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # read only to be downloaded


class ApplicationReview(BaseModel):
    """One reviewer's score and private note on an application; several reviewers each
    have their own. Applicants never see them."""

    __tablename__ = "application_reviews"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_one_to_five"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
