"""The rules of training sessions: creating them, applying, deciding, withdrawing.

Seat limits hold under concurrency: every change to a session's cohort first
locks the session (a row lock on PostgreSQL; SQLite transactions take the
write lock when they begin), then counts.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..access import role_refusal
from ..accounts.countries import COUNTRY_CODES
from ..accounts.models import Role, User, UserRole
from ..accounts.services import users_by_email
from ..courses.models import Course
from ..database import lock_row, utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..exchanges.models import Exchange, ExchangeStatus
from ..exchanges.services import overlapping_of
from ..extensions import db
from ..fields import date_field
from ..links import external_url
from ..notifications.services import notify_user
from .labels import application_state
from .models import (
    Application,
    ApplicationDecision,
    ApplicationStatus,
    SessionCourse,
    SessionInstructor,
    TrainingSession,
)

DECISIONS: dict[str, ApplicationStatus] = {ApplicationDecision.ACCEPT: ApplicationStatus.ACCEPTED,
                                           ApplicationDecision.WAITLIST: ApplicationStatus.WAITLISTED,
                                           ApplicationDecision.REJECT: ApplicationStatus.REJECTED}


# ----------------------------------------------------------------- sessions

# A session's own application questions are admissions' rule, a domain above this one: it
# registers here how they are checked (raw list or the form's text, the session or None →
# clean list, or Invalid) and written as the form's text (institute/admissions/__init__.py).
# Until then a session takes no questions.
_questions_check: Callable[[object, TrainingSession | None], list[dict]] | None = None
_questions_text: Callable[[list[dict]], str] | None = None


def register_questions(check: Callable[[object, TrainingSession | None], list[dict]],
                       as_text: Callable[[list[dict]], str]) -> None:
    global _questions_check, _questions_text
    _questions_check, _questions_text = check, as_text


def questions_text(session: TrainingSession | None) -> str:
    """A session's questions as the session form edits them."""
    return _questions_text(session.questions or []) if session is not None and _questions_text else ""



def _int(value, field: str, details: list[dict], default=None) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        details.append({"field": field, "message": _("Not a whole number: %(v)s", v=value)})
        return None


def _session_values(data: dict, session: TrainingSession | None = None
                    ) -> tuple[dict, list[Course], list[tuple[User, int | None]]]:
    """Check every field of a session at once; returns clean values or raises Invalid."""
    details: list[dict] = []
    questions = None
    if data.get("questions") is not None and _questions_check is not None:
        try:
            questions = _questions_check(data["questions"], session)
        except Invalid as exc:
            details.extend(exc.details or [])
    title = str(data.get("title") or "").strip()
    if not title:
        details.append({"field": "title", "message": _("A title is required.")})
    year = _int(data.get("year"), "year", details)
    if year is not None and not 2000 <= year <= 2100:
        details.append({"field": "year", "message": _("The year must be between 2000 and 2100.")})
    sequence = _int(data.get("sequence"), "sequence", details, default=1)
    if sequence not in (None, 1, 2):
        details.append({"field": "sequence", "message": _("The sequence in the year is 1 or 2.")})
    seats = _int(data.get("seats"), "seats", details, default=15)
    if seats is not None and not 1 <= seats <= 10000:
        details.append({"field": "seats", "message": _("Seats must be at least 1.")})
    starts = date_field(data.get("starts_on"), "starts_on", details)
    ends = date_field(data.get("ends_on"), "ends_on", details)
    if starts and ends and ends < starts:
        details.append({"field": "ends_on", "message": _("The session cannot end before it starts.")})
    opens = date_field(data.get("applications_open"), "applications_open", details, required=False)
    closes = date_field(data.get("applications_close"), "applications_close", details, required=False)
    if opens and closes and closes < opens:
        details.append({"field": "applications_close",
                        "message": _("Applications cannot close before they open.")})
    on_site = _int(data.get("on_site_days"), "on_site_days", details)
    if on_site is not None and starts and ends and not 0 <= on_site <= (ends - starts).days + 1:
        details.append({"field": "on_site_days",
                        "message": _("The days on site are between 0 and the session's %(n)s days.",
                                     n=(ends - starts).days + 1)})
    attendance = _int(data.get("attendance_required"), "attendance_required", details)
    if attendance is not None and not 1 <= attendance <= 100:
        details.append({"field": "attendance_required",
                        "message": _("The attendance required is a share between 1 and 100%.")})
    courses = _courses(data.get("courses") or [], details)
    instructors = _instructors(data.get("instructors") or [], details, starts, ends)
    if details:
        raise Invalid(details=details)
    values: dict = dict(title=title[:200], year=year, sequence=sequence, seats=seats, starts_on=starts,
                  ends_on=ends, applications_open=opens, applications_close=closes,
                  place=str(data.get("place") or "").strip()[:200], on_site_days=on_site,
                  attendance_required=attendance, description=str(data.get("description") or "").strip())
    if questions is not None:  # left out: the session keeps the questions it has
        values["questions"] = questions
    return values, courses, instructors


