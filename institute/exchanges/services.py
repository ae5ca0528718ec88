"""The rules of teacher exchanges, in one place.

``proposed`` (by the home institution's staff or an admin) → ``confirmed`` by the
host institution's staff → ``approved`` by an admin; ``rejected`` at either
step; ``approved`` → ``completed`` with the teacher's report, or ``cancelled``.
Every change is kept with who made it and when, and told by email to the
teacher and the staff of both institutions.
"""

import mimetypes
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User, UserRole
from ..accounts.services import partner_by_code, user_by_email
from ..courses.models import Course
from ..database import lock_row, utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..fields import date_field
from ..links import external_url
from ..notifications.services import notify_user
from .labels import exchange_state, state_label
from .models import Exchange, ExchangeCourse, ExchangeDecision, ExchangeEvent, ExchangeFile, ExchangeStatus

if TYPE_CHECKING:
    from _typeshed import SupportsRead

MAX_FILE_BYTES = 20 * 1024 * 1024
ALLOWED_FILE_TYPES = {".pdf", ".zip", ".md", ".txt", ".csv", ".png", ".jpg", ".jpeg", ".pptx",
                      ".docx", ".xlsx", ".odt", ".odp"}


def _staff_of(user: User, partner_id: int) -> bool:
    return user.has_role("partner") and user.partner_id == partner_id


def proposer_home(actor: User, home: str | None = None) -> str:
    """The home institution an exchange is proposed from: the one an admin names; for
    partner staff, their own unless they name another (which ``propose`` refuses)."""
    if (home or "").strip() or actor.has_role("admin"):
        return (home or "").strip()
    return actor.partner.code if actor.has_role("partner") and actor.partner else ""


def propose(actor: User, teacher: str, home: str, host: str, starts_on, ends_on,
            courses: list[str], purpose: str, today: date | None = None) -> Exchange:
    """Propose an exchange; every field is checked before anything is written. ``home``
    may be left empty: the proposer's home institution (:func:`proposer_home`)."""
    today = today or date.today()
    details: list[dict] = []
    teacher_user = user_by_email(teacher or "")
    home = proposer_home(actor, home)
    home_partner = partner_by_code(home or "")
    host_partner = partner_by_code(host or "")
    if home_partner is None:
        details.append({"field": "home", "message": _("Unknown partner: %(code)s", code=home or "—")})
    if host_partner is None:
        details.append({"field": "host", "message": _("Unknown partner: %(code)s", code=host or "—")})
    if home_partner and host_partner and home_partner.id == host_partner.id:
        details.append({"field": "host", "message": _("The host must differ from the home institution.")})
    if teacher_user is None or (home_partner and teacher_user.partner_id != home_partner.id):
        # One message for both: the form must not tell who has an account.
        details.append({"field": "teacher", "message": _(
            "No teacher of the home institution has this email: %(e)s", e=teacher or "—")})
    start, end = date_field(starts_on, "starts_on", details), date_field(ends_on, "ends_on", details)
    if start and end and end < start:
        details.append({"field": "ends_on", "message": _("The exchange cannot end before it starts.")})
    if start and start <= today:
        details.append({"field": "starts_on", "message": _("A proposed exchange starts in the future.")})
    slugs = [str(slug) for slug in ([courses] if isinstance(courses, str) else courses or [])]
    found = {c.slug: c for c in db.session.scalars(sa.select(Course).where(Course.slug.in_(set(slugs))))} \
        if slugs else {}
    course_rows = []
    for slug in slugs:
        course = found.get(slug)
        if course is None:
            details.append({"field": "courses", "message": _("Unknown course: %(s)s", s=slug)})
        elif course not in course_rows:
            course_rows.append(course)
    purpose = (purpose or "").strip()
    if len(purpose) < 20:
        details.append({"field": "purpose", "message": _("Describe the purpose (20 characters at least).")})
    if details:
        raise Invalid(details=details)
    assert home_partner is not None  # an unknown one is in the details
    if not (actor.has_role("admin") or _staff_of(actor, home_partner.id)):
        raise Forbidden(_("Only the home institution's staff or an admin propose an exchange."))
    exchange = Exchange(teacher=teacher_user, home=home_partner, host=host_partner, starts_on=start,
                        ends_on=end, purpose=purpose[:10_000], proposed_by_id=actor.id,
                        course_links=[ExchangeCourse(course=c) for c in course_rows])
    db.session.add(exchange)
    db.session.flush()
    _record(exchange, actor, None, ExchangeStatus.PROPOSED)
    return exchange


