"""A session's cohort as a CSV file, for the page and the API (the applications' is
admissions': ``admissions.services.applications_csv``).

Every cell goes through ``spreadsheets.csv_text``, which keeps formulas out.
Column names stay in English, like the gradebook's: they are keys a script
reads, not prose.
"""

from ..spreadsheets import csv_text
from .models import TrainingSession
from .progress import cohort_progress


def cohort_csv(session: TrainingSession) -> str:
    """The accepted fellows with their progress, as the cohort page lists them."""
    return csv_text(
        ["email", "name", "country", "institution", "modules done", "modules", "quizzes passed",
         "quizzes", "progress (%)", "completed"],
        ([f.user.email, f.user.name, f.application.country, f.application.institution,
          f.modules_done, f.modules_total, f.quizzes_passed, f.quizzes_total, f.percent,
          "yes" if f.completed else "no"] for f in cohort_progress(session)))