def _courses(slugs, details: list[dict]) -> list[Course]:
    if isinstance(slugs, str):
        slugs = [s for s in slugs.replace(",", " ").split() if s]
    slugs = [str(slug) for slug in slugs]
    # One statement for all of them, then the checks in the order given.
    found = {c.slug: c for c in db.session.scalars(sa.select(Course).where(Course.slug.in_(set(slugs))))} \
        if slugs else {}
    courses = []
    for slug in slugs:
        course = found.get(slug)
        if course is None:
            details.append({"field": "courses", "message": _("Unknown course: %(s)s", s=slug)})
        elif course.published_revision_id is None:
            details.append({"field": "courses", "message": _("Course %(s)s is not published.", s=slug)})
        elif course not in courses:
            courses.append(course)
    return courses


def _instructors(emails, details: list[dict], starts: date | None = None,
                 ends: date | None = None) -> list[tuple[User, int | None]]:
    """Each teacher with the exchange they teach through: None for the institute's
    instructors and admins, the approved exchange overlapping the session for a guest."""
    if isinstance(emails, str):
        emails = [e for e in emails.replace(",", " ").split() if e]
    emails = [str(email) for email in emails]
    # A fixed number of statements whatever the number of teachers: the accounts, then
    # the guests' approved exchanges over the session's dates.
    users = users_by_email(emails)
    guests = [u.id for u in users.values() if not u.has_role("instructor", "admin")]
    exchanges = overlapping_of(guests, starts, ends) if guests and starts and ends else {}
    teachers: list[tuple[User, int | None]] = []
    for email in emails:
        user = users.get(email)
        staff = user is not None and user.has_role("instructor", "admin")
        exchange = None
        if user is not None and not staff:
            exchange = next(iter(exchanges.get(user.id, ())), None)
        if user is None or not (staff or exchange):
            details.append({"field": "instructors",
                            "message": _("%(e)s is neither an instructor nor a guest teacher on an "
                                         "approved exchange at that time.", e=email)})
        elif all(user.id != known.id for known, _exchange in teachers):
            teachers.append((user, exchange.id if exchange else None))  # staff teach through none
    return teachers


def teacher_candidates(session: TrainingSession | None = None,
                       today: date | None = None) -> list[tuple[User, Exchange | None]]:
    """Who may be chosen to teach a session, each with the exchange a guest comes on: the
    institute's instructors; guest teachers on an approved exchange that overlaps the
    session (that has not ended, for a new session); whoever teaches it already."""
    today = today or date.today()
    exchanges = sa.select(Exchange).where(Exchange.status == ExchangeStatus.APPROVED, Exchange.ends_on >= today)
    if session is not None:
        exchanges = sa.select(Exchange).where(Exchange.status == ExchangeStatus.APPROVED,
                                              Exchange.ends_on >= session.starts_on,
                                              Exchange.starts_on <= session.ends_on)
    # The database picks the candidates (a subquery each, no list of ids passed back and
    # forth); the exchanges come without their teachers, who are the users read next.
    guests = exchanges.with_only_columns(Exchange.teacher_id)
    guest_exchanges = {e.teacher_id: e for e in db.session.scalars(
        exchanges.options(sa.orm.lazyload(Exchange.teacher), sa.orm.lazyload(Exchange.course_links))
        .order_by(Exchange.starts_on))}
    chosen = sa.select(SessionInstructor.user_id).where(
        SessionInstructor.session_id == (session.id if session else None))
    instructors = sa.select(UserRole.user_id).where(UserRole.role == Role.INSTRUCTOR)
    users = db.session.scalars(sa.select(User).where(
        User.active.is_(True),
        sa.or_(User.id.in_(instructors), User.id.in_(guests), User.id.in_(chosen)))
        .order_by(User.name)).unique()
    return [(user, None if user.has_role("instructor", "admin") else guest_exchanges.get(user.id))
            for user in users]