def attach_file(exchange: Exchange, actor: User, name: str, data: "bytes | SupportsRead[bytes]") -> ExchangeFile:
    """Teaching material for the exchange, from its proposer's side, while it is under way;
    an uploaded file is read no further than ``MAX_FILE_BYTES``."""
    refusal = _attach_refusal(exchange, actor)
    if refusal is not None:
        raise refusal
    if not isinstance(data, bytes):
        data = data.read(MAX_FILE_BYTES + 1)
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if not name or suffix not in ALLOWED_FILE_TYPES:
        raise Invalid(details=[{"field": "file", "message": _("Files of this type are not accepted.")}])
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(details=[{"field": "file", "message": _("The file is larger than 20 MB.")}])
    item = ExchangeFile(exchange_id=exchange.id, name=name, size=len(data), data=data,
                        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    db.session.add(item)
    db.session.flush()
    return item


# What each decision needs: the states it leaves from, the state it reaches.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    ExchangeDecision.CONFIRM: ({ExchangeStatus.PROPOSED}, ExchangeStatus.CONFIRMED),
    ExchangeDecision.APPROVE: ({ExchangeStatus.CONFIRMED}, ExchangeStatus.APPROVED),
    ExchangeDecision.REJECT: ({ExchangeStatus.PROPOSED, ExchangeStatus.CONFIRMED}, ExchangeStatus.REJECTED),
    ExchangeDecision.CANCEL: ({ExchangeStatus.APPROVED}, ExchangeStatus.CANCELLED),
    ExchangeDecision.COMPLETE: ({ExchangeStatus.APPROVED}, ExchangeStatus.COMPLETED),
}


def may_decide(decision: str, exchange: Exchange, actor: User) -> bool:
    """Whether ``actor`` may take ``decision`` on the exchange (its state aside)."""
    host_staff = _staff_of(actor, exchange.host_partner_id)
    home_staff = _staff_of(actor, exchange.home_partner_id)
    admin = actor.has_role("admin")
    if decision == ExchangeDecision.CONFIRM:
        return host_staff  # only the host institution's staff speak for the host
    if decision == ExchangeDecision.APPROVE:
        return admin
    if decision == ExchangeDecision.REJECT:
        return admin or (host_staff and exchange.status == ExchangeStatus.PROPOSED)
    if decision == ExchangeDecision.CANCEL:
        return admin or host_staff or home_staff
    if decision == ExchangeDecision.COMPLETE:
        return admin or home_staff or actor.id == exchange.teacher_id
    return False


def _decision_refusal(decision: str, exchange: Exchange, actor: User) -> Forbidden | Conflict | None:
    """Why ``actor`` may not take ``decision`` on the exchange as it stands; None: they may."""
    sources, target = TRANSITIONS[decision]
    if not may_decide(decision, exchange, actor):
        return Forbidden(_("You may not %(d)s this exchange.", d=_(decision)))
    if exchange.status not in sources:
        return Conflict(_("A %(s)s exchange cannot be moved to %(t)s.", s=exchange_state(exchange.status),
                          t=exchange_state(target)))
    return None


def allowed_decisions(exchange: Exchange, actor: User) -> list[str]:
    """The decisions ``actor`` may take on the exchange now: the page shows these, and
    ``decide`` refuses every other one for the same reasons."""
    return [d for d in TRANSITIONS if _decision_refusal(d, exchange, actor) is None]


# Material is added while the exchange is to happen, under way, or done (the slides taught
# go with the report); not to one rejected or cancelled.
OPEN_FOR_MATERIAL = ("proposed", "confirmed", "approved", "completed")


def _attach_refusal(exchange: Exchange, actor: User) -> Forbidden | Conflict | None:
    if not (actor.has_role("admin") or _staff_of(actor, exchange.home_partner_id)
            or actor.id == exchange.teacher_id):
        return Forbidden(_("Only the home institution's staff, the teacher or an admin add material."))
    if exchange.status not in OPEN_FOR_MATERIAL:
        return Conflict(_("Material is not added to a rejected or cancelled exchange."))
    return None


def may_attach(exchange: Exchange, actor: User) -> bool:
    """Whether the page offers ``actor`` to add material (``attach_file`` accepts it)."""
    return _attach_refusal(exchange, actor) is None


def overlapping(teacher_id: int, starts_on: date, ends_on: date, exclude: int | None = None) -> list[Exchange]:
    """The teacher's approved exchanges that overlap these dates."""
    stmt = sa.select(Exchange).where(
        Exchange.teacher_id == teacher_id, Exchange.status == ExchangeStatus.APPROVED,
        Exchange.starts_on <= ends_on, Exchange.ends_on >= starts_on)
    if exclude is not None:
        stmt = stmt.where(Exchange.id != exclude)
    return list(db.session.scalars(stmt))


