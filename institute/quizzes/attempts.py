"""The rules of attempts: start, save, submit, grade.

The server owns time: an attempt's deadline is fixed at its start; answers are
accepted until a minute of grace after it; past that, any action submits the
attempt with what was saved in time. Saved answers are never lost: each save
writes only the questions it names, and two tabs saving at once each keep
their own questions.
"""

import random
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..courses.models import CourseRevision, Quiz
from ..database import keep_writes, utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..links import external_url
from ..notifications.services import notify_user
from ..page_cache import unseen_by_pages
from ..questions import type_of, verdict
from . import roster
from .access import check_grades, check_may_take, check_owner, course_of, lock
from .models import Attempt, AttemptAnswer, quiz_key
from .overrides import allowance

GRACE = timedelta(minutes=1)


def current_quiz(quiz: Quiz) -> Quiz:
    """The same quiz in the course's published revision (attempts start only there)."""
    course = course_of(quiz)
    if course.published_revision_id == quiz.revision_id:
        return quiz
    current = db.session.scalar(sa.select(Quiz).where(
        Quiz.revision_id == course.published_revision_id, Quiz.file == quiz.file))
    if current is None:
        raise NotFound(_("This quiz is no longer part of the course."))
    return current


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_key == quiz_key(quiz)).order_by(Attempt.number)))


def open_attempts(user) -> dict[int, tuple[int, datetime | None]]:
    """The user's attempts not yet submitted, by quiz id: (attempt id, deadline or None) —
    what the dashboard shows beside a quiz still to pass. One statement."""
    rows = db.session.execute(sa.select(Attempt.quiz_id, Attempt.id, Attempt.deadline).where(
        Attempt.user_id == user.id, Attempt.submitted_at.is_(None)).order_by(Attempt.id))
    return {quiz_id: (attempt_id, deadline) for quiz_id, attempt_id, deadline in rows}


def _layout(quiz: Quiz) -> dict:
    """The order of questions and choices for one attempt, shuffled when the quiz says so."""
    rng = random.SystemRandom()
    order = list(range(len(quiz.questions)))
    choices: dict[str, list] = {}
    if quiz.shuffle:
        rng.shuffle(order)
    for index, question in enumerate(quiz.questions):
        shown = type_of(question).layout(question, quiz.shuffle, rng)
        if shown is not None:
            choices[str(index)] = shown
    return {"questions": order, "choices": choices}


def start(quiz: Quiz, user: User, now: datetime | None = None) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the one in progress; (attempt, started now). Only a
    fellow enrolled in a session with the quiz's course may."""
    now = now or utcnow()
    check_may_take(user, quiz)
    quiz = current_quiz(quiz)
    previous = attempts_of(user, quiz)
    for attempt in previous:
        if not attempt.submitted:
            if expire_if_due(attempt, now):
                continue
            return attempt, False
    grant = allowance(user, quiz)  # the quiz's attempts and time limit, and the fellow's overrides
    allowed = grant.attempts
    if allowed is not None and len(previous) >= allowed:
        raise Conflict(_("You have used all %(n)s attempts at this quiz.", n=allowed))
    closes = roster.closes_at(user, quiz)
    if closes is not None and now >= closes:
        raise Conflict(_("This quiz closed on %(when)s.", when=format_datetime(closes)))
    minutes = grant.minutes
    deadline = now + timedelta(minutes=minutes) if minutes else None
    if closes is not None:
        deadline = min(deadline, closes) if deadline else closes  # an attempt ends when the quiz closes
    attempt = Attempt(
        quiz=quiz, quiz_key=quiz_key(quiz), user_id=user.id, number=len(previous) + 1,
        started_at=now, layout=_layout(quiz), deadline=deadline,
    )
    db.session.add(attempt)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # another tab started one at the same moment
        raise Conflict(_("An attempt was started at the same moment; reload the page.")) from exc
    return attempt, True