def create_session(data: dict) -> TrainingSession:
    values, courses, instructors = _session_values(data)
    if db.session.scalar(sa.select(TrainingSession.id).where(
            TrainingSession.year == values["year"], TrainingSession.sequence == values["sequence"])):
        raise Conflict(_("Session %(y)s-%(s)s already exists.", y=values["year"], s=values["sequence"]),
                       details=[{"field": "sequence"}])
    session = TrainingSession(**values)
    _set_links(session, courses, instructors)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TrainingSession, data: dict) -> TrainingSession:
    values, courses, instructors = _session_values(data, session)
    clash = db.session.scalar(sa.select(TrainingSession.id).where(
        TrainingSession.year == values["year"], TrainingSession.sequence == values["sequence"],
        TrainingSession.id != session.id))
    if clash:
        raise Conflict(_("Session %(y)s-%(s)s already exists.", y=values["year"], s=values["sequence"]))
    if values["seats"] < accepted_count(session):
        raise Conflict(_("The cohort already has more fellows than %(n)s seats.", n=values["seats"]))
    for key, value in values.items():
        setattr(session, key, value)
    _set_links(session, courses, instructors)
    db.session.flush()
    return session


def _set_links(session, courses, teachers) -> None:
    # A guest teacher gets no role: the link and its exchange are their rights (teaches()).
    session.course_links = [SessionCourse(course=c, position=i) for i, c in enumerate(courses)]
    session.instructor_links = [SessionInstructor(user=u, exchange_id=exchange_id)
                                for u, exchange_id in teachers]


def close_session(session: TrainingSession) -> None:
    """No more applications or decisions; the cohort stays as it is."""
    if session.closed_at is None:
        session.closed_at = utcnow()
        db.session.flush()


def get_session(session_id: int) -> TrainingSession:
    # The instructors on first reading, not with every session: the cohort, gradebook and
    # fellow pages never show them, and a page that does reads them in as many statements.
    session = db.session.get(TrainingSession, session_id,
                             options=[sa.orm.lazyload(TrainingSession.instructor_links)])
    if session is None:
        raise NotFound(_("No such training session."))
    return session


def list_sessions(upcoming_only: bool = False, today: date | None = None,
                  ids: set[int] | None = None) -> list[TrainingSession]:
    """Sessions, newest first (those not over and not closed; those of ``ids``), with their
    courses' published revisions: the lists show each course's title."""
    stmt = (sa.select(TrainingSession).order_by(TrainingSession.starts_on.desc())
            .options(sa.orm.selectinload(TrainingSession.course_links).joinedload(SessionCourse.course)
                     .selectinload(Course.published)))
    if ids is not None:
        stmt = stmt.where(TrainingSession.id.in_(ids))
    if upcoming_only:
        stmt = stmt.where(TrainingSession.ends_on >= (today or date.today()),
                          TrainingSession.closed_at.is_(None))
    return list(db.session.scalars(stmt))


def window(session: TrainingSession) -> tuple[date | None, date]:
    """When applications are taken: from opening (or now) until closing (or the start)."""
    return session.applications_open, session.applications_close or session.starts_on


def is_open(session: TrainingSession, today: date | None = None) -> bool:
    today = today or date.today()
    opens, closes = window(session)
    return session.closed_at is None and (opens is None or opens <= today) and today <= closes


