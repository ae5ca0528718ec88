"""Quizzes and attempts, each loaded for an actor and a purpose, or refused.

The one place that decides who reads, takes and grades: the web pages, the API and
the services themselves (``attempts.start``, ``attempts.grade``) all ask here, so a
refusal reads the same wherever it is met.
"""

from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..courses.models import Course, CourseRevision, Quiz
from ..courses.services import may_edit, may_read
from ..errors import Forbidden, NotFound
from ..extensions import db
from . import roster
from .models import Attempt, QuizOverride, quiz_key

QuizPurpose = Literal["read", "take", "statistics", "preview"]
AttemptPurpose = Literal["read", "answer", "grade"]


def course_of(quiz: Quiz) -> Course:
    return quiz.revision.course


def may_take(user, quiz: Quiz) -> bool:
    """Fellows enrolled in a session with the quiz's course take it."""
    return bool(user is not None and user.is_authenticated and user.has_role("trainee")
                and roster.studies(user, course_of(quiz).id))


def check_may_take(user, quiz: Quiz) -> None:
    if not may_take(user, quiz):
        raise Forbidden(_("Only fellows enrolled in a session with this course take its quizzes."))


def teaches_quiz(user, quiz: Quiz) -> bool:
    """Admins, and the teachers of a session with the quiz's course."""
    return roster.may_grade(user, course_of(quiz).id)


def may_preview(user, quiz: Quiz) -> bool:
    """Who previews a quiz (every question with its right answers, no attempt made) and
    reads the author's question titles: the teachers of a session with its course, the
    staff of the institution that owns the course, and admins. Never its fellows."""
    return teaches_quiz(user, quiz) or may_edit(user, course_of(quiz))


def sees_question_titles(user, quiz: Quiz) -> bool:
    """The author's internal question names (GIFT ``::title::``) are for those who
    preview the quiz; fellows see "Question 1", "Question 2"."""
    return may_preview(user, quiz)


def quiz_for(quiz_id: int, actor, purpose: QuizPurpose = "read") -> Quiz:
    """The quiz, for an actor who may read its revision (a draft's quiz is unknown to
    others), then take it, see its statistics or preview it, as ``purpose`` says."""
    # With its revision and course, which every purpose reads: one statement, not three.
    quiz = db.session.get(Quiz, quiz_id, options=[joinedload(Quiz.revision).joinedload(CourseRevision.course)])
    if quiz is None or not may_read(actor, quiz.revision):
        raise NotFound(_("No such quiz."))
    if purpose == "take":
        check_may_take(actor, quiz)
    elif purpose == "statistics" and not teaches_quiz(actor, quiz):
        raise Forbidden(_("Only instructors of a session with this course see its statistics."))
    elif purpose == "preview" and not may_preview(actor, quiz):
        raise Forbidden(_("Only the instructors of a session with this course, the staff of its institution "
                          "and admins preview its quizzes."))
    return quiz


def grades(user, attempt: Attempt) -> bool:
    """The user grades this attempt: admins, and the teachers of the fellow's session."""
    return roster.may_grade(user, course_of(attempt.quiz).id, attempt.user_id)


def check_grades(user, attempt: Attempt) -> None:
    if not grades(user, attempt):
        raise Forbidden(_("Only the instructors of this fellow's session grade it."))


def owns(user, attempt: Attempt) -> bool:
    return user is not None and user.is_authenticated and attempt.user_id == user.id


def check_owner(user, attempt: Attempt) -> None:
    """Only the fellow whose attempt it is answers and submits it."""
    if not owns(user, attempt):
        raise Forbidden(_("This is not your attempt."))


def attempt_for(attempt_id: int, actor, purpose: AttemptPurpose = "read") -> Attempt:
    """The attempt, for its fellow (to read and answer) or its graders (to read and grade).
    To answer, it is read locked, with its quiz (``locked_attempt``)."""
    attempt = locked_attempt(attempt_id) if purpose == "answer" else db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound(_("No such attempt."))
    if purpose == "answer":
        check_owner(actor, attempt)
    if purpose == "read" and not owns(actor, attempt) and not grades(actor, attempt):
        raise Forbidden(_("This is not your attempt."))
    if purpose == "grade":
        check_grades(actor, attempt)
    return attempt


def locked_attempt(attempt_id: int) -> Attempt | None:
    """The attempt taken for this transaction, read again as it is now, with its quiz.

    Saves, submission and grades each change an attempt from what they read of it;
    two of them at once (two tabs, two instructors) must run one after the other.
    PostgreSQL locks the row (SELECT … FOR UPDATE OF attempts: never the quiz, which
    every fellow taking it reads); SQLite renders no FOR UPDATE, its transaction
    holding the write lock from its start. One statement."""
    attempt = db.session.get(Attempt, attempt_id, options=[joinedload(Attempt.quiz)], populate_existing=True,
                             with_for_update={"of": Attempt})
    if attempt is not None:
        sa.inspect(attempt).info["locked in"] = db.session().get_transaction()
    return attempt


def lock(attempt: Attempt) -> Attempt:
    """``attempt``, taken for this transaction unless it already is (loaded to answer)."""
    taken_in = sa.inspect(attempt).info.get("locked in")
    if taken_in is None or taken_in is not db.session().get_transaction():
        locked_attempt(attempt.id)
    return attempt


def grading_scope(user) -> list[tuple[int, int]] | None:
    """What the user grades, for the list of essays waiting: None for everything."""
    return roster.grading_scope(user)


def check_grader(user) -> None:
    """Only people who grade someone see the grading queue."""
    scope = roster.grading_scope(user)
    if scope is not None and not scope and not user.has_role("instructor"):
        raise Forbidden(_("Only the instructors of a session grade its fellows."))


def check_grants(user, quiz: Quiz, fellow_id: int | None = None) -> None:
    """Who grants a fellow an override (an extra attempt, more time) on a quiz: admins,
    and the teachers of the fellow's session with the quiz's course. Without a fellow:
    whether the user may see and grant any (they teach a session with the course)."""
    if not teaches_quiz(user, quiz) or (
            fellow_id is not None and not roster.may_grade(user, course_of(quiz).id, fellow_id)):
        raise Forbidden(_("Only the instructors of this fellow's session and admins grant extra attempts "
                          "or time."))


def override_for(override_id: int, quiz: Quiz, actor) -> QuizOverride:
    """An override of this quiz, for someone who grants overrides to its fellow."""
    override = db.session.get(QuizOverride, override_id)
    if override is None or override.quiz_key != quiz_key(quiz):
        raise NotFound(_("No such override."))
    check_grants(actor, quiz, override.user_id)
    return override
