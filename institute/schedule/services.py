"""The rules of a session's schedule: who sees and plans its events, their checks,
each user's calendar, and attendance at on-site events."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..accounts.services import users_by_email
from ..courses.models import Quiz
from ..database import among, utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..quizzes.attempts import quiz_key
from ..training.models import Application, ApplicationStatus, TrainingSession
from ..training.progress import MissingKind, Standing
from ..training.services import cohort_members, may_manage_cohort, session_for, takes_part, taught_session_ids
from .models import Attendance, Event, EventKind, Presence

EventPurpose = Literal["read", "plan"]

LONGEST_EVENT = timedelta(days=62)  # a field trip of weeks, not a typo of a year


# ------------------------------------------------------------------- access


def schedule_for(session_id: int, actor: User | None, purpose: EventPurpose = "read") -> TrainingSession:
    """A session whose schedule the actor reads (its people) or plans (its staff)."""
    return session_for(session_id, actor, "take-part" if purpose == "read" else "cohort")


def event_for(event_id: int, actor: User | None, purpose: EventPurpose = "read") -> Event:
    """Load an event for the actor: its session's people read it; its staff plan it and
    take its attendance."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    session = session_of(event)
    allowed = takes_part(actor, session) if purpose == "read" else may_manage_cohort(actor, session)
    if not allowed:
        if purpose == "read":
            raise Forbidden(_("Only the session's fellows, instructors and admins take part in it."))
        raise Forbidden(_("Only the session's instructors and admins plan its schedule."))
    return event


def session_of(event: Event) -> TrainingSession:
    session = db.session.get(TrainingSession, event.session_id)
    assert session is not None  # the foreign key holds it
    return session


def may_plan(actor: User | None, session: TrainingSession) -> bool:
    """Whether pages offer to add and change events: the same rule as ``event_for``'s."""
    return may_manage_cohort(actor, session)


# ------------------------------------------------------------------- events


