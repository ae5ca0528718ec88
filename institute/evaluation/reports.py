"""The institute-wide report for funders: per session over the years, who the fellows
were (country, institution), how many completed, and how they rated the session.

Gender is not collected by the platform (no form asks it), so the report has no gender
column; it says so rather than guess. A fixed number of statements for any number of
sessions and fellows.
"""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..training.models import Application, ApplicationStatus, TrainingSession
from ..training.progress import sessions_progress
from .models import EvaluationAnswer, EvaluationResponse

GENDER_COLLECTED = False  # no form asks it; see the module's docstring


@dataclass
class SessionFigures:
    session: TrainingSession
    fellows: int = 0
    completed: int = 0
    countries: Counter = field(default_factory=Counter)
    institutions: Counter = field(default_factory=Counter)
    responses: int = 0
    rating_mean: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.fellows if self.fellows else None

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.fellows if self.fellows else None


def funders_report() -> list[SessionFigures]:
    """Every session, oldest first, with its figures."""
    sessions = list(db.session.scalars(sa.select(TrainingSession).order_by(
        TrainingSession.year, TrainingSession.sequence)))
    figures = {s.id: SessionFigures(s) for s in sessions}
    ids = list(figures)
    if not ids:
        return []
    for session_id, country, institution, count in db.session.execute(
            sa.select(Application.session_id, Application.country, Application.institution, sa.func.count())
            .where(Application.session_id.in_(ids), Application.status == ApplicationStatus.ACCEPTED)
            .group_by(Application.session_id, Application.country, Application.institution)):
        entry = figures[session_id]
        entry.fellows += count
        entry.countries[country or ""] += count
        entry.institutions[institution or ""] += count
    for session_id, fellows in sessions_progress(sessions).items():
        figures[session_id].completed = sum(1 for f in fellows if f.completed)
    for session_id, count in db.session.execute(
            sa.select(EvaluationResponse.session_id, sa.func.count()).where(EvaluationResponse.session_id.in_(ids))
            .group_by(EvaluationResponse.session_id)):
        figures[session_id].responses = count
    for session_id, mean in db.session.execute(
            sa.select(EvaluationResponse.session_id, sa.func.avg(EvaluationAnswer.rating))
            .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
            .where(EvaluationResponse.session_id.in_(ids), EvaluationAnswer.rating.is_not(None))
            .group_by(EvaluationResponse.session_id)):
        figures[session_id].rating_mean = round(float(mean), 2) if mean is not None else None
    return list(figures.values())


def funders_rows(figures: list[SessionFigures]) -> tuple[list[str], list[list]]:
    """One row per session and country, and per session and institution: long format,
    as spreadsheets pivot it."""
    header = ["session", "year", "fellows", "completed", "completion rate", "evaluations", "rating mean",
              "breakdown", "value", "fellows in breakdown"]
    rows: list[list] = []
    for f in figures:
        base = [f.session.title, f.session.year, f.fellows, f.completed,
                round(f.completion_rate, 3) if f.completion_rate is not None else "", f.responses,
                f.rating_mean if f.rating_mean is not None else ""]
        rows.append([*base, "total", "", f.fellows])
        rows.extend([*base, "country", code, n] for code, n in sorted(f.countries.items()))
        rows.extend([*base, "institution", name, n] for name, n in sorted(f.institutions.items()))
    return header, rows
