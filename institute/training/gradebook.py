"""A session's gradebook: its fellows × the quizzes of its courses, best attempts, and the
columns that higher domains add (assignments) through ``register_columns``."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from ..courses.models import CourseRevision, Quiz
from ..extensions import db
from ..quizzes.gradebook import best_attempts
from ..spreadsheets import csv_text
from .progress import cohort_progress


@dataclass
class Column:
    """A column another domain adds to the gradebook: its heading (and page), and a cell
    per fellow (by user id) who has something in it."""

    @dataclass
    class Cell:
        text: str
        url: str | None = None
        state: str = ""  # passed | failing | pending
        value: float | None = None  # what the CSV shows
        id: int | None = None  # what the API names (a submission)

    title: str
    url: str | None = None
    cells: dict[int, "Column.Cell"] = field(default_factory=dict)
    csv_title: str = ""
    kind: str = ""  # what the API says it is ("assignment"), with its id and the most it counts
    id: int | None = None
    maximum: float | None = None


# Columns higher domains add (assignments): each a function (session, user ids) → [Column],
# registered when its domain is imported, as progress.register_requirement is; each answers
# in a fixed number of statements.
ColumnSource = Callable[[Any, list[int]], list[Column]]
_COLUMNS: list[ColumnSource] = []


def register_columns(source: ColumnSource) -> None:
    if source not in _COLUMNS:
        _COLUMNS.append(source)


def extra_columns(session, user_ids: list[int]) -> list[Column]:
    return [column for source in _COLUMNS for column in source(session, user_ids)]


def gradebook_rows(session):
    """(quizzes, rows) of a session's gradebook, shared by the page, the API and the CSV."""
    fellows = cohort_progress(session)
    quizzes = session_quizzes(session)
    user_ids = [f.user.id for f in fellows]
    cells = best_attempts(user_ids, quizzes)
    quiz_ids = [q.id for q in quizzes]  # read once, not once per fellow
    return quizzes, [(f, [cells.get((user_id, quiz_id)) for quiz_id in quiz_ids])
                     for f, user_id in zip(fellows, user_ids, strict=True)]


def session_quizzes(session) -> list[Quiz]:
    """The quizzes of the session's courses' published revisions, in the courses' order: only
    what a gradebook shows (never the parsed questions), in one statement."""
    revisions = [link.course.published_revision_id for link in session.course_links
                 if link.course.published_revision_id is not None]
    if not revisions:
        return []
    found = db.session.scalars(
        sa.select(Quiz).options(load_only(Quiz.id, Quiz.revision_id, Quiz.file, Quiz.title, Quiz.pass_mark),
                                joinedload(Quiz.revision).load_only(CourseRevision.id, CourseRevision.course_id))
        .where(Quiz.revision_id.in_(revisions)).order_by(Quiz.id)).all()
    by_revision: dict[int, list[Quiz]] = {}
    for quiz in found:
        by_revision.setdefault(quiz.revision_id, []).append(quiz)
    return [q for revision in revisions for q in by_revision.get(revision, [])]


def gradebook_csv(session) -> str:
    quizzes, rows = gradebook_rows(session)
    columns = extra_columns(session, [fellow.user.id for fellow, _cells in rows])

    def extra(fellow) -> list:
        found = [column.cells.get(fellow.user.id) for column in columns]
        return [None if cell is None else cell.value if cell.value is not None else cell.text
                for cell in found]

    return csv_text(
        ["email", "name", "country", *[f"{q.title} (%)" for q in quizzes],
         *[c.csv_title or c.title for c in columns], "completed"],
        ([fellow.user.email, fellow.user.name, fellow.application.country,
          *[None if c is None else c.percent for c in cells], *extra(fellow),
          "yes" if fellow.completed else "no"]
         for fellow, cells in rows))
