"""A session's cohort and applications as CSV files, for the pages and the API.

Every cell goes through ``spreadsheets.csv_text``, which keeps formulas out.
Column names stay in English, like the gradebook's: they are keys a script
reads, not prose.
"""

from ..spreadsheets import csv_text
from .models import TrainingSession
from .progress import cohort_progress
from .services import applications_of


def _utc(moment) -> str | None:
    # A form every spreadsheet reads as a date and time.
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None


def cohort_csv(session: TrainingSession) -> str:
    """The accepted fellows with their progress, as the cohort page lists them."""
    return csv_text(
        ["email", "name", "country", "institution", "modules done", "modules", "quizzes passed",
         "quizzes", "progress (%)", "completed"],
        ([f.user.email, f.user.name, f.application.country, f.application.institution,
          f.modules_done, f.modules_total, f.quizzes_passed, f.quizzes_total, f.percent,
          "yes" if f.completed else "no"] for f in cohort_progress(session)))


def applications_csv(session: TrainingSession) -> str:
    """Every application to the session, whatever its status, oldest first."""
    return csv_text(
        ["email", "name", "country", "institution", "status", "applied at (UTC)", "decided at (UTC)",
         "motivation"],
        ([a.user.email, a.user.name, a.country, a.institution, a.status, _utc(a.created_at),
          _utc(a.decided_at), a.motivation] for a in applications_of(session)))
