"""What waits for an admin in certificates: sessions that have ended and have none yet."""

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..training.models import Application, ApplicationStatus, TrainingSession
from .models import Certificate


def sessions_to_certify(today: date | None = None) -> list[TrainingSession]:
    """Sessions that have ended, have a cohort, and have no certificate yet."""
    today = today or date.today()
    issued = sa.select(Certificate.id).where(Certificate.session_id == TrainingSession.id).exists()
    cohort = sa.select(Application.id).where(Application.session_id == TrainingSession.id,
                                             Application.status == ApplicationStatus.ACCEPTED).exists()
    return list(db.session.scalars(sa.select(TrainingSession).where(
        TrainingSession.ends_on <= today, cohort, ~issued).order_by(TrainingSession.ends_on)))
