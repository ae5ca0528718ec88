"""Courses, their immutable revisions, files, rendered modules and quiz definitions.

Files are stored once by content (``CourseBlob``, keyed by SHA-256), so a
revision that changes one module shares every other file with the revision
before it. A revision is never changed after import, except for being
published.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Partner, User
from ..database import CreatedMixin, UTCDateTime, utcnow
from ..extensions import BaseModel


class Course(CreatedMixin, BaseModel):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    derived_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="SET NULL")
    )
    # A translation family (DESIGN §10 "Reach", courses.translations): the original's id,
    # on the original (once it has a translation) and on each of its translations; empty
    # for a course alone in its language. A translation is a course whose family_id is
    # another course's id.
    family_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    # The revision trainees see, and the newest one (a draft when they differ).
    published_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    latest_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # An archived course is kept whole but listed nowhere; an admin restores it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    partner: Mapped[Partner] = relationship(lazy="joined")
    derived_from: Mapped["Course | None"] = relationship(remote_side=[id], foreign_keys=[derived_from_id])
    family: Mapped["Course | None"] = relationship(remote_side=[id], foreign_keys=[family_id], post_update=True)
    published: Mapped["CourseRevision | None"] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )
    latest: Mapped["CourseRevision | None"] = relationship(
        foreign_keys=[latest_revision_id], post_update=True
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def translation_of_id(self) -> int | None:
        """The original this course translates, or None for an original or a lone course."""
        return self.family_id if self.family_id not in (None, self.id) else None

    @property
    def has_draft(self) -> bool:
        return self.latest_revision_id is not None and (
            self.latest_revision_id != self.published_revision_id
        )


class CourseBlob(BaseModel):
    """The bytes of one file, stored once whatever revisions share it."""

    __tablename__ = "course_blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # services read it by column


class CourseRevision(CreatedMixin, BaseModel):
    __tablename__ = "course_revisions"
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(200))  # kept if the account goes
    message: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # An adapted course's first revision: the revision of the course it copies, which
    # its diff compares it with.
    adapted_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="SET NULL")
    )
    # From course.md, for the catalogue and the course page.
    title: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(35), index=True)
    license: Mapped[str] = mapped_column(sa.String(100))
    authors: Mapped[list] = mapped_column(sa.JSON, default=list)
    version: Mapped[str] = mapped_column(sa.String(50), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    hours: Mapped[float | None]
    overview_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Lower-cased title, summary, topics and module text: what catalogue search reads, in
    # SQL only; as long as the course, so never loaded with a revision.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    adapted_from: Mapped["CourseRevision | None"] = relationship(
        foreign_keys=[adapted_from_id], remote_side=[id])
    modules: Mapped[list["Module"]] = relationship(
        order_by="Module.position", cascade="all, delete-orphan", back_populates="revision"
    )
    quizzes: Mapped[list["Quiz"]] = relationship(
        order_by="Quiz.id", cascade="all, delete-orphan", back_populates="revision"
    )
    assignments: Mapped[list["Assignment"]] = relationship(
        order_by="Assignment.id", cascade="all, delete-orphan", back_populates="revision"
    )
    files: Mapped[list["RevisionFile"]] = relationship(
        order_by="RevisionFile.path", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class RevisionReview(CreatedMixin, BaseModel):
    """A reviewer asked for changes to a draft revision: who, when, what. Kept as history;
    the revision stays, back with its institution, until a new one is uploaded."""

    __tablename__ = "revision_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(200))  # kept if the account goes
    comment: Mapped[str] = mapped_column(sa.Text)

    revision: Mapped[CourseRevision] = relationship()


class RevisionFile(BaseModel):
    __tablename__ = "revision_files"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(sa.String(500), primary_key=True)
    blob_sha256: Mapped[str] = mapped_column(sa.ForeignKey("course_blobs.sha256"), index=True)

    blob: Mapped[CourseBlob] = relationship()


class Module(BaseModel):
    """One module of a revision, rendered to sanitised HTML at import."""

    __tablename__ = "modules"
    __table_args__ = (sa.UniqueConstraint("revision_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(300))
    minutes: Mapped[int | None]
    path: Mapped[str] = mapped_column(sa.String(200))
    html: Mapped[str] = mapped_column(sa.Text)
    toc_html: Mapped[str] = mapped_column(sa.Text, default="")
    words: Mapped[int] = mapped_column(default=0)

    revision: Mapped[CourseRevision] = relationship(back_populates="modules")


class Quiz(BaseModel):
    """A quiz of a revision: its settings from course.md and its parsed GIFT questions.

    Kept with the course content it belongs to; the quizzes domain (attempts,
    grading) builds on it.
    """

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE"), index=True
    )
    file: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    after_module: Mapped[str | None] = mapped_column(sa.String(100))
    pass_mark: Mapped[float]
    max_attempts: Mapped[int]
    time_limit_minutes: Mapped[int | None]
    shuffle: Mapped[bool]
    questions: Mapped[list] = mapped_column(sa.JSON)
    question_count: Mapped[int]

    revision: Mapped[CourseRevision] = relationship(back_populates="quizzes")


class Assignment(BaseModel):
    """An assignment of a revision (DESIGN §10 "Assessment beyond quizzes"): its settings
    from course.md and its instructions, rendered and sanitised at import. Kept with the
    course content like quizzes; the assignments domain (submissions, grading) builds on it.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE"), index=True
    )
    file: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    after_module: Mapped[str | None] = mapped_column(sa.String(100))
    pass_mark: Mapped[float]  # points of the rubric's total
    max_megabytes: Mapped[int]
    rubric: Mapped[list] = mapped_column(sa.JSON)  # [{criterion, points}] in order
    html: Mapped[str] = mapped_column(sa.Text, default="")

    revision: Mapped[CourseRevision] = relationship(back_populates="assignments")

    @property
    def max_points(self) -> int:
        return sum(int(row["points"]) for row in self.rubric)


class ModuleCompletion(BaseModel):
    """A fellow marked a module done; kept by slug so it survives new revisions."""

    __tablename__ = "module_completions"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    module_slug: Mapped[str] = mapped_column(sa.String(100))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfflinePack(CreatedMixin, BaseModel):
    """A published revision made into a file to read without a connection: a zip of HTML
    pages (``zip``) or an EPUB (``epub``). Built once per revision and format, on first
    need (``offline.pack``); a revision never changes, so neither does its pack."""

    __tablename__ = "offline_packs"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # read only to send it