def open_calls(today: date | None = None) -> list[tuple[TrainingSession, date, int]]:
    """The sessions taking applications today, soonest deadline first, each with its
    deadline and its seats left: the home page's open calls. A fixed number of
    statements whatever the number of sessions."""
    today = today or date.today()
    sessions = [s for s in list_sessions(upcoming_only=True, today=today) if is_open(s, today)]
    seats = seats_left_of(sessions)
    return sorted(((s, window(s)[1], seats[s.id]) for s in sessions), key=lambda call: (call[1], call[0].id))


def _teaching_links(user_id: int, today: date | None = None):
    """The user's instructor links in force today: an instructor's always, a guest
    teacher's while their exchange is approved and under way. The one rule of who
    teaches; every right over a session's cohort, gradebook and grading follows it."""
    today = today or date.today()
    exchange_in_force = sa.select(Exchange.id).where(
        Exchange.status == ExchangeStatus.APPROVED, Exchange.starts_on <= today, Exchange.ends_on >= today)
    return sa.select(SessionInstructor.session_id).where(
        SessionInstructor.user_id == user_id,
        sa.or_(SessionInstructor.exchange_id.is_(None), SessionInstructor.exchange_id.in_(exchange_in_force)))


def taught_session_ids(user: User | None, today: date | None = None) -> set[int]:
    """The sessions the user teaches today."""
    if user is None or not user.is_authenticated:
        return set()
    return set(db.session.scalars(_teaching_links(user.id, today)))


def teaches(user: User | None, session: TrainingSession, today: date | None = None) -> bool:
    return session.id in taught_session_ids(user, today)


def may_manage_cohort(user: User | None, session: TrainingSession) -> bool:
    """Admins, and the session's teachers, see its cohort and gradebook."""
    return user is not None and user.is_authenticated and (user.has_role("admin") or teaches(user, session))


def in_cohort(user: User | None, session: TrainingSession) -> bool:
    """The user is an accepted fellow of the session."""
    return user is not None and user.is_authenticated and db.session.scalars(
        sa.select(sa.func.count()).select_from(Application).where(
            Application.session_id == session.id, Application.user_id == user.id,
            Application.status == ApplicationStatus.ACCEPTED)).one() > 0


def cohort_members(session: TrainingSession, active_only: bool = False) -> list[User]:
    """The session's accepted fellows by name (``active_only``: those who can still log in)."""
    query = sa.select(User).join(Application, Application.user_id == User.id).where(
        Application.session_id == session.id, Application.status == ApplicationStatus.ACCEPTED)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.id)).unique())


def takes_part(user: User | None, session: TrainingSession) -> bool:
    """The session's people: its cohort, its teachers (guests while their exchange
    lasts) and admins. They alone see its schedule and its life."""
    return may_manage_cohort(user, session) or in_cohort(user, session)


SessionPurpose = Literal["read", "take-part", "cohort", "gradebook", "manage"]


def session_for(session_id: int, actor: User | None, purpose: SessionPurpose = "read") -> TrainingSession:
    """Load a session for what the actor wants of it, or refuse: anyone reads it; its
    people (``takes_part``) take part in its life; its staff (admins and its teachers)
    see its cohort and gradebook; admins manage it."""
    if purpose == "manage" and not (actor is not None and actor.is_authenticated and actor.has_role("admin")):
        raise role_refusal()  # before loading, as the admin pages' and routes' role check
    session = get_session(session_id)
    if purpose == "take-part" and not takes_part(actor, session):
        raise Forbidden(_("Only the session's fellows, instructors and admins take part in it."))
    if purpose in ("cohort", "gradebook") and not may_manage_cohort(actor, session):
        if purpose == "gradebook":
            raise Forbidden(_("Only the session's instructors and admins see its gradebook."))
        raise Forbidden(_("Only the session's instructors and admins see its cohort."))
    return session


