"""Offers of a seat: an accepted application holds its seat until its deadline
(``training.services.offer_deadline``), for the fellow to confirm or decline.

A declined or lapsed offer frees the seat for the oldest waitlisted application, which
gets an offer of its own. Every change locks the session's row first and reads the
application again after the lock, as accepting does, so two admins accepting while a
fellow declines never give more seats than the session has, nor promote twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User, UserRole
from ..database import keep_writes, utcnow
from ..errors import Conflict
from ..extensions import db
from ..links import external_url
from ..notifications.services import notify_user
from ..training import services as training
from ..training.labels import application_state
from ..training.models import Application, ApplicationStatus, TrainingSession

# What an accepted application is, as pages and the admins' counts name it.
WAITING, CONFIRMED = "waiting", "confirmed"


def is_offer(application: Application) -> bool:
    """Accepted and not yet confirmed: the seat is held until the deadline."""
    return application.status == ApplicationStatus.ACCEPTED and application.confirmed_at is None


def is_confirmed(application: Application) -> bool:
    return application.status == ApplicationStatus.ACCEPTED and application.confirmed_at is not None


def is_expired(application: Application, now: datetime | None = None) -> bool:
    return is_offer(application) and application.offer_expires_at is not None and \
        application.offer_expires_at <= (now or utcnow())


def offer_state(application: Application) -> str | None:
    """waiting / confirmed for an accepted application, its status for a declined or a
    lapsed one, None otherwise: the admins' page and counts."""
    if application.status == ApplicationStatus.ACCEPTED:
        return CONFIRMED if application.confirmed_at is not None else WAITING
    if application.status in (ApplicationStatus.DECLINED, ApplicationStatus.LAPSED):
        return application.status
    return None


def offer_counts(applications: list[Application]) -> dict[str, int]:
    """How many offers wait, are confirmed, were declined, lapsed (the admins' page)."""
    counts = {WAITING: 0, CONFIRMED: 0, ApplicationStatus.DECLINED: 0, ApplicationStatus.LAPSED: 0}
    for application in applications:
        state = offer_state(application)
        if state is not None:
            counts[state] += 1
    return counts


def _locked(application: Application) -> Application:
    """The application read again once its session is locked (another transaction may
    have changed it meanwhile)."""
    training._lock(application.session)
    db.session.refresh(application)
    return application


def _check_offer(application: Application) -> None:
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict(_("There is no offer to answer: the application is %(s)s.",
                         s=application_state(application.status)))
    if application.confirmed_at is not None:
        raise Conflict(_("You have confirmed your seat already; to give it up, withdraw."))


def confirm(application: Application, actor: User, now: datetime | None = None) -> Application:
    """The applicant takes the seat, before the deadline. After it, the offer lapses
    there and then (that stands) and the answer is a conflict."""
    now = now or utcnow()
    training.application_for(application.id, actor, "confirm")
    application = _locked(application)
    _check_offer(application)
    if is_expired(application, now):
        _lapse(application, now)
        keep_writes()  # the lapse stands; only the late confirmation is refused
        raise Conflict(_("The offer lapsed on %(d)s: the seat could not be held any longer. "
                         "Write to the institute if you still wish to come.",
                         d=_when(application.offer_expires_at)))
    application.confirmed_at = now
    db.session.flush()
    return application


def decline(application: Application, actor: User, now: datetime | None = None) -> Application:
    """The applicant turns the offer down; the seat goes to the oldest waitlisted."""
    now = now or utcnow()
    training.application_for(application.id, actor, "confirm")
    application = _locked(application)
    _check_offer(application)
    application.status = ApplicationStatus.DECLINED
    application.decided_at = now
    db.session.flush()
    promoted = training._promote(application.session)
    _tell_admins(application, "offer-declined", "admissions/email/offer_declined.txt",
                 _l("Offer declined for %(t)s: %(name)s", t=application.session.title,
                    name=application.user.name), promoted)
    return application


