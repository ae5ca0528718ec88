"""JSON shapes of training sessions for the API."""

from .models import Application, TrainingSession
from .progress import FellowProgress
from .services import seats_left, window


def session_json(session: TrainingSession, left: int | None = None) -> dict:
    """A session; lists pass ``left`` from ``seats_left_of`` rather than count per session."""
    opens, closes = window(session)
    return {
        "id": session.id,
        "title": session.title,
        "year": session.year,
        "sequence": session.sequence,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "place": session.place,
        "on_site_days": session.on_site_days,
        "attendance_required": session.attendance_required,
        "weeks": session.weeks,
        "seats": session.seats,
        "seats_left": seats_left(session) if left is None else left,
        "applications_open": opens.isoformat() if opens else None,
        "applications_close": closes.isoformat(),
        "closed": session.closed_at is not None,
        "courses": [c.slug for c in session.courses],
        "instructors": [u.email for u in session.instructors],
        "questions": session.questions or [],
    }


def application_json(application: Application) -> dict:
    return {
        "id": application.id,
        "session": application.session_id,
        "user": application.user.email,
        "status": application.status,
        "country": application.country,
        "institution": application.institution,
        "created_at": application.created_at.isoformat(),
        "passport_name": application.passport_name,
        "nationality": application.nationality,
        "answers": application.answers or {},
        "decision_reason": application.decision_reason,
    }


def fellow_json(fellow: FellowProgress) -> dict:
    return {
        "email": fellow.user.email,
        "name": fellow.user.name,
        "country": fellow.application.country,
        "institution": fellow.application.institution,
        "modules_done": fellow.modules_done,
        "modules_total": fellow.modules_total,
        "quizzes_passed": fellow.quizzes_passed,
        "quizzes_total": fellow.quizzes_total,
        "completed": fellow.completed,
        "courses": [{"slug": c.slug, "modules_done": sorted(c.done), "complete": c.complete}
                    for c in fellow.courses],
    }