def fellow_progress_for(session: TrainingSession, fellow_id: int, actor: User | None) -> None:
    """A fellow sees their own progress; the session's staff see everyone's."""
    if not (actor is not None and actor.is_authenticated and actor.id == fellow_id) \
            and not may_manage_cohort(actor, session):
        raise Forbidden(_("Only the session's instructors and admins see its cohort."))


# -------------------------------------------------------------- applications


def accepted_count(session: TrainingSession) -> int:
    return db.session.scalars(sa.select(sa.func.count()).select_from(Application).where(
        Application.session_id == session.id, Application.status == ApplicationStatus.ACCEPTED)).one()


def accepted_counts(sessions: list[TrainingSession]) -> dict[int, int]:
    """The size of each session's cohort, in one statement."""
    ids = [s.id for s in sessions]
    counts: dict[int, int] = {session_id: count for session_id, count in db.session.execute(
        sa.select(Application.session_id, sa.func.count()).where(
            Application.session_id.in_(ids), Application.status == ApplicationStatus.ACCEPTED)
        .group_by(Application.session_id))} if ids else {}
    return {session_id: counts.get(session_id, 0) for session_id in ids}


def seats_left(session: TrainingSession) -> int:
    """The seats not taken by accepted fellows: what pages show and accepting may fill."""
    return max(session.seats - accepted_count(session), 0)


def seats_left_of(sessions: list[TrainingSession]) -> dict[int, int]:
    """``seats_left`` of each session, in one statement: for lists."""
    counts = accepted_counts(sessions)
    return {s.id: max(s.seats - counts[s.id], 0) for s in sessions}


def _lock(session: TrainingSession) -> TrainingSession:
    """Serialise changes to one session's cohort (see the module's docstring)."""
    lock_row(TrainingSession, session.id)
    return session


def get_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(_("No such application."))
    return application


ApplicationPurpose = Literal["read", "withdraw", "decide", "review", "confirm", "invitation"]


def application_for(application_id: int, actor: User | None,
                    purpose: ApplicationPurpose = "withdraw") -> Application:
    """Load an application for the actor, or refuse: the applicant and admins read it (its
    answers and files) and withdraw it, admins decide and review it; the applicant alone
    confirms or declines an offer ("confirm"); the applicant and admins download the
    invitation letter ("invitation"). Someone else's application is unknown to a fellow; an
    instructor or a stranger is refused it."""
    if purpose in ("decide", "review"):
        if not (actor is not None and actor.is_authenticated and actor.has_role("admin")):
            raise role_refusal()  # before loading, as the admin routes' role check
    application = get_application(application_id)
    if purpose == "read":
        if actor is None or not actor.is_authenticated:
            raise role_refusal()
        if actor.id != application.user_id and not actor.has_role("admin"):
            if actor.has_role("trainee") and not actor.has_role("instructor"):
                raise NotFound(_("No such application."))  # a fellow learns nothing of others'
            raise role_refusal()
    elif purpose == "confirm":
        if not (actor is not None and actor.is_authenticated and actor.id == application.user_id):
            raise Forbidden(_("Only the applicant confirms or declines the offer of a seat."))
    elif purpose == "invitation":
        if not (actor is not None and actor.is_authenticated and
                (actor.id == application.user_id or actor.has_role("admin"))):
            raise Forbidden(_("Only the applicant and admins download the invitation letter."))
    elif purpose == "withdraw":
        check_may_withdraw(actor, application)
    return application


def check_may_withdraw(actor: User | None, application: Application, today: date | None = None) -> None:
    """The applicant or an admin withdraws; once the session has started a fellow of its
    cohort leaves only through an admin (who knows about visas, travel and seats)."""
    if actor is None or not actor.is_authenticated or \
            (actor.id != application.user_id and not actor.has_role("admin")):
        raise Forbidden(_("Only the applicant or an admin can withdraw an application."))
    if not actor.has_role("admin") and application.status == ApplicationStatus.ACCEPTED and \
            application.session.starts_on <= (today or date.today()):
        raise Forbidden(_("The session has started: to leave it, write to the institute, "
                          "whose admins can withdraw you."))