def lapse_if_expired(application: Application, now: datetime | None = None) -> bool:
    """Lapse this one offer if its deadline has passed (the seat goes on); True if it did."""
    now = now or utcnow()
    application = _locked(application)
    if not is_expired(application, now):
        return False
    _lapse(application, now)
    return True


def _lapse(application: Application, now: datetime) -> Application | None:
    """Lapse a locked, expired offer and give its seat on; the promoted application."""
    application.status = ApplicationStatus.LAPSED
    application.decided_at = now
    db.session.flush()
    promoted = training._promote(application.session)
    notify_user(application.user, "offer-lapsed", "admissions/email/offer_lapsed.txt",
                _l("Your offer for %(t)s has lapsed", t=application.session.title),
                session=application.session, deadline=application.offer_expires_at,
                link=external_url("training.session", session_id=application.session_id))
    return promoted


def _tell_admins(application: Application, kind: str, template: str, subject, promoted) -> None:
    admins = db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)).unique()
    for admin in admins:
        notify_user(admin, kind, template, subject, session=application.session, fellow=application.user,
                    promoted=promoted,
                    link=external_url("admissions.applications", session_id=application.session_id))


def _when(moment: datetime | None) -> str:
    return format_datetime(moment) if moment else "—"


@dataclass
class LapseResult:
    lapsed: list[Application]
    promoted: list[Application]


def _expired_ids(now: datetime) -> list[tuple[int, int]]:
    return list(db.session.execute(sa.select(Application.session_id, Application.id).where(
        Application.status == ApplicationStatus.ACCEPTED, Application.confirmed_at.is_(None),
        Application.offer_expires_at <= now).order_by(Application.session_id, Application.id)).tuples())


def lapse_expired(now: datetime | None = None) -> LapseResult:
    """Lapse every expired unconfirmed offer and give the seats on (``flask admissions
    lapse-offers``, from cron). Each session is locked, its offers read again: running
    it twice, or beside a fellow confirming, lapses each offer once."""
    now = now or utcnow()
    result = LapseResult([], [])
    by_session: dict[int, list[int]] = {}
    for session_id, application_id in _expired_ids(now):
        by_session.setdefault(session_id, []).append(application_id)
    for session_id, ids in by_session.items():
        session = db.session.get(TrainingSession, session_id)
        if session is None:
            continue
        training._lock(session)
        for application in db.session.scalars(sa.select(Application).where(Application.id.in_(ids))
                                              .execution_options(populate_existing=True)):
            if is_expired(application, now):  # still so, after the lock
                result.lapsed.append(application)
                promoted = _lapse(application, now)
                if promoted is not None:
                    result.promoted.append(promoted)
    return result


def reminder_days() -> int:
    return int(current_app.config.get("OFFER_REMINDER_DAYS", 3))


def remind_due(now: datetime | None = None, days: int | None = None) -> list[Application]:
    """Remind, once each, the fellows whose offer's deadline is at most ``days``
    (OFFER_REMINDER_DAYS) away (``flask admissions remind-offers``, from cron). An
    offer is claimed by setting offer_reminded_at where it is still empty, so two runs
    at once send one reminder."""
    now = now or utcnow()
    days = reminder_days() if days is None else days
    due = list(db.session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.ACCEPTED, Application.confirmed_at.is_(None),
        Application.offer_reminded_at.is_(None), Application.offer_expires_at > now,
        Application.offer_expires_at <= now + timedelta(days=days)).order_by(Application.id)))
    reminded = []
    for application in due:
        claimed = db.session.execute(sa.update(Application).where(
            Application.id == application.id, Application.offer_reminded_at.is_(None))
            .values(offer_reminded_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        application.offer_reminded_at = now
        notify_user(application.user, "offer-reminder", "admissions/email/offer_reminder.txt",
                    _l("Reminder: confirm your seat for %(t)s", t=application.session.title),
                    session=application.session, deadline=application.offer_expires_at,
                    link=external_url("training.session", session_id=application.session_id))
        reminded.append(application)
    return reminded
