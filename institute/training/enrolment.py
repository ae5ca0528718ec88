"""Bulk enrolment from a CSV (email,name,country,partner): all rows valid, or nothing."""

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..accounts.countries import COUNTRY_CODES
from ..accounts.models import User, UserRole
from ..accounts.services import invite_users, partners_by_code, users_by_email
from ..database import utcnow
from ..errors import Conflict, Invalid, TooLarge
from ..extensions import db
from ..links import external_url
from ..notifications.services import notify_user
from .labels import ENROLLED_BY_THE_INSTITUTE
from .models import Application, ApplicationStatus, TrainingSession
from .services import _lock, seats_left

if TYPE_CHECKING:
    from _typeshed import SupportsRead

COLUMNS = ("email", "name", "country", "partner")
FILE = "enrolment.csv"
MAX_BYTES = 2 * 1024 * 1024  # some 20,000 fellows: far beyond any cohort


@dataclass
class EnrolmentResult:
    enrolled: list[User] = field(default_factory=list)
    invited: list[User] = field(default_factory=list)  # new accounts, sent a set-password link


def _rows(text: str) -> tuple[list[tuple[int, dict]], list[dict]]:
    problems: list[dict] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = []
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if set(COLUMNS) - set(header):
            return [], [{"file": FILE, "line": 1,
                         "message": _("The first line must be the header: %(h)s", h=",".join(COLUMNS))}]
        reader.fieldnames = header
        for row in reader:
            rows.append((reader.line_num, {k: (row.get(k) or "").strip() for k in COLUMNS}))
    except csv.Error:  # a field past the csv module's limit (128 KB), a NUL: not a list of fellows
        return [], [{"file": FILE, "line": reader.line_num or 1,
                     "message": _("This line cannot be read as CSV.")}]
    if not rows:
        problems.append({"file": FILE, "line": 2, "message": _("The file has no fellow.")})
    return rows, problems


def check_csv(session: TrainingSession, data: "bytes | str | SupportsRead[bytes]") -> list[dict]:
    """The file's rows, each checked against the rules and the session; writes nothing.
    An uploaded file is read no further than ``MAX_BYTES``; a larger one is refused."""
    if session.closed_at is not None:
        raise Conflict(_("This session is closed."))
    if not isinstance(data, bytes | str):
        data = data.read(MAX_BYTES + 1)
    if len(data.encode() if isinstance(data, str) else data) > MAX_BYTES:
        raise TooLarge(_("The file is larger than %(n)s MB.", n=MAX_BYTES // 2**20))
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise Invalid(details=[{"file": FILE, "line": exc.object[:exc.start].count(b"\n") + 1,
                        "message": _("The file is not UTF-8 text.")}]) from exc
    rows, problems = _rows(text)
    _lock(session)
    cohort = set(db.session.scalars(sa.select(User.email).join(Application, Application.user_id == User.id)
                                    .where(Application.session_id == session.id,
                                           Application.status == ApplicationStatus.ACCEPTED)))
    partners = partners_by_code(row["partner"] for _line, row in rows if row["partner"])
    seen: dict[str, int] = {}
    for line, row in rows:
        def problem(message: str, line=line) -> None:
            problems.append({"file": FILE, "line": line, "message": message})

        try:
            email = validate_email(row["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problem(_("not a valid email address: %(e)s", e=row["email"] or "—"))
            email = row["email"].lower()
        if not row["name"]:
            problem(_("a name is required"))
        if row["country"].upper() not in COUNTRY_CODES:
            problem(_("unknown country code: %(c)s", c=row["country"] or "—"))
        if row["partner"] and row["partner"] not in partners:
            problem(_("unknown partner: %(p)s", p=row["partner"]))
        if email in seen:
            problem(_("%(e)s is also on line %(n)s", e=email, n=seen[email]))
        seen.setdefault(email, line)
        if email in cohort:
            problem(_("%(e)s is already in the cohort", e=email))
        row["email"] = email
    new = len({r["email"] for _l, r in rows} - cohort)
    left = seats_left(session)
    if new > left:
        problems.append({"file": FILE, "line": None,
                         "message": ngettext("%(n)s fellows to enrol but %(num)d seat left.",
                                             "%(n)s fellows to enrol but %(num)d seats left.", left, n=new)})
    if problems:
        raise Invalid(ngettext("%(num)d problem; nobody was enrolled.", "%(num)d problems; nobody was enrolled.",
                               len(problems)),
                      details=sorted(problems, key=lambda p: p["line"] or 0))
    return [row for _line, row in rows]


def enrol_csv(session: TrainingSession, data: "bytes | str | SupportsRead[bytes]", admin: User) -> EnrolmentResult:
    """Enrol every row's fellow (inviting new people), after checking every row."""
    rows = check_csv(session, data)
    # A fixed number of queries whatever the file's length: accounts, invitations and
    # applications are read or written for all rows at once.
    known = users_by_email(row["email"] for row in rows)
    new = [row for row in rows if row["email"] not in known]
    invited = dict(zip((row["email"] for row in new), invite_users(new, ("trainee",)) if new else [],
                       strict=True))
    applications = {a.user_id: a for a in db.session.scalars(
        sa.select(Application).where(Application.session_id == session.id))}
    result = EnrolmentResult()
    for row in rows:
        link = None
        if row["email"] in invited:
            user, token = invited[row["email"]]
            link = external_url("accounts.set_password", token=token)
            result.invited.append(user)
        else:
            user = known[row["email"]]
            if not user.has_role("trainee"):
                user.role_rows.append(UserRole(role="trainee"))
        _enrol(session, user, row, admin, applications.get(user.id), link)
        result.enrolled.append(user)
    db.session.flush()
    return result


def _enrol(session: TrainingSession, user: User, row: dict, admin: User, application: Application | None,
           link: str | None) -> None:
    if application is None:
        application = Application(session_id=session.id, user=user, country=row["country"].upper(),
                                  institution=user.partner.name if user.partner else "",
                                  motivation=ENROLLED_BY_THE_INSTITUTE)
        db.session.add(application)
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at = utcnow()
    application.decided_by_id = admin.id
    application.confirmed_at = application.decided_at  # the institute enrols: no offer to confirm
    notify_user(user, "enrolled", "training/email/enrolled.txt", _l("You are enrolled: %(t)s", t=session.title),
                session=session, password_link=link, link=external_url("training.session", session_id=session.id))