def may_withdraw(actor: User | None, application: Application) -> bool:
    try:
        check_may_withdraw(actor, application)
    except Forbidden:
        return False
    return application.status in (ApplicationStatus.APPLIED, ApplicationStatus.WAITLISTED,
                                  ApplicationStatus.ACCEPTED)


def applications_of(session: TrainingSession) -> list[Application]:
    return list(db.session.scalars(sa.select(Application).where(
        Application.session_id == session.id).order_by(Application.created_at, Application.id)))


def my_applications(user: User) -> list[Application]:
    """The user's applications, newest first, with their sessions (the dashboard names them)."""
    return list(db.session.scalars(sa.select(Application).where(Application.user_id == user.id)
                                   .options(sa.orm.selectinload(Application.session))
                                   .order_by(Application.created_at.desc())))


def apply(session: TrainingSession, user: User, motivation: str, country: str | None = None,
          institution: str = "", today: date | None = None, *, passport_name: str = "",
          nationality: str | None = None, answers: dict | None = None,
          problems: list[dict] | None = None) -> Application:
    """A fellow applies once per session, inside the application window.

    The answers to the session's own questions, the passport name and the nationality are
    checked by admissions (``admissions.services.apply``), which passes the ``problems`` it
    found so that every problem of the form is told at once."""
    if not user.has_role("trainee"):
        raise Forbidden(_("Only fellows apply to training sessions."))
    if session.closed_at is not None:
        raise Conflict(_("This session is closed."))
    if not is_open(session, today):
        opens, closes = window(session)
        raise Conflict(_("Applications are taken from %(o)s to %(c)s.",
                         o=opens.isoformat() if opens else "—", c=closes.isoformat()))
    details: list[dict] = list(problems or [])
    motivation = (motivation or "").strip()
    if len(motivation) < 20:
        details.append({"field": "motivation",
                        "message": _("Tell us in a few sentences why you apply (20 characters at least).")})
    country = (country or user.country or "").strip().upper() or None
    if country and country not in COUNTRY_CODES:
        details.append({"field": "country", "message": _("Unknown country code: %(code)s", code=country)})
    if details:
        raise Invalid(details=details)
    if db.session.scalar(sa.select(Application.id).where(
            Application.session_id == session.id, Application.user_id == user.id)):
        raise Conflict(_("You have already applied to this session."))
    application = Application(session_id=session.id, user_id=user.id, motivation=motivation[:5000],
                              country=country,
                              institution=(institution or (user.partner.name if user.partner else ""))[:200],
                              passport_name=(passport_name or "").strip()[:200], nationality=nationality,
                              answers=answers or {})
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict(_("You have already applied to this session.")) from exc
    notify_user(user, "application-received", "training/email/application_received.txt",
                _l("Application received: %(t)s", t=session.title), session=session,
                link=external_url("training.session", session_id=session.id))
    return application


def decide(application: Application, decision: str, admin: User, reason: str = "") -> Application:
    """Accept, waitlist or reject; accepting never exceeds the seat limit."""
    return decide_many(application.session, [application.id], decision, admin, reason)[0]


def decide_many(session: TrainingSession, application_ids: list[int], decision: str,
                admin: User, reason: str = "") -> list[Application]:
    """Decide several applications of one session at once, all or none. A rejection may
    carry a ``reason`` the applicant reads (on the session page and in the email)."""
    if decision not in DECISIONS:
        raise Invalid(details=[{"field": "decision", "message": _("Decide accept, waitlist or reject.")}])
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise Invalid(details=[{"field": "reason", "message": _("The reason has at most 2000 characters.")}])
    if session.closed_at is not None:
        raise Conflict(_("This session is closed."))
    _lock(session)
    applications = list(db.session.scalars(
        sa.select(Application).where(Application.session_id == session.id,
                                     Application.id.in_(application_ids))
        .order_by(Application.created_at, Application.id)
        .execution_options(populate_existing=True)))  # read again after the lock
    if len(applications) != len(set(application_ids)):
        raise NotFound(_("No such application in this session."))
    status = DECISIONS[decision]
    if any(a.status == ApplicationStatus.WITHDRAWN for a in applications):
        raise Conflict(_("A withdrawn application cannot be decided."))
    changing = [a for a in applications if a.status != status]
    if status == ApplicationStatus.ACCEPTED:
        left = seats_left(session)
        if len(changing) > left:
            raise Conflict(ngettext("The session is full: %(num)d seat left.",
                                    "The session is full: %(num)d seats left.", left))
    freed = sum(1 for a in changing if a.status == ApplicationStatus.ACCEPTED)
    for application in changing:
        application.status = status
        application.decided_at = utcnow()
        application.decided_by_id = admin.id
        application.decision_reason = reason if status == ApplicationStatus.REJECTED else ""
        if status == ApplicationStatus.ACCEPTED:
            _offer(application)
        _tell_decision(application)
    db.session.flush()
    for _seat in range(freed):
        _promote(session)
    return applications


