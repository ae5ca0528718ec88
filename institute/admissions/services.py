"""Applying with the session's own questions, the files answered, and the admins' list of
applications (filtered, sorted, reviewed, exported).

An application is checked whole before anything is written: the fixed fields (motivation,
passport name, nationality), every answer, every file by its content; then the
application and its files are written in the request's one transaction.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.countries import COUNTRY_CODES
from ..accounts.models import User
from ..errors import Invalid, NotFound
from ..extensions import db
from ..filetypes import check_upload, stored_name
from ..spreadsheets import csv_text
from ..training import services as training
from ..training.models import Application, ApplicationStatus, TrainingSession
from .models import ApplicationFile
from .questions import check_questions
from .reviews import Reviews, reviews_of

MAX_ANSWER = 5000


@dataclass
class Upload:
    """A file sent for a question: its name as sent and its bytes (read up to the limit)."""

    name: str
    data: bytes


@dataclass
class _CheckedFile:
    question_id: str
    name: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------- questions


def answered_ids(session: TrainingSession) -> set[str]:
    """The ids of the session's questions someone has answered (two statements)."""
    ids: set[str] = set()
    for answers in db.session.scalars(sa.select(Application.answers).where(Application.session_id == session.id)):
        ids.update((answers or {}).keys())
    ids.update(db.session.scalars(sa.select(ApplicationFile.question_id).distinct().join(
        Application, Application.id == ApplicationFile.application_id).where(Application.session_id == session.id)))
    return ids


def session_questions(raw, session: TrainingSession | None) -> list[dict]:
    """The check training calls when a session is created or changed (registered in
    ``admissions/__init__.py``): a question already answered keeps its id and kind."""
    answered: dict[str, str] = {}
    if session is not None and session.questions:
        ids = answered_ids(session)
        answered = {q["id"]: q["kind"] for q in session.questions if q["id"] in ids}
    return check_questions(raw, answered)


# ----------------------------------------------------------------- applying


def _answers(session: TrainingSession, answers, uploads: dict[str, Upload],
             details: list[dict]) -> tuple[dict, list[_CheckedFile]]:
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        details.append({"field": "answers", "message": _("The answers are an object: {question id: answer}.")})
        answers = {}
    questions = {q["id"]: q for q in session.questions or []}
    for key in answers:
        if key not in questions:
            details.append({"field": f"answers.{key}", "message": _("This session asks no question %(id)s.", id=key)})
    for key in uploads:
        if key not in questions or questions[key]["kind"] != "file":
            details.append({"field": f"answers.{key}",
                            "message": _("This session asks for no file %(id)s.", id=key)})
    clean: dict = {}
    files: list[_CheckedFile] = []
    for qid, question in questions.items():
        where = f"answers.{qid}"
        if question["kind"] == "file":
            upload = uploads.get(qid)
            if upload is None or not upload.data:
                if question.get("required", True):
                    details.append({"field": where, "message": _("Please attach this file.")})
                continue
            try:
                kind = check_upload(upload.data, question.get("types") or ["pdf"],
                                    question.get("max_megabytes", 5) * 2**20, field=where)
            except Invalid as exc:
                details.extend(exc.details or [])
                continue
            files.append(_CheckedFile(qid, stored_name(upload.name, kind), kind.content_type, upload.data))
            continue
        value = answers.get(qid)
        if value is not None and not isinstance(value, str):
            details.append({"field": where, "message": _("The answer is text.")})
            continue
        value = (value or "").strip()
        if not value:
            if question.get("required", True):
                details.append({"field": where, "message": _("Please answer this question.")})
            continue
        if question["kind"] == "choice" and value not in question.get("choices", []):
            details.append({"field": where, "message": _("Choose one of: %(choices)s.",
                                                         choices="; ".join(question.get("choices", [])))})
            continue
        if len(value) > MAX_ANSWER:
            details.append({"field": where, "message": _("An answer has at most %(n)s characters.", n=MAX_ANSWER)})
            continue
        clean[qid] = value
    return clean, files


def apply(session: TrainingSession, user: User, data: dict, uploads: dict[str, Upload] | None = None) -> Application:
    """A fellow applies through the page or the API: ``data`` holds motivation, country,
    institution, passport_name, nationality and answers ({question id: text or choice});
    ``uploads`` the files, by question id. Everything is checked first; then the
    application and its files are written together."""
    details: list[dict] = []
    passport_name = str(data.get("passport_name") or "").strip()
    if not passport_name:
        details.append({"field": "passport_name", "message": _(
            "Write your name exactly as in your passport: the invitation letter for the visa needs it.")})
    elif len(passport_name) > 200:
        details.append({"field": "passport_name", "message": _("The name has at most 200 characters.")})
    nationality = str(data.get("nationality") or user.country or "").strip().upper() or None
    if nationality and nationality not in COUNTRY_CODES:
        details.append({"field": "nationality", "message": _("Unknown country code: %(code)s", code=nationality)})
    answers, files = _answers(session, data.get("answers"), uploads or {}, details)
    application = training.apply(session, user, str(data.get("motivation") or ""), data.get("country") or None,
                                 str(data.get("institution") or ""), passport_name=passport_name,
                                 nationality=nationality, answers=answers, problems=details)
    for checked in files:
        db.session.add(ApplicationFile(application_id=application.id, question_id=checked.question_id,
                                       name=checked.name, content_type=checked.content_type,
                                       size=len(checked.data), data=checked.data))
    db.session.flush()
    return application


# -------------------------------------------------------------------- files