def expire_if_due(attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an attempt whose time and grace are over, with what was saved; True if it did."""
    now = now or utcnow()
    if attempt.submitted or attempt.deadline is None or now <= attempt.deadline + GRACE:
        return False
    _submit(attempt, attempt.deadline + GRACE)
    return True


def _upsert(insert):
    stmt = insert(AttemptAnswer.__table__)
    return stmt.on_conflict_do_update(index_elements=["attempt_id", "question"],
                                      set_={"value": stmt.excluded.value, "saved_at": stmt.excluded.saved_at})


# One statement per dialect, built and compiled once and run with each save's rows (Core,
# not the ORM's bulk path: an autosave's time went into building a new statement each time).
_UPSERT = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


def save(attempt: Attempt, user: User, answers: object, now: datetime | None = None) -> int:
    """Save some answers (autosave); returns how many were saved."""
    now = now or utcnow()
    check_owner(user, attempt)
    lock(attempt)
    if expire_if_due(attempt, now):
        keep_writes()  # the submission stands; only the late answers are refused
        raise Conflict(_("The time is up: the attempt was submitted with the answers saved in time."))
    if attempt.submitted:
        raise Conflict(_("This attempt is already submitted."))
    if not isinstance(answers, dict):
        raise Invalid(details=[{"field": "answers", "message": _("Answers are {question id: value}.")}])
    clean, details = {}, []
    for key, raw in answers.items():
        try:
            index = int(key)
            question = attempt.quiz.questions[index]
        except (ValueError, TypeError, IndexError):
            details.append({"field": str(key), "message": _("No such question.")})
            continue
        if index < 0:
            details.append({"field": str(key), "message": _("No such question.")})
            continue
        question = {**question, "id": str(index)}
        try:
            clean[index] = type_of(question).read(question, raw)
        except Invalid as exc:
            details.extend(exc.details)
    if details:
        raise Invalid(details=details)
    if clean:
        # One statement whatever the number of answers; a question saved by the other
        # tab meanwhile is simply overwritten by this newer value.
        with unseen_by_pages():  # only the attempt's own page shows them, never kept in progress
            db.session.connection().execute(_UPSERT[db.engine.dialect.name], [
                {"attempt_id": attempt.id, "question": index, "value": value, "saved_at": now,
                 "feedback": "", "grader_feedback": ""} for index, value in clean.items()])
        db.session.expire(attempt, ["answers"])
    db.session.flush()
    return len(clean)


def submit(attempt: Attempt, user: User, now: datetime | None = None) -> Attempt:
    """Submit once; past the deadline's grace, only what was saved in time counts."""
    now = now or utcnow()
    check_owner(user, attempt)
    lock(attempt)
    if expire_if_due(attempt, now):
        return attempt
    if attempt.submitted:
        raise Conflict(_("This attempt is already submitted."))
    _submit(attempt, now)
    return attempt


_ANSWERS = cast(sa.Table, AttemptAnswer.__table__)
# The scores of a submission's answers: one statement (executemany) for all of them.
_SCORED = (sa.update(_ANSWERS).where(_ANSWERS.c.id == sa.bindparam("row_id"))
           .values(fraction=sa.bindparam("fraction"), feedback=sa.bindparam("feedback")))


def _submit(attempt: Attempt, when: datetime) -> None:
    saved = {a.question: a for a in db.session.scalars(sa.select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id))}
    kept: dict[int, AttemptAnswer] = {}
    scored = []
    for index, question in enumerate(attempt.quiz.questions):
        row = saved.get(index)
        if row is None:
            continue
        if row.saved_at > when:
            db.session.delete(row)  # arrived after the time was up: not part of the attempt
            continue
        result = type_of(question).score(question, row.value)
        scored.append({"row_id": row.id, "fraction": result.fraction, "feedback": result.feedback})
        kept[index] = row
    if scored:  # one statement for all the answers, not one UPDATE per answer
        db.session.flush()
        db.session.execute(_SCORED, scored)
        for values in scored:
            row = db.session.get(AttemptAnswer, values["row_id"])
            set_committed_value(row, "fraction", values["fraction"])
            set_committed_value(row, "feedback", values["feedback"])
    attempt.submitted_at = when
    total(attempt, kept)


def total(attempt: Attempt, answers: dict[int, AttemptAnswer] | None = None) -> None:
    """Score, percentage and pass of a submitted attempt, from its answers' fractions
    (``answers``, by question, when the caller has just read them)."""
    questions = attempt.quiz.questions
    if answers is None:
        answers = {a.question: a for a in db.session.scalars(sa.select(AttemptAnswer).where(
            AttemptAnswer.attempt_id == attempt.id))}
    score, maximum, pending = 0.0, 0.0, False
    for index, question in enumerate(questions):
        points = type_of(question).points(question)  # the bundle's weight, else 1
        maximum += points
        row = answers.get(index)
        if row is None:
            continue
        if row.fraction is None:
            pending = True
        else:
            score += row.fraction * points
    attempt.score, attempt.max_score = round(score, 4), maximum
    attempt.percent = round(100 * score / maximum, 2) if maximum else 0.0
    attempt.pending_grading = pending
    attempt.passed = None if pending else attempt.percent >= attempt.quiz.pass_mark
    db.session.flush()