def _tell_decision(application: Application) -> None:
    session = application.session
    notify_user(application.user, f"application-{application.status}", "training/email/decision.txt",
                _l("Your application to %(t)s", t=session.title), session=session, status=application.status,
                reason=application.decision_reason,
                deadline=application.offer_expires_at,
                courses=", ".join(c.published.title if c.published else c.slug for c in session.courses),
                link=external_url("training.session", session_id=session.id),
                sessions_link=external_url("training.sessions"))


def offer_deadline(session: TrainingSession, offered_at: datetime) -> datetime:
    """Until when an offer made at ``offered_at`` holds its seat unconfirmed: the session's
    ``offer_days`` later, but never after the session starts (midnight UTC of its first
    day), and still at least a day for an offer made later than the day before the start."""
    starts = datetime.combine(session.starts_on, time(), tzinfo=UTC)
    deadline = min(offered_at + timedelta(days=session.offer_days), starts)
    return max(deadline, offered_at + timedelta(days=1)).replace(microsecond=0)


def _offer(application: Application) -> None:
    """An accepted application is an offer: its seat is held until the deadline, for the
    fellow to confirm (institute.admissions.offers confirms, declines and lapses it)."""
    application.offer_expires_at = offer_deadline(application.session, application.decided_at or utcnow())
    application.offer_reminded_at = None
    application.confirmed_at = None


def _promote(session: TrainingSession) -> Application | None:
    """Give a free seat to the oldest waitlisted application, and tell that fellow."""
    if seats_left(session) == 0:
        return None
    oldest = db.session.scalar(sa.select(Application).where(
        Application.session_id == session.id, Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Application.created_at, Application.id).limit(1))
    if oldest is None:
        return None
    oldest.status = ApplicationStatus.ACCEPTED
    oldest.decided_at = utcnow()
    _offer(oldest)
    db.session.flush()
    notify_user(oldest.user, "application-promoted", "training/email/promoted.txt",
                _l("A seat is free for you: %(t)s", t=session.title), session=session,
                deadline=oldest.offer_expires_at,
                link=external_url("training.session", session_id=session.id))
    return oldest


def withdraw(application: Application, actor: User) -> Application:
    """The applicant or an admin withdraws; a freed seat goes to the oldest waitlisted."""
    check_may_withdraw(actor, application)
    session = _lock(application.session)
    db.session.refresh(application)
    if application.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED):
        raise Conflict(_("This application is already %(s)s.", s=application_state(application.status)))
    was = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.decided_at = utcnow()
    db.session.flush()
    promoted = _promote(session) if was == ApplicationStatus.ACCEPTED else None
    _tell_withdrawal(application, actor, was, promoted)
    return application


def _tell_withdrawal(application: Application, actor: User, was: str, promoted: Application | None) -> None:
    """A fellow's own withdrawal is told to the admins; an admin's, to the fellow."""
    session = application.session
    if actor.id != application.user_id:
        notify_user(application.user, "withdrawn-by-admin", "training/email/withdrawn_by_admin.txt",
                    _l("Your application to %(t)s is withdrawn", t=session.title), session=session,
                    link=external_url("training.session", session_id=session.id))
        return
    admins = db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)).unique()
    for admin in admins:
        notify_user(admin, "withdrawal", "training/email/withdrawal.txt",
                    _l("Withdrawal from %(t)s: %(name)s", t=session.title, name=application.user.name),
                    session=session, fellow=application.user, was=was, promoted=promoted,
                    link=external_url("admissions.applications", session_id=session.id))


