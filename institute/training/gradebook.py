"""A session's gradebook: its fellows × the quizzes of its courses, best attempts."""

from ..quizzes.gradebook import best_attempts
from ..spreadsheets import csv_text
from .progress import cohort_progress


def gradebook_rows(session):
    """(quizzes, rows) of a session's gradebook, shared by the page, the API and the CSV."""
    fellows = cohort_progress(session)
    quizzes = [q for link in session.course_links if link.course.published
               for q in link.course.published.quizzes]
    cells = best_attempts([f.user.id for f in fellows], quizzes)
    return quizzes, [(f, [cells.get((f.user.id, q.id)) for q in quizzes]) for f in fellows]


def gradebook_csv(session) -> str:
    quizzes, rows = gradebook_rows(session)
    return csv_text(
        ["email", "name", "country", *[f"{q.title} (%)" for q in quizzes], "completed"],
        ([fellow.user.email, fellow.user.name, fellow.application.country,
          *[None if c is None else c.percent for c in cells], "yes" if fellow.completed else "no"]
         for fellow, cells in rows))
