"""Grading at the pace of a cohort: the essays of one quiz in one session, one after another.

An instructor grading an essay works in a queue: the essays of the same quiz (any
revision) by the fellows of the same session, in the order they were submitted.
``queue`` gives its progress ("3 of 7 essays left") and the next essay waiting after
the one in hand. Which session: the one the grader came from (``?session=``), else
the latest in which they grade this fellow in this course (``roster.grading_session``).

Beside an essay, its word count and the expected length when the question states
it: a convention in the question's text ("300–500 words", "at most 400 words",
"at least 200 words", "about 300 words"), which fellows read too.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..courses.models import Quiz
from ..extensions import db
from . import roster
from .access import course_of
from .models import Attempt, AttemptAnswer, quiz_key


@dataclass
class Queue:
    session_id: int | None
    total: int  # essays of this quiz in this session, graded or not
    left: int  # waiting for a grade
    next: tuple[int, int] | None  # (attempt id, question) of the next essay waiting


def session_for_grading(grader, attempt: Attempt, requested: int | None) -> int | None:
    """The session whose essays the grader goes through: the one asked for when the grader
    grades its fellows in this course and the fellow is one of them; else the latest in
    which they grade this fellow."""
    course_id = course_of(attempt.quiz).id
    if requested is not None:
        cohort = roster.grading_cohort(grader, requested, course_id)
        if cohort is not None and attempt.user_id in cohort:
            return requested
    return roster.grading_session(grader, attempt.user_id, course_id)


def queue(quiz: Quiz, grader, session_id: int | None, after: tuple[int, int] | None = None) -> Queue:
    """The essays of this quiz by the fellows of the session the grader grades; the next
    one waiting comes after ``after`` (attempt id, question) in submission order, wrapping."""
    cohort = roster.grading_cohort(grader, session_id, course_of(quiz).id) if session_id is not None else None
    if not cohort:
        return Queue(session_id, 0, 0, None)
    # An essay is an answer scored by hand: waiting (no fraction) or graded by someone.
    rows = db.session.execute(
        sa.select(Attempt.id, AttemptAnswer.question, AttemptAnswer.fraction.is_(None))
        .join(AttemptAnswer, AttemptAnswer.attempt_id == Attempt.id)
        .where(Attempt.quiz_key == quiz_key(quiz), Attempt.submitted_at.is_not(None),
               Attempt.user_id.in_(cohort),
               sa.or_(AttemptAnswer.fraction.is_(None), AttemptAnswer.graded_by_id.is_not(None)))
        .order_by(Attempt.submitted_at, Attempt.id, AttemptAnswer.question)).all()
    waiting = [(attempt_id, question) for attempt_id, question, pending in rows if pending]
    following = None
    if waiting:
        keys = [(a, q) for a, q, _pending in rows]
        position = keys.index(after) if after in keys else -1
        later = [key for key in keys[position + 1:] if key in waiting]
        earlier = [key for key in waiting if key != after]
        following = later[0] if later else (earlier[0] if earlier else None)
    return Queue(session_id, len(rows), len(waiting), following)


# ------------------------------------------------------------ the essay's length

_NUMBER = r"(\d{1,5})"
_RANGE = re.compile(_NUMBER + r"\s*(?:–|—|-|to)\s*" + _NUMBER + r"\s+words\b", re.IGNORECASE)
_AT_MOST = re.compile(r"\b(?:at most|up to|no more than|maximum(?: of)?)\s+" + _NUMBER + r"\s+words\b",
                      re.IGNORECASE)
_AT_LEAST = re.compile(r"\b(?:at least|no fewer than|minimum(?: of)?)\s+" + _NUMBER + r"\s+words\b",
                       re.IGNORECASE)
_ABOUT = re.compile(r"\b(?:about|around|some|roughly|approximately)\s+" + _NUMBER + r"\s+words\b",
                    re.IGNORECASE)


def expected_length(question: dict) -> tuple[int | None, int | None] | None:
    """(fewest, most) words the question asks for, either end open; None when it says nothing.
    "about N words" is read as N less a fifth to N and a fifth more."""
    text = question.get("text", "")
    if match := _RANGE.search(text):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        return low, high
    if match := _AT_MOST.search(text):
        return None, int(match.group(1))
    if match := _AT_LEAST.search(text):
        return int(match.group(1)), None
    if match := _ABOUT.search(text):
        n = int(match.group(1))
        return round(n * 0.8), round(n * 1.2)
    return None


def word_count(answer) -> int:
    return len(str(answer).split()) if answer else 0


def length_note(question: dict, answer) -> dict:
    """The essay's word count beside the expected length: what the grading page shows."""
    count = word_count(answer)
    expected = expected_length(question)
    words = ngettext("%(num)d word", "%(num)d words", count)
    if expected is None:
        return {"words": count, "text": words, "outside": False}
    low, high = expected
    if low is not None and high is not None:
        wanted = _("expected %(low)s–%(high)s", low=low, high=high)
    elif high is not None:
        wanted = _("expected at most %(high)s", high=high)
    else:
        wanted = _("expected at least %(low)s", low=low)
    outside = (low is not None and count < low) or (high is not None and count > high)
    note = _("shorter than expected") if low is not None and count < low else (
        _("longer than expected") if outside else "")
    return {"words": count, "text": f"{words}; {wanted}" + (f" ({note})" if note else ""), "outside": outside}
