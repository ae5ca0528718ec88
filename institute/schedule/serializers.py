"""Events and attendance as the API gives them."""

from ..links import external_url
from ..training.models import TrainingSession
from .models import Event
from .services import attendance_of, cohort_of, session_of, session_quizzes


def event_json(event: Event, quizzes: dict | None = None) -> dict:
    """An event; lists pass their session's ``session_quizzes`` rather than look them up per event."""
    if event.quiz_key and quizzes is None:
        quizzes = session_quizzes(session_of(event))
    return {
        "id": event.id, "session": event.session_id, "title": event.title, "kind": event.kind,
        "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat(),
        "place": event.place, "description": event.description, "sequence": event.sequence,
        "cancelled": event.cancelled_at is not None,
        "url": external_url("schedule.event", event_id=event.id),
        "quiz": (quizzes or {}).get(event.quiz_key, (None,))[0] if event.quiz_key else None,
    }


def attendance_json(event: Event, session: TrainingSession) -> dict:
    marks = attendance_of(event)
    return {"event": event.id,
            "attendance": {user.email: marks[user.id].presence if user.id in marks else None
                           for user in cohort_of(session)}}
