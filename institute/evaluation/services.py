"""The rules of a session's evaluation: who defines it, who answers (once, anonymously),
when it is open, and who reads the report."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..fields import date_field
from ..training.models import Application, ApplicationStatus, TrainingSession
from ..training.services import in_cohort, may_manage_cohort, session_for, takes_part
from .models import (
    RATINGS,
    Evaluation,
    EvaluationAnswer,
    EvaluationKind,
    EvaluationParticipation,
    EvaluationQuestion,
    EvaluationResponse,
)

OPEN_DAYS_BEFORE_END = 13  # the last two weeks, the last day included
CLOSE_DAYS_AFTER_END = 30
MAX_QUESTIONS = 40
MAX_TEXT = 5_000

Purpose = Literal["read", "answer", "report", "define"]


def evaluation_for(session_id: int, actor: User | None, purpose: Purpose = "read") -> TrainingSession:
    """The session whose evaluation the actor reads (its people), answers (its cohort),
    reports on (admins and its teachers) or defines (admins)."""
    if purpose == "define":
        return session_for(session_id, actor, "manage")
    session = session_for(session_id, actor)
    if purpose == "answer" and not in_cohort(actor, session):
        raise Forbidden(_("Only the session's fellows evaluate it."))
    if purpose == "report" and not may_manage_cohort(actor, session):
        raise Forbidden(_("Only the session's instructors and admins read its evaluation."))
    if purpose == "read" and not takes_part(actor, session):
        raise Forbidden(_("Only the session's fellows, instructors and admins take part in it."))
    return session


def evaluation_of(session: TrainingSession) -> Evaluation | None:
    return db.session.get(Evaluation, session.id)


def window(session: TrainingSession, evaluation: Evaluation | None) -> tuple[date, date]:
    """When fellows answer: the admin's dates, else the session's last two weeks until a
    month after its end."""
    return _window(session, evaluation.opens_on if evaluation else None,
                   evaluation.closes_on if evaluation else None)


def _window(session: TrainingSession, opens_on: date | None, closes_on: date | None) -> tuple[date, date]:
    return (opens_on or session.ends_on - timedelta(days=OPEN_DAYS_BEFORE_END),
            closes_on or session.ends_on + timedelta(days=CLOSE_DAYS_AFTER_END))


def is_open(session: TrainingSession, evaluation: Evaluation | None, today: date | None = None) -> bool:
    today = today or date.today()
    opens, closes = window(session, evaluation)
    return evaluation is not None and bool(evaluation.questions) and opens <= today <= closes


def response_count(session: TrainingSession) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationResponse).where(
        EvaluationResponse.session_id == session.id)) or 0


def is_locked(session: TrainingSession) -> bool:
    """The questions are fixed from the first answer on: answers must mean what was asked."""
    return response_count(session) > 0


def has_answered(user: User | None, session: TrainingSession) -> bool:
    return user is not None and user.is_authenticated and db.session.get(
        EvaluationParticipation, (session.id, user.id)) is not None


DEFAULT_QUESTIONS = [
    {"kind": "rating", "label": "How useful was the session for your work?", "low_label": "Not useful",
     "high_label": "Very useful", "required": True},
    {"kind": "rating", "label": "How good was the teaching?", "low_label": "Poor", "high_label": "Excellent",
     "required": True},
    {"kind": "rating", "label": "How well was the session organised (travel, lodging, field work)?",
     "low_label": "Poorly", "high_label": "Very well", "required": True},
    {"kind": "text", "label": "What should the institute keep or change?", "low_label": "", "high_label": "",
     "required": False},
]


# ------------------------------------------------------------------ define


def _questions(rows, details: list[dict]) -> list[dict]:
    if not isinstance(rows, list):
        details.append({"field": "questions", "message": _("A list of questions.")})
        return []
    if len(rows) > MAX_QUESTIONS:
        details.append({"field": "questions", "message": _("At most %(n)s questions.", n=MAX_QUESTIONS)})
        return []
    cleaned = []
    for index, row in enumerate(rows):
        where = f"questions[{index}]"
        if not isinstance(row, dict):
            details.append({"field": where, "message": _("A question.")})
            continue
        label = str(row.get("label") or "").strip()
        kind = row.get("kind")
        if not label:
            details.append({"field": f"{where}.label", "message": _("Write the question.")})
        elif len(label) > 300:
            details.append({"field": f"{where}.label", "message": _("At most %(n)s characters.", n=300)})
        if kind not in set(EvaluationKind):
            details.append({"field": f"{where}.kind", "message": _("A rating (1 to 5) or a free text.")})
        ends = {}
        for end in ("low_label", "high_label"):
            ends[end] = str(row.get(end) or "").strip() if kind == EvaluationKind.RATING else ""
            if len(ends[end]) > 60:
                details.append({"field": f"{where}.{end}", "message": _("At most %(n)s characters.", n=60)})
        cleaned.append({"kind": kind, "label": label, "required": bool(row.get("required", True)), **ends})
    return cleaned


def define(session: TrainingSession, data: dict) -> Evaluation:
    """Set the questionnaire (in order) and its dates. The dates may change at any time;
    the questions only until the first answer."""
    details: list[dict] = []
    opens = date_field(data.get("opens_on"), "opens_on", details, required=False)
    closes = date_field(data.get("closes_on"), "closes_on", details, required=False)
    questions = _questions(data["questions"], details) if "questions" in data else None
    if opens and closes and closes < opens:
        details.append({"field": "closes_on", "message": _("The evaluation closes after it opens.")})
    if details:
        raise Invalid(_("The evaluation is not saved."), details=details)
    evaluation = evaluation_of(session)
    if evaluation is None:
        evaluation = Evaluation(session_id=session.id)
        db.session.add(evaluation)
    if questions is not None and _changed(evaluation, questions):
        if is_locked(session):
            raise Conflict(_("Fellows have answered: the questions can no longer change."))
        evaluation.questions = [EvaluationQuestion(position=i, **q) for i, q in enumerate(questions)]
    evaluation.opens_on, evaluation.closes_on = opens, closes
    db.session.flush()
    return evaluation


def _changed(evaluation: Evaluation, questions: list[dict]) -> bool:
    have = [{"kind": q.kind, "label": q.label, "required": q.required, "low_label": q.low_label,
             "high_label": q.high_label} for q in evaluation.questions]
    return have != questions


# ------------------------------------------------------------------ answer


def answer(session: TrainingSession, fellow: User, answers, today: date | None = None) -> EvaluationResponse:
    """Store THAT the fellow answered and, apart, WHAT, once. The participation's primary
    key refuses a second answer, even two sent at once."""
    today = today or date.today()
    evaluation = evaluation_of(session)
    if not in_cohort(fellow, session):
        raise Forbidden(_("Only the session's fellows evaluate it."))
    if not is_open(session, evaluation, today):
        raise Conflict(_("The evaluation is not open."))
    assert evaluation is not None  # is_open says so
    if has_answered(fellow, session):
        raise Conflict(_("You have already evaluated this session."))
    values = _answers(evaluation, answers)
    try:
        with db.session.begin_nested():
            db.session.add(EvaluationParticipation(session_id=session.id, user_id=fellow.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("You have already evaluated this session.")) from None
    response = EvaluationResponse(session_id=session.id, answered_on=today)
    response.answers = [EvaluationAnswer(question_id=q_id, rating=rating, text=text)
                        for q_id, rating, text in values]
    db.session.add(response)
    db.session.flush()
    return response


def _answers(evaluation: Evaluation, answers) -> list[tuple[int, int | None, str | None]]:
    if not isinstance(answers, dict):
        raise Invalid(_("The answers are not saved."),
                      details=[{"field": "answers", "message": _("The answers, by question.")}])
    given = {str(k): v for k, v in answers.items()}
    known = {str(q.id) for q in evaluation.questions}
    details = [{"field": f"answers.{k}", "message": _("No such question.")} for k in given if k not in known]
    values: list[tuple[int, int | None, str | None]] = []
    for question in evaluation.questions:
        value = given.get(str(question.id))
        where = f"answers.{question.id}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                details.append({"field": where, "message": _("This question needs an answer.")})
            continue
        if question.kind == EvaluationKind.RATING:
            try:
                rating = int(value) if not isinstance(value, bool | float) else None
            except (TypeError, ValueError):
                rating = None
            if rating not in RATINGS:
                details.append({"field": where, "message": _("A rating from 1 to 5.")})
                continue
            values.append((question.id, rating, None))
        else:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                details.append({"field": where, "message": _("At most %(n)s characters.", n=MAX_TEXT)})
                continue
            values.append((question.id, None, text))
    if details:
        raise Invalid(_("The answers are not saved."), details=details)
    return values


# ------------------------------------------------------------------ report


@dataclass
class QuestionReport:
    question: EvaluationQuestion
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    texts: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.counts.values()) if self.question.kind == EvaluationKind.RATING else len(self.texts)

    @property
    def mean(self) -> float | None:
        total = sum(self.counts.values())
        return round(sum(r * n for r, n in self.counts.items()) / total, 2) if total else None


@dataclass
class Report:
    session: TrainingSession
    responses: int
    cohort: int
    questions: list[QuestionReport]


def report(session: TrainingSession) -> Report:
    """Counts, means and distributions of each rating; the free texts shuffled, so their
    order says nothing of who wrote them or when."""
    evaluation = evaluation_of(session)
    questions = {q.id: QuestionReport(q) for q in (evaluation.questions if evaluation else [])}
    rows = db.session.execute(
        sa.select(EvaluationAnswer.question_id, EvaluationAnswer.rating, EvaluationAnswer.text)
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
        .where(EvaluationResponse.session_id == session.id))
    for question_id, rating, text in rows:
        entry = questions.get(question_id)
        if entry is None:
            continue
        if rating is not None:
            entry.counts[rating] += 1
        elif text:
            entry.texts.append(text)
    shuffle = random.SystemRandom().shuffle
    for entry in questions.values():
        shuffle(entry.texts)
    cohort = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.session_id == session.id, Application.status == ApplicationStatus.ACCEPTED)) or 0
    return Report(session, response_count(session), cohort, list(questions.values()))


def report_rows(result: Report) -> tuple[list[str], list[list]]:
    """The report as one table: a row per rating question, a row per free-text answer."""
    header = ["question", "kind", "answers", "mean", *[f"rated {r}" for r in RATINGS], "text"]
    rows: list[list] = []
    for entry in result.questions:
        q = entry.question
        if q.kind == EvaluationKind.RATING:
            rows.append([q.label, q.kind, entry.count, entry.mean, *[entry.counts[r] for r in RATINGS], ""])
        else:
            rows.extend([q.label, q.kind, "", "", *([""] * len(RATINGS)), text] for text in entry.texts)
    return header, rows


# ------------------------------------------------------------------ dashboard


def to_evaluate(user: User, today: date | None = None) -> list[TrainingSession]:
    """The sessions whose evaluation is open to the fellow and not yet answered: their
    dashboard's "Evaluate the session". One statement."""
    if user is None or not user.is_authenticated:
        return []
    today = today or date.today()
    has_questions = sa.select(EvaluationQuestion.id).where(
        EvaluationQuestion.session_id == Evaluation.session_id).exists()
    answered = sa.select(EvaluationParticipation.user_id).where(
        EvaluationParticipation.session_id == TrainingSession.id,
        EvaluationParticipation.user_id == user.id).exists()
    rows = db.session.execute(
        sa.select(TrainingSession, Evaluation.opens_on, Evaluation.closes_on)
        .join(Evaluation, Evaluation.session_id == TrainingSession.id)
        .join(Application, sa.and_(Application.session_id == TrainingSession.id, Application.user_id == user.id,
                                   Application.status == ApplicationStatus.ACCEPTED))
        .where(has_questions, ~answered).order_by(TrainingSession.ends_on, TrainingSession.id)).unique()
    found = []
    for session, opens_on, closes_on in rows:
        opens, closes = _window(session, opens_on, closes_on)
        if opens <= today <= closes:
            found.append(session)
    return found


def get_or_404(session: TrainingSession) -> Evaluation:
    evaluation = evaluation_of(session)
    if evaluation is None or not evaluation.questions:
        raise NotFound(_("This session has no evaluation yet."))
    return evaluation
