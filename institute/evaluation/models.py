"""The evaluation of a training session.

Anonymity is in the shape of the tables: ``evaluation_participations`` says THAT a
fellow answered (session and user, nothing else: no id, no time); ``evaluation_responses``
and ``evaluation_answers`` say WHAT was answered, with no user, a random UUID as key
and the day, never the time. No column, key or order joins the two.
"""

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import check_in
from ..extensions import BaseModel


class EvaluationKind(StrEnum):
    RATING = "rating"  # 1 to 5
    TEXT = "text"


RATINGS = (1, 2, 3, 4, 5)


def random_key() -> str:
    """A random primary key: its order says nothing of when a row was written."""
    return uuid.uuid4().hex


class Evaluation(BaseModel):
    """A session's questionnaire and when it is open (None: the default window)."""

    __tablename__ = "evaluations"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]

    questions: Mapped[list["EvaluationQuestion"]] = relationship(
        order_by="EvaluationQuestion.position", cascade="all, delete-orphan", lazy="selectin")


class EvaluationQuestion(BaseModel):
    __tablename__ = "evaluation_questions"
    __table_args__ = (check_in("kind", EvaluationKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.session_id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(10))
    label: Mapped[str] = mapped_column(sa.String(300))
    low_label: Mapped[str] = mapped_column(sa.String(60), default="")  # what 1 means
    high_label: Mapped[str] = mapped_column(sa.String(60), default="")  # what 5 means
    required: Mapped[bool] = mapped_column(default=True)


class EvaluationParticipation(BaseModel):
    """THAT a fellow answered: the key is the pair, so a second answer cannot be stored."""

    __tablename__ = "evaluation_participations"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class EvaluationResponse(BaseModel):
    """WHAT one fellow answered, without who: a random key and the day."""

    __tablename__ = "evaluation_responses"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_key)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
                                            index=True)
    answered_on: Mapped[date]

    answers: Mapped[list["EvaluationAnswer"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class EvaluationAnswer(BaseModel):
    __tablename__ = "evaluation_answers"
    __table_args__ = (sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_key)
    response_id: Mapped[str] = mapped_column(sa.ForeignKey("evaluation_responses.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_questions.id", ondelete="CASCADE"),
                                             index=True)
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.Text)