def overlapping_of(teacher_ids: list[int], starts_on: date, ends_on: date) -> dict[int, list[Exchange]]:
    """Each of these teachers' approved exchanges that overlap these dates, in one statement."""
    found: dict[int, list[Exchange]] = {}
    for exchange in db.session.scalars(sa.select(Exchange).where(
            Exchange.teacher_id.in_(teacher_ids), Exchange.status == "approved",
            Exchange.starts_on <= ends_on, Exchange.ends_on >= starts_on).order_by(Exchange.id)):
        found.setdefault(exchange.teacher_id, []).append(exchange)
    return found


def decide(exchange: Exchange, decision: str, actor: User, report: str = "",
           today: date | None = None) -> Exchange:
    """Move an exchange to its next state, if the actor may and the rules allow."""
    today = today or date.today()
    if decision not in TRANSITIONS:
        raise Invalid(details=[{"field": "decision",
                        "message": _("Decide confirm, approve, reject, cancel or complete.")}])
    # Lock the teacher's row: two admins approving overlapping exchanges at once queue up.
    # Who may decide is then judged on the state as it is, not as the caller last saw it.
    lock_row(User, exchange.teacher_id)
    db.session.refresh(exchange)
    refusal = _decision_refusal(decision, exchange, actor)
    if refusal is not None:
        raise refusal
    target = TRANSITIONS[decision][1]
    if decision == ExchangeDecision.APPROVE:
        clash = overlapping(exchange.teacher_id, exchange.starts_on, exchange.ends_on, exclude=exchange.id)
        if clash:
            raise Conflict(_("%(n)s already has an approved exchange from %(s)s to %(e)s.",
                             n=exchange.teacher.name, s=clash[0].starts_on, e=clash[0].ends_on))
    if decision == ExchangeDecision.COMPLETE:
        if not (report or "").strip():
            raise Invalid(details=[{"field": "report",
                                    "message": _("A completed exchange carries the teacher's report.")}])
        if today < exchange.starts_on:
            raise Conflict(_("An exchange cannot be completed before it starts."))
        exchange.report = report.strip()[:20_000]
    previous = exchange.status
    exchange.status = target
    db.session.flush()
    _record(exchange, actor, previous, target, report if decision == ExchangeDecision.COMPLETE else "")
    return exchange


def _record(exchange: Exchange, actor: User, before: str | None, after: str, note: str = "") -> None:
    db.session.add(ExchangeEvent(exchange_id=exchange.id, at=utcnow(), actor_id=actor.id,
                                 from_status=before, to_status=after, note=note[:2000]))
    db.session.flush()
    _tell_change(exchange, actor, after, note)


def _tell_change(exchange: Exchange, actor: User, after: str, note: str) -> None:
    """One email to each person the change concerns (the teacher, both institutions' staff,
    and the admins when it waits for their approval), in their language, saying what they
    are to do next; none to the person who made the change."""
    people = {exchange.teacher.id: exchange.teacher}
    staff = db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.active.is_(True), sa.or_(
            sa.and_(UserRole.role == Role.PARTNER,
                    User.partner_id.in_([exchange.home_partner_id, exchange.host_partner_id])),
            sa.and_(UserRole.role == Role.ADMIN, sa.literal(after == ExchangeStatus.CONFIRMED)))))
    for person in staff.unique():
        people.setdefault(person.id, person)
    people.pop(actor.id, None)
    link = external_url("exchanges.detail", exchange_id=exchange.id)
    for person in sorted(people.values(), key=lambda p: p.id):
        todo = ""
        if after == ExchangeStatus.PROPOSED and person.partner_id == exchange.host_partner_id \
                and person.has_role(Role.PARTNER):
            todo = "confirm"
        elif after == ExchangeStatus.CONFIRMED and person.has_role(Role.ADMIN):
            todo = "approve"
        elif after == ExchangeStatus.APPROVED and person.id == exchange.teacher_id:
            todo = "report"
        notify_user(person, f"exchange-{after}", "exchanges/email/changed.txt",
                    _l("Teacher exchange %(home)s → %(host)s: %(state)s", home=exchange.home.code,
                       host=exchange.host.code, state=state_label(after)),
                    exchange=exchange, actor=actor, after=after, note=note, todo=todo, link=link)


# ------------------------------------------------------------------ reading


def get_exchange(exchange_id: int) -> Exchange:
    """The exchange, for no one in particular (jobs, tests); requests use ``exchange_for``."""
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None:
        raise NotFound(_("No such exchange."))
    return exchange


def teacher_candidates(actor: User) -> list[User]:
    """Whom ``actor`` may name as the teacher of a proposal: anyone of a partner
    institution for an admin; their own institution's people for partner staff."""
    stmt = sa.select(User).where(User.partner_id.is_not(None)).order_by(User.created_at.desc(), User.id.desc())
    if not actor.has_role("admin"):
        stmt = stmt.where(User.partner_id == actor.partner_id)
    return list(db.session.scalars(stmt.limit(1000)).unique())


