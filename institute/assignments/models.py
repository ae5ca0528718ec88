"""Fellows' submissions to assignments, and their grades.

An assignment is known across its course's revisions by its course and file
(``assignment_key``), as a quiz is: a submission made on an earlier revision
still counts. A fellow has one submission per assignment; submitting again
before it is graded replaces its text and file (no history is kept), and a
graded submission is final.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Assignment
from ..database import CreatedMixin, UTCDateTime
from ..extensions import BaseModel
from ..training.models import TrainingSession


def assignment_key(assignment: Assignment) -> str:
    """What names an assignment across its course's revisions: submissions keep it."""
    return f"{assignment.revision.course_id}:{assignment.file}"


class Submission(CreatedMixin, BaseModel):
    """A fellow's work for an assignment: a text and/or one file (kept in the database like
    other files, served only to the fellow and the session's instructors and admins), and
    once graded the points per rubric criterion and the grader's feedback."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "assignment_key"),
        sa.Index("ix_submissions_assignment_key_user", "assignment_key", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    assignment_key: Mapped[str] = mapped_column(sa.String(250))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The session in which the fellow studies the course: its teachers grade the work.
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
                                            index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    file_type: Mapped[str | None] = mapped_column(sa.String(100))
    file_size: Mapped[int | None]
    file_data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)  # read only to download
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    times: Mapped[int] = mapped_column(default=1)  # how often it was sent (each replaces the last)
    scores: Mapped[dict | None] = mapped_column(sa.JSON)  # criterion → points, once graded
    total: Mapped[float | None]
    passed: Mapped[bool | None]
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    session: Mapped[TrainingSession] = relationship()
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])

    @property
    def graded(self) -> bool:
        return self.graded_at is not None
