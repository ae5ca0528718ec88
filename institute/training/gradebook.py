"""A session's gradebook: its fellows × the quizzes of its courses, best attempts."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from ..courses.models import CourseRevision, Quiz
from ..extensions import db
from ..quizzes.gradebook import best_attempts
from ..spreadsheets import csv_text
from .progress import cohort_progress


def gradebook_rows(session):
    """(quizzes, rows) of a session's gradebook, shared by the page, the API and the CSV."""
    fellows = cohort_progress(session)
    quizzes = session_quizzes(session)
    cells = best_attempts([f.user.id for f in fellows], quizzes)
    return quizzes, [(f, [cells.get((f.user.id, q.id)) for q in quizzes]) for f in fellows]


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
    return csv_text(
        ["email", "name", "country", *[f"{q.title} (%)" for q in quizzes], "completed"],
        ([fellow.user.email, fellow.user.name, fellow.application.country,
          *[None if c is None else c.percent for c in cells], "yes" if fellow.completed else "no"]
         for fellow, cells in rows))