def grade(attempt: Attempt, question_index: int | str, points: float | str, feedback: str, grader: User) -> Attempt:
    """An instructor grades (or regrades) an essay answer; the attempt's totals follow."""
    check_grades(grader, attempt)
    lock(attempt)
    if not attempt.submitted:
        raise Conflict(_("The attempt is not submitted yet."))
    details = []
    try:
        question = attempt.quiz.questions[int(question_index)]
    except (ValueError, TypeError, IndexError):
        raise Invalid(details=[{"field": "question", "message": _("No such question.")}]) from None
    question_type = type_of(question)
    if not question_type.graded_by_hand:
        details.append({"field": "question", "message": _("Only essays are graded by hand.")})
    maximum = question_type.points(question)
    try:
        points = float(points)
    except (TypeError, ValueError):
        points = -1.0
    if not 0 <= points <= maximum:
        details.append({"field": "points", "message": _("Points are between 0 and %(m)s.", m=f"{maximum:g}")})
    if details:
        raise Invalid(details=details)
    row = db.session.scalar(sa.select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question == int(question_index)))
    if row is None:
        row = AttemptAnswer(attempt_id=attempt.id, question=int(question_index), value="",
                            saved_at=attempt.submitted_at)
        db.session.add(row)
    row.fraction = points / maximum
    row.grader_feedback = (feedback or "").strip()[:10_000]
    row.graded_by_id, row.graded_at = grader.id, utcnow()
    db.session.flush()
    was_waiting = attempt.pending_grading
    total(attempt)
    if was_waiting and not attempt.pending_grading:  # the last essay: the fellow has a result
        notify_user(attempt.user, "essay-graded", "quizzes/email/graded.txt",
                    _l("Your essay in %(quiz)s is graded", quiz=attempt.quiz.title), attempt=attempt,
                    grader=grader, link=external_url("quizzes.attempt", attempt_id=attempt.id))
    return attempt


def unanswered(attempt: Attempt) -> list[int]:
    """The positions (from 1, in the attempt's order) of answerable questions left blank:
    what the summary before submitting lists."""
    saved = {a.question: a.value for a in attempt.answers}
    blank = []
    for position, index in enumerate(attempt.layout["questions"], 1):
        question = attempt.quiz.questions[index]
        if type_of(question).answerable and saved.get(index) in (None, "", [], {}):
            blank.append(position)
    return blank


def pending_essays(scope: list[tuple[int, int]] | None) -> list[tuple[Attempt, int]]:
    """Submitted essay answers waiting for a grade, within ``scope``: (course id, fellow id)
    pairs as ``training.grading_scope`` gives them; all when None."""
    # The fellows and quizzes the list names come with it, not one lookup per row.
    stmt = (sa.select(AttemptAnswer, Attempt)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .options(sa.orm.joinedload(Attempt.user), sa.orm.selectinload(Attempt.quiz))
            .where(Attempt.submitted_at.is_not(None), AttemptAnswer.fraction.is_(None))
            .order_by(Attempt.submitted_at))
    if scope is not None:
        if not scope:
            return []
        stmt = (stmt.join(Quiz, Quiz.id == Attempt.quiz_id)
                .join(CourseRevision, CourseRevision.id == Quiz.revision_id)
                .where(sa.tuple_(CourseRevision.course_id, Attempt.user_id).in_(scope)))
    return [(attempt, answer.question) for answer, attempt in db.session.execute(stmt).unique()]


# ------------------------------------------------------------ what is shown


def payload(attempt: Attempt, now: datetime | None = None, titles: bool = False) -> dict:
    """The attempt as the fellow sees it; right answers only once it is submitted. The
    author's question titles (GIFT ``::title::``) only with ``titles``
    (``access.sees_question_titles``): a fellow never reads them."""
    now = now or utcnow()
    quiz = attempt.quiz
    saved = {a.question: a for a in attempt.answers}
    questions = []
    for index in attempt.layout["questions"]:
        question = quiz.questions[index]
        kind = type_of(question)
        item = {"id": str(index), "kind": question["kind"], "text": question.get("text_html", question["text"]),
                **kind.payload(question, attempt.layout["choices"].get(str(index)))}
        if titles:
            item["title"] = question.get("title", "")
        row = saved.get(index)
        item["answer"] = row.value if row else None
        if attempt.submitted:
            maximum = kind.points(question)
            fraction = row.fraction if row else 0.0
            right = kind.right_answer(question)
            item.update({
                "fraction": fraction,
                "verdict": verdict(fraction) if maximum else None,
                "points": (fraction * maximum) if fraction is not None else None,
                "max_points": maximum,
                "feedback": row.feedback if row else "",
                "grader_feedback": row.grader_feedback if row else "",
                "right_answer": str(right) if right else "",
                "right_answers": right.items if right else [],
                "right_answer_heading": right.heading if right else "",
                "general_feedback": question.get("general_feedback_html", ""),
            })
        questions.append(item)
    result = {
        "id": attempt.id, "quiz": quiz.id, "number": attempt.number, "title": quiz.title,
        "started_at": attempt.started_at.isoformat(),
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "seconds_left": max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None,
        "submitted": attempt.submitted, "questions": questions,
    }
    if attempt.submitted:
        result.update(summary(attempt))
    return result


def summary(attempt: Attempt) -> dict:
    return {"score": attempt.score, "max_score": attempt.max_score, "percent": attempt.percent,
            "passed": attempt.passed, "pending_grading": attempt.pending_grading}