def files_of(application_ids: list[int]) -> dict[int, dict[str, ApplicationFile]]:
    """Each application's files by question id, without their bytes, in one statement."""
    found: dict[int, dict[str, ApplicationFile]] = {i: {} for i in application_ids}
    if application_ids:
        for f in db.session.scalars(sa.select(ApplicationFile).where(
                ApplicationFile.application_id.in_(application_ids))):
            found[f.application_id][f.question_id] = f
    return found


def file_for(application_id: int, question_id: str, actor: User | None) -> ApplicationFile:
    """A file of an application, with its bytes, for whoever may read the application
    (the applicant and admins)."""
    application = training.application_for(application_id, actor, "read")
    found = db.session.scalar(sa.select(ApplicationFile).where(
        ApplicationFile.application_id == application.id, ApplicationFile.question_id == question_id)
        .options(sa.orm.undefer(ApplicationFile.data)))
    if found is None:
        raise NotFound(_("This application has no such file."))
    return found


@dataclass
class Answer:
    question: dict
    value: str | None = None
    file: ApplicationFile | None = None


def answers_of(session: TrainingSession, application: Application,
               files: dict[str, ApplicationFile]) -> list[Answer]:
    """The session's questions, each with the application's answer; then answers to
    questions the session no longer asks (kept as given)."""
    shown = [Answer(q, (application.answers or {}).get(q["id"]), files.get(q["id"])) for q in session.questions or []]
    asked = {q["id"] for q in session.questions or []}
    shown += [Answer({"id": qid, "label": qid, "kind": "text"}, str(value))
              for qid, value in (application.answers or {}).items() if qid not in asked]
    shown += [Answer({"id": qid, "label": qid, "kind": "file"}, None, f)
              for qid, f in files.items() if qid not in asked]
    return shown


# ------------------------------------------------------------ the admins' list

SORTS = ("applied", "score", "name", "country")
SCORED = ("", "scored", "unscored", "unscored-by-me")


@dataclass
class Filters:
    status: str = ""
    country: str = ""
    scored: str = ""
    q: str = ""
    sort: str = "applied"

    @classmethod
    def from_args(cls, args) -> "Filters":
        """The query string's filters; what is not understood is left out, never an error."""
        status = args.get("status", "")
        country = args.get("country", "").upper()
        scored = args.get("scored", "")
        sort = args.get("sort", "applied")
        return cls(status=status if status in set(ApplicationStatus) else "",
                   country=country if country in COUNTRY_CODES else "",
                   scored=scored if scored in SCORED else "",
                   q=args.get("q", "").strip()[:200],
                   sort=sort if sort in SORTS else "applied")

    def args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v and not (k == "sort" and v == "applied")}


@dataclass
class Row:
    application: Application
    files: dict[str, ApplicationFile] = field(default_factory=dict)
    reviews: Reviews = field(default_factory=Reviews)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def application_rows(session: TrainingSession, viewer: User, filters: Filters | None = None) -> list[Row]:
    """The session's applications for admins with their files and reviews, filtered and
    sorted: a fixed number of statements whatever their number."""
    filters = filters or Filters()
    stmt = sa.select(Application).join(User, User.id == Application.user_id).where(
        Application.session_id == session.id)
    if filters.status:
        stmt = stmt.where(Application.status == filters.status)
    if filters.country:
        stmt = stmt.where(Application.country == filters.country)
    if filters.q:
        like = _like(filters.q.lower())
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).like(like, escape="\\"),
                                 sa.func.lower(User.email).like(like, escape="\\"),
                                 sa.func.lower(Application.institution).like(like, escape="\\"),
                                 sa.func.lower(Application.passport_name).like(like, escape="\\")))
    order = {"name": (User.name, Application.id), "country": (Application.country, User.name, Application.id)}
    stmt = stmt.order_by(*order.get(filters.sort, (Application.created_at, Application.id)))
    applications = list(db.session.scalars(stmt))
    ids = [a.id for a in applications]
    files = files_of(ids)
    reviews = reviews_of(ids, viewer)
    rows = [Row(a, files[a.id], reviews[a.id]) for a in applications]
    if filters.scored == "scored":
        rows = [r for r in rows if r.reviews.count]
    elif filters.scored == "unscored":
        rows = [r for r in rows if not r.reviews.count]
    elif filters.scored == "unscored-by-me":
        rows = [r for r in rows if r.reviews.mine is None]
    if filters.sort == "score":  # the best first; the unscored last
        rows.sort(key=lambda r: (r.reviews.mean is None, -(r.reviews.mean or 0)))
    return rows


def _utc(moment) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None


def applications_csv(session: TrainingSession, rows: list[Row]) -> str:
    """The applications as the list shows them, one column per question (a file's column
    holds its name), the mean score and the number of reviews. Column names stay in
    English, like the other exports': keys a script reads."""
    questions = session.questions or []
    header = ["email", "name", "country", "institution", "status", "applied at (UTC)", "decided at (UTC)",
              "motivation", "passport name", "nationality", "decision reason",
              *[q["id"] for q in questions], "mean score", "reviews"]

    def answer(row: Row, q: dict):
        if q["kind"] == "file":
            found = row.files.get(q["id"])
            return found.name if found else ""
        return (row.application.answers or {}).get(q["id"], "")

    return csv_text(header, ([
        r.application.user.email, r.application.user.name, r.application.country, r.application.institution,
        r.application.status, _utc(r.application.created_at), _utc(r.application.decided_at),
        r.application.motivation, r.application.passport_name, r.application.nationality,
        r.application.decision_reason, *[answer(r, q) for q in questions], r.reviews.mean, r.reviews.count,
    ] for r in rows))