# ------------------------------------------------------------ who studies what


def studies(user: User, course_id: int) -> bool:
    """The user is an accepted fellow of a session that has this course."""
    return db.session.scalars(sa.select(sa.func.count()).select_from(Application).join(
        SessionCourse, SessionCourse.session_id == Application.session_id).where(
        Application.user_id == user.id, Application.status == ApplicationStatus.ACCEPTED,
        SessionCourse.course_id == course_id)).one() > 0


def taught_course_ids(user: User) -> list[int] | None:
    """Courses of the sessions the user teaches; None for admins (every course)."""
    if user.has_role("admin"):
        return None
    return list(db.session.scalars(sa.select(SessionCourse.course_id).distinct().where(
        SessionCourse.session_id.in_(_teaching_links(user.id)))))


def grading_scope(user: User) -> list[tuple[int, int]] | None:
    """(course id, fellow id) pairs the user may grade: the fellows of the sessions they
    teach, in those sessions' courses. None for admins (everything)."""
    if user.has_role("admin"):
        return None
    return [tuple(row) for row in db.session.execute(
        sa.select(SessionCourse.course_id, Application.user_id).distinct()
        .join(Application, Application.session_id == SessionCourse.session_id)
        .where(SessionCourse.session_id.in_(_teaching_links(user.id)),
               Application.status == ApplicationStatus.ACCEPTED))]


def may_grade(user: User, course_id: int, fellow_id: int | None = None) -> bool:
    """Admins grade everything; instructors the fellows of the sessions they teach.

    Without a fellow: whether the user teaches this course in some session (to see a
    quiz's statistics, say).
    """
    scope = grading_scope(user)
    if scope is None:
        return True
    if fellow_id is None:
        return course_id in (taught_course_ids(user) or [])
    return (course_id, fellow_id) in scope


def grading_cohort(user: User, session_id: int, course_id: int) -> list[int] | None:
    """The accepted fellows of the session, if the user grades them in this course: an
    admin, or a teacher of the session; and the session has the course. None otherwise."""
    has_course = db.session.scalar(sa.select(SessionCourse.session_id).where(
        SessionCourse.session_id == session_id, SessionCourse.course_id == course_id))
    if has_course is None:
        return None
    if not user.has_role("admin") and session_id not in taught_session_ids(user):
        return None
    return list(db.session.scalars(sa.select(Application.user_id).where(
        Application.session_id == session_id, Application.status == ApplicationStatus.ACCEPTED)
        .order_by(Application.user_id)))


def grading_session(user: User, fellow_id: int, course_id: int) -> int | None:
    """The latest session with this course in which the user grades this fellow, or None."""
    stmt = (sa.select(SessionCourse.session_id)
            .join(Application, Application.session_id == SessionCourse.session_id)
            .join(TrainingSession, TrainingSession.id == SessionCourse.session_id)
            .where(SessionCourse.course_id == course_id, Application.user_id == fellow_id,
                   Application.status == ApplicationStatus.ACCEPTED)
            .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc()).limit(1))
    if not user.has_role("admin"):
        stmt = stmt.where(SessionCourse.session_id.in_(_teaching_links(user.id)))
    return db.session.scalar(stmt)


def sessions_awaiting_decisions() -> list[tuple[TrainingSession, int]]:
    """Sessions with applications no admin has decided yet, and how many: the admin's queue."""
    rows = db.session.execute(
        sa.select(TrainingSession, sa.func.count(Application.id))
        .join(Application, Application.session_id == TrainingSession.id)
        .where(Application.status == ApplicationStatus.APPLIED)
        .group_by(TrainingSession.id).order_by(TrainingSession.starts_on))
    return [(session, count) for session, count in rows]
