"""The rules of announcements: who posts them, who reads them, and the email each
fellow gets in their own language."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..database import utcnow
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..links import external_url
from ..markdown import render
from ..notifications.services import notify_user
from ..training.models import Application, ApplicationStatus, TrainingSession
from ..training.services import cohort_members, may_manage_cohort, session_for
from .models import Announcement

MAX_BODY = 20_000


def announcements_for(session_id: int, actor: User | None, purpose: str = "read") -> TrainingSession:
    """The session whose announcements the actor reads (its people) or posts (its staff)."""
    session = session_for(session_id, actor, "take-part")
    if purpose == "post" and not may_manage_cohort(actor, session):
        raise Forbidden(_("Only the session's instructors and admins post announcements."))
    return session


def post(session: TrainingSession, author: User, title: str, body: str) -> Announcement:
    """Post an announcement and write one email to each fellow of the cohort."""
    title, body = str(title or "").strip(), str(body or "").strip()
    details = []
    if not title:
        details.append({"field": "title", "message": _("A title is required.")})
    elif len(title) > 200:
        details.append({"field": "title", "message": _("At most %(n)s characters.", n=200)})
    if not body:
        details.append({"field": "body", "message": _("Write what you announce.")})
    elif len(body) > MAX_BODY:
        details.append({"field": "body", "message": _("At most %(n)s characters.", n=MAX_BODY)})
    if details:
        raise Invalid(details=details)
    announcement = Announcement(session_id=session.id, title=title, body=body, html=render(body).html,
                                author_id=author.id)
    db.session.add(announcement)
    db.session.flush()
    link = external_url("announcements.index", session_id=session.id) + f"#announcement-{announcement.id}"
    for fellow in cohort_members(session, active_only=True):
        notify_user(fellow, "announcement", "announcements/email/announcement.txt",
                    _l("%(session)s: %(title)s", session=session.title, title=title),
                    announcement=announcement, session=session, author=author, link=link)
    return announcement


def of_session(session: TrainingSession, limit: int | None = None) -> list[Announcement]:
    query = sa.select(Announcement).where(Announcement.session_id == session.id).order_by(
        Announcement.created_at.desc(), Announcement.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query).unique())


def recent_for(user: User, days: int = 30, limit: int = 5) -> list[tuple[Announcement, str]]:
    """The latest announcements of the sessions the user studies in: their dashboard's."""
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        sa.select(Announcement, TrainingSession.title).join(
            TrainingSession, TrainingSession.id == Announcement.session_id).join(
            Application, sa.and_(Application.session_id == Announcement.session_id, Application.user_id == user.id,
                                 Application.status == ApplicationStatus.ACCEPTED))
        .where(Announcement.created_at >= since)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)).unique()
    return [(announcement, title) for announcement, title in rows]