def _moment(value, field: str, details: list[dict], zone) -> datetime | None:
    """An ISO 8601 time; without an offset it is read in ``zone`` (the form's user's)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            details.append({"field": field, "message": _("Not a date and time: %(v)s", v=value)})
            return None
    if moment.tzinfo is None:
        if zone is None:
            details.append({"field": field, "message": _("Give the time with its offset from UTC.")})
            return None
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def session_quizzes(session: TrainingSession) -> dict[str, tuple[int, str]]:
    """The quizzes a deadline of this session may close: key → (quiz id, title), from the
    published revisions of its courses."""
    found: dict[str, tuple[int, str]] = {}
    for course in session.courses:
        if course.published is not None:
            for quiz in course.published.quizzes:
                found[quiz_key(quiz)] = (quiz.id, quiz.title)
    return found


def _quiz_key(value, session: TrainingSession | None, details: list[dict]) -> str | None:
    """A quiz given by id (of any revision of one of the session's courses), as its key."""
    if value in (None, "", 0):
        return None
    quiz = db.session.get(Quiz, value) if isinstance(value, int) else None
    if quiz is None and isinstance(value, str) and ":" in value:
        key = value  # the form sends the key itself
    elif quiz is not None:
        key = quiz_key(quiz)
    else:
        key = ""
    if session is None or key not in session_quizzes(session):
        details.append({"field": "quiz", "message": _("Not a quiz of this session's courses.")})
        return None
    return key


def _event_values(data: dict, zone=None, session: TrainingSession | None = None) -> dict:
    """Check every field of an event at once; clean values or Invalid."""
    details: list[dict] = []
    title = str(data.get("title") or "").strip()
    if not title:
        details.append({"field": "title", "message": _("A title is required.")})
    elif len(title) > 200:
        details.append({"field": "title", "message": _("At most %(n)s characters.", n=200)})
    kind = str(data.get("kind") or "")
    if kind not in set(EventKind):
        details.append({"field": "kind", "message": _("Choose lecture, field trip, deadline or other.")})
    starts = _moment(data.get("starts_at"), "starts_at", details, zone)
    if starts is None and not any(d["field"] == "starts_at" for d in details):
        details.append({"field": "starts_at", "message": _("A start is required.")})
    ends = _moment(data.get("ends_at"), "ends_at", details, zone)
    if ends is None and starts is not None and not any(d["field"] == "ends_at" for d in details):
        if kind == EventKind.DEADLINE:
            ends = starts  # a deadline is a moment
        else:
            details.append({"field": "ends_at", "message": _("An end is required.")})
    if starts and ends and ends < starts:
        details.append({"field": "ends_at", "message": _("An event cannot end before it starts.")})
    elif starts and ends and ends - starts > LONGEST_EVENT:
        details.append({"field": "ends_at", "message": _("An event lasts at most %(n)s days.", n=LONGEST_EVENT.days)})
    place = str(data.get("place") or "").strip()
    if len(place) > 200:
        details.append({"field": "place", "message": _("At most %(n)s characters.", n=200)})
    description = str(data.get("description") or "").strip()
    if len(description) > 10_000:
        details.append({"field": "description", "message": _("At most %(n)s characters.", n=10_000)})
    key = _quiz_key(data.get("quiz"), session, details)
    if key and kind != EventKind.DEADLINE:
        details.append({"field": "quiz", "message": _("Only a deadline closes a quiz.")})
    if details:
        raise Invalid(details=details)
    return dict(title=title, kind=kind, starts_at=starts, ends_at=ends, place=place, description=description,
                quiz_key=key)


def create_event(session: TrainingSession, actor: User, data: dict, zone=None) -> Event:
    """An event in a session's schedule; the caller has loaded the session to plan it."""
    event = Event(session_id=session.id, created_by_id=actor.id, **_event_values(data, zone, session))
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: dict, zone=None) -> Event:
    """Change an event; calendars see the change as the same event's next SEQUENCE."""
    merged = {**event_values(event), **data}
    if event.ends_at == event.starts_at and "ends_at" not in data:
        merged["ends_at"] = None  # a moment (a deadline) moves as a whole
    values = _event_values(merged, zone, session_of(event))
    changed = {k: v for k, v in values.items() if getattr(event, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(event, key, value)
        event.sequence += 1
        event.updated_at = utcnow()
    return event


def cancel_event(event: Event) -> Event:
    """Cancelled, not deleted: subscribed calendars are told, attendance is kept."""
    if event.cancelled_at is None:
        event.cancelled_at = utcnow()
        event.sequence += 1
        event.updated_at = event.cancelled_at
    return event


def event_values(event: Event) -> dict:
    return dict(title=event.title, kind=event.kind, starts_at=event.starts_at, ends_at=event.ends_at,
                place=event.place, description=event.description, quiz=event.quiz_key)


def session_events(session: TrainingSession, include_cancelled: bool = False) -> list[Event]:
    query = sa.select(Event).where(Event.session_id == session.id)
    if not include_cancelled:
        query = query.where(Event.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def sessions_of(user: User) -> list[int]:
    """The sessions whose schedule is the user's: those they study in or teach; an
    admin's are every session not yet over a month ago."""
    if user.has_role("admin"):
        since = date.today() - timedelta(days=31)
        return list(db.session.scalars(sa.select(TrainingSession.id).where(TrainingSession.ends_on >= since)))
    studied = db.session.scalars(sa.select(Application.session_id).where(
        Application.user_id == user.id, Application.status == ApplicationStatus.ACCEPTED))
    return sorted(set(studied) | taught_session_ids(user))


def calendar_of(user: User) -> list[tuple[Event, TrainingSession]]:
    """Every event of the user's sessions, cancelled ones included (a feed must say so)."""
    ids = sessions_of(user)
    if not ids:
        return []
    rows = db.session.execute(sa.select(Event, TrainingSession).join(
        TrainingSession, TrainingSession.id == Event.session_id).where(Event.session_id.in_(ids))
        .order_by(Event.starts_at, Event.id))
    return [(event, session) for event, session in rows]


def upcoming(user: User, days: int = 14, now: datetime | None = None) -> list[tuple[Event, TrainingSession]]:
    """The user's events of the next ``days`` days: their dashboard's "coming up"."""
    now = now or utcnow()
    ids = sessions_of(user)
    if not ids:
        return []
    rows = db.session.execute(sa.select(Event, TrainingSession).join(
        TrainingSession, TrainingSession.id == Event.session_id).where(
        Event.session_id.in_(ids), Event.cancelled_at.is_(None), Event.ends_at >= now,
        Event.starts_at <= now + timedelta(days=days)).order_by(Event.starts_at, Event.id).limit(20))
    return [(event, session) for event, session in rows]


def quiz_closes_at(user, quiz: Quiz) -> datetime | None:
    """When the quiz closes for this fellow: the latest deadline that closes it in the
    sessions they study in (None: open). Registered with quizzes.roster."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(sa.func.max(Event.ends_at)).join(
        Application, sa.and_(Application.session_id == Event.session_id, Application.user_id == user.id,
                             Application.status == ApplicationStatus.ACCEPTED))
        .where(Event.quiz_key == quiz_key(quiz), Event.cancelled_at.is_(None)))


# ---------------------------------------------------------------- attendance


def cohort_of(session: TrainingSession) -> list[User]:
    """Whose attendance is taken: every accepted fellow of the session."""
    return cohort_members(session)


def attendance_of(event: Event) -> dict[int, Attendance]:
    return {row.user_id: row for row in db.session.scalars(
        sa.select(Attendance).where(Attendance.event_id == event.id))}


def record_attendance(event: Event, marks: dict, actor: User) -> dict[int, Attendance]:
    """Record present / absent / excused for fellows of the event's session, by email or
    user id. All marks are checked before any is written."""
    if not event.on_site:
        raise Invalid(_("Attendance is taken at lectures and field trips."),
                      details=[{"field": "event", "message": _("Attendance is taken at lectures and field trips.")}])
    if event.cancelled_at is not None:
        raise Invalid(_("This event was cancelled."),
                      details=[{"field": "event", "message": _("This event was cancelled.")}])
    session = session_of(event)
    cohort = {user.id: user for user in cohort_of(session)}
    by_email = users_by_email([key for key in marks if isinstance(key, str) and "@" in key])
    details: list[dict] = []
    chosen: dict[int, str] = {}
    for key, presence in marks.items():
        user = by_email.get(key) if isinstance(key, str) and "@" in key else cohort.get(_as_id(key) or 0)
        if user is None or user.id not in cohort:
            details.append({"field": f"attendance.{key}", "message": _("Not a fellow of this session.")})
            continue
        if presence not in set(Presence):
            details.append({"field": f"attendance.{key}",
                            "message": _("Present, absent or excused.")})
            continue
        chosen[user.id] = presence
    if details:
        raise Invalid(details=details)
    existing = attendance_of(event)
    now = utcnow()
    for user_id, presence in chosen.items():
        row = existing.get(user_id)
        if row is None:
            row = existing[user_id] = Attendance(event_id=event.id, user_id=user_id, presence=presence,
                                                 recorded_at=now, recorded_by_id=actor.id)
            db.session.add(row)
        elif row.presence != presence:
            row.presence, row.recorded_at, row.recorded_by_id = presence, now, actor.id
    db.session.flush()
    return existing


def _as_id(key) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


@dataclass
class AttendanceRecord:
    """A fellow's attendance in one session: what they attended of the on-site events
    whose attendance was taken."""

    taken: int
    present: int
    excused: int

    @property
    def counted(self) -> int:
        return self.taken - self.excused  # an excused absence counts neither way

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.counted) if self.counted else None


def attendance_records(session: TrainingSession, user_ids: list[int]) -> dict[int, AttendanceRecord]:
    """Each fellow's record in the session."""
    records = _records([session.id], [(session.id, user_id) for user_id in user_ids])
    return {user_id: record for (_session_id, user_id), record in records.items()}


def _records(session_ids: list[int], pairs: list[tuple[int, int]]) -> dict[tuple[int, int], AttendanceRecord]:
    """Records of (session id, user id) pairs in two statements, however many sessions:
    events whose attendance was taken for anyone count for everyone of the cohort (not
    marked = absent)."""
    taken: dict[int, int] = {session_id: count for session_id, count in db.session.execute(
        sa.select(Event.session_id, sa.func.count(sa.distinct(Attendance.event_id)))
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.session_id.in_(session_ids), Event.cancelled_at.is_(None)).group_by(Event.session_id))}
    records = {pair: AttendanceRecord(taken.get(pair[0], 0), 0, 0) for pair in pairs}
    user_ids = sorted({user_id for _session_id, user_id in pairs})
    if taken and user_ids:
        for session_id, user_id, presence, count in db.session.execute(
                sa.select(Event.session_id, Attendance.user_id, Attendance.presence, sa.func.count())
                .join(Event, Event.id == Attendance.event_id)
                .where(Event.session_id.in_(session_ids), Event.cancelled_at.is_(None),
                       among(Attendance.user_id, user_ids))
                .group_by(Event.session_id, Attendance.user_id, Attendance.presence)):
            record = records.get((session_id, user_id))
            if record is not None and presence == Presence.PRESENT:
                record.present = count
            elif record is not None and presence == Presence.EXCUSED:
                record.excused = count
    return records


def attendance_requirement(sessions: list[TrainingSession], applications: list[Application]) -> dict:
    """Completion's attendance rule (registered with training.progress): in a session that
    requires a share, a fellow meets it when the share of the events taken they attended
    reaches it; before any attendance is taken, nobody does yet."""
    required = {s.id: s.attendance_required for s in sessions if s.attendance_required}
    concerned = [a for a in applications if a.session_id in required]
    if not concerned:
        return {}
    records = _records(sorted(required), [(a.session_id, a.user_id) for a in concerned])
    standings = {}
    for application in concerned:
        record, share = records[(application.session_id, application.user_id)], required[application.session_id]
        met = record.percent is not None and record.percent >= share
        standings[application.id] = [Standing(MissingKind.ATTENDANCE, record.percent, share, met)]
    return standings


def fellow_attendance(session: TrainingSession, user: User) -> list[tuple[Event, str | None]]:
    """A fellow's own record: each on-site event taken, with their mark (None: not marked)."""
    rows = db.session.execute(sa.select(Event, Attendance.presence).outerjoin(
        Attendance, sa.and_(Attendance.event_id == Event.id, Attendance.user_id == user.id)).where(
        Event.session_id == session.id, Event.cancelled_at.is_(None),
        Event.id.in_(sa.select(Attendance.event_id))).order_by(Event.starts_at))
    return [(event, presence) for event, presence in rows]