def _seen_by(user: User) -> sa.ColumnElement[bool]:
    """Who sees an exchange, as a condition on it, for one exchange and for lists: admins and
    instructors every one; the teacher theirs; partner staff their institution's, sent or hosted."""
    if user.has_role("admin", "instructor"):
        return sa.true()
    mine = Exchange.teacher_id == user.id
    if user.has_role("partner") and user.partner_id:
        mine = sa.or_(mine, Exchange.home_partner_id == user.partner_id,
                      Exchange.host_partner_id == user.partner_id)
    return mine


PURPOSES = ("read", "decide", "attach")


def exchange_for(exchange_id: int, actor: User, purpose: str = "read") -> Exchange:
    """The exchange, loaded for ``actor`` to ``read``, ``decide`` on or ``attach`` material
    to: NotFound when there is none, Forbidden when it is not theirs to see. For ``attach``
    the actor must also be one who adds material; ``decide`` says which decision is refused
    and why, for it depends on the decision."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose: {purpose}")
    row = db.session.execute(sa.select(Exchange, _seen_by(actor)).where(Exchange.id == exchange_id)).one_or_none()
    if row is None:
        raise NotFound(_("No such exchange."))
    exchange, seen = row
    if not seen:
        raise Forbidden(_("You may not see this exchange."))
    if purpose == "attach":
        refusal = _attach_refusal(exchange, actor)
        if isinstance(refusal, Forbidden):
            raise refusal
    return exchange


def visible(user: User, year: int | None = None, partner: str | None = None,
            status: str | None = None) -> list[Exchange]:
    """The exchanges the user may see: all for admins and instructors; their
    institution's for partner staff; their own for teachers."""
    # The files' names and sizes come with the list (the API shows them); their bytes stay
    # behind (deferred on the model) until one is downloaded.
    stmt = sa.select(Exchange).options(sa.orm.selectinload(Exchange.files)).order_by(Exchange.starts_on, Exchange.id)
    stmt = stmt.where(_seen_by(user))
    if year:
        stmt = stmt.where(Exchange.starts_on <= date(year, 12, 31), Exchange.ends_on >= date(year, 1, 1))
    if partner:
        code = partner_by_code(partner)
        partner_id = code.id if code else -1
        stmt = stmt.where(sa.or_(Exchange.home_partner_id == partner_id, Exchange.host_partner_id == partner_id))
    if status:
        stmt = stmt.where(Exchange.status == status)
    return list(db.session.scalars(stmt))


def admin_queue() -> list[Exchange]:
    return list(db.session.scalars(sa.select(Exchange).where(
        Exchange.status.in_([ExchangeStatus.PROPOSED, ExchangeStatus.CONFIRMED])).order_by(Exchange.starts_on)))


def statistics(year: int | None = None) -> list[dict]:
    """Per partner: exchanges sent and received and teaching days (approved or completed)."""
    stmt = sa.select(Exchange).where(Exchange.status.in_([ExchangeStatus.APPROVED, ExchangeStatus.COMPLETED]))
    if year:
        stmt = stmt.where(Exchange.starts_on <= date(year, 12, 31), Exchange.ends_on >= date(year, 1, 1))
    rows: dict[int, dict] = {}
    for exchange in db.session.scalars(stmt):
        for partner, key in ((exchange.home, "sent"), (exchange.host, "received")):
            row = rows.setdefault(partner.id, {"partner": partner, "sent": 0, "received": 0, "days": 0})
            row[key] += 1
        rows[exchange.host.id]["days"] += exchange.days
    return sorted(rows.values(), key=lambda r: (-(r["sent"] + r["received"]), r["partner"].code))


def by_country(rows: list[dict]) -> list[dict]:
    countries: dict[str, dict] = {}
    for row in rows:
        entry = countries.setdefault(row["partner"].country, {"country": row["partner"].country,
                                                              "sent": 0, "received": 0, "days": 0})
        for key in ("sent", "received", "days"):
            entry[key] += row[key]
    return sorted(countries.values(), key=lambda r: -(r["sent"] + r["received"]))



def awaiting(actor: User) -> list[Exchange]:
    """The exchanges waiting for ``actor`` to act: an admin's approval of confirmed ones; the
    host institution's staff's confirmation of proposed ones hosted by their institution."""
    waiting = []
    if actor.has_role("admin"):
        waiting.append(Exchange.status == ExchangeStatus.CONFIRMED)
    if actor.has_role("partner") and actor.partner_id:
        waiting.append(sa.and_(Exchange.status == ExchangeStatus.PROPOSED,
                               Exchange.host_partner_id == actor.partner_id))
    if not waiting:
        return []
    # Teacher, home and host come with the exchanges (eager on the model): no lookup per item.
    return list(db.session.scalars(sa.select(Exchange).where(sa.or_(*waiting)).order_by(Exchange.starts_on)))
