"""Attempts at quizzes and the answers saved in them.

A quiz is identified across course revisions by its course and file
(``quiz_key``): attempts made on an earlier revision still count towards the
attempt limit and the fellow's best result.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Quiz
from ..database import CreatedMixin, UTCDateTime
from ..extensions import BaseModel


def quiz_key(quiz: Quiz) -> str:
    """What names a quiz across its course's revisions: attempts and overrides keep it."""
    return key_of(quiz.revision.course_id, quiz.file)


def key_of(course_id: int, file: str) -> str:
    """``quiz_key`` from the quiz's course id and file, for lists that read them as columns."""
    return f"{course_id}:{file}"


class Attempt(CreatedMixin, BaseModel):
    __tablename__ = "attempts"
    __table_args__ = (
        # Two starts at once cannot both become attempt number n.
        sa.UniqueConstraint("user_id", "quiz_key", "number"),
        sa.Index("ix_attempts_quiz_key_user", "quiz_key", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"), index=True)
    quiz_key: Mapped[str] = mapped_column(sa.String(250))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The order this attempt shows: question indices, and per question its choices.
    layout: Mapped[dict] = mapped_column(sa.JSON)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    pending_grading: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()
    answers: Mapped[list["AttemptAnswer"]] = relationship(
        order_by="AttemptAnswer.question", cascade="all, delete-orphan", back_populates="attempt")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptAnswer(BaseModel):
    __tablename__ = "attempt_answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id", ondelete="CASCADE"))
    question: Mapped[int]  # index in the quiz's questions
    value: Mapped[object | None] = mapped_column(sa.JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fraction: Mapped[float | None]  # of the question's points; None: waits for an instructor
    # The answer's own GIFT feedback as sanitised HTML, rendered at import in its format.
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    grader_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class QuizOverride(CreatedMixin, BaseModel):
    """One fellow's accommodation on one quiz: extra attempts, extra minutes or a
    multiplier on the time limit, granted by an instructor of their session or an admin,
    with a reason. Keyed like attempts (``quiz_key``), so it holds across revisions.
    A revoked override is kept (who revoked it and when) but no longer counts."""

    __tablename__ = "quiz_overrides"
    __table_args__ = (
        sa.Index("ix_quiz_overrides_quiz_key_user", "quiz_key", "user_id"),
        sa.CheckConstraint("extra_attempts >= 0 AND extra_minutes >= 0 AND time_multiplier >= 1",
                           name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"))  # where it was granted
    quiz_key: Mapped[str] = mapped_column(sa.String(250))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    extra_attempts: Mapped[int] = mapped_column(default=0)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    time_multiplier: Mapped[float] = mapped_column(default=1.0)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
