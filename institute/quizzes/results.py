"""What training and certificates read of quiz results: who passed which quiz.

A quiz counts as passed when the fellow's best submitted attempt, on any
revision of the course, is at or above the pass mark with every essay graded.
"""

import sqlalchemy as sa

from ..courses.models import CourseRevision, Quiz
from ..database import among
from ..extensions import db
from .models import Attempt, key_of


def _key_by_quiz(quiz_ids: list[int]) -> dict[int, str]:
    """Each quiz's key (``quiz_key``), by quiz id."""
    rows = db.session.execute(sa.select(Quiz.id, CourseRevision.course_id, Quiz.file)
                              .join(CourseRevision, CourseRevision.id == Quiz.revision_id)
                              .where(Quiz.id.in_(quiz_ids)))
    return {quiz_id: key_of(course_id, file) for quiz_id, course_id, file in rows}


def _keys(quiz_ids: list[int], key_by_quiz: dict[int, str] | None = None) -> dict[str, list[int]]:
    """The quizzes' ids by key (a key names a quiz in every revision of its course), from
    ``key_by_quiz`` when the caller read it already."""
    if key_by_quiz is None:
        key_by_quiz = _key_by_quiz(quiz_ids)
    keys: dict[str, list[int]] = {}
    for quiz_id in quiz_ids:
        if quiz_id in key_by_quiz:
            keys.setdefault(key_by_quiz[quiz_id], []).append(quiz_id)
    return keys


def quiz_results(user_ids: list[int], quiz_ids: list[int], key_by_quiz: dict[int, str] | None = None) -> tuple[
        set[tuple[int, int]], set[tuple[int, int]], dict[tuple[int, int], float]]:
    """``passed_quizzes``, ``pending_quizzes`` and ``best_percents`` at once, in two
    statements whatever the number of users and quizzes (progress reads all three); in
    one when the caller already read each quiz's key (``key_by_quiz``)."""
    passed: set[tuple[int, int]] = set()
    pending: set[tuple[int, int]] = set()
    best: dict[tuple[int, int], float] = {}
    if not user_ids or not quiz_ids:
        return passed, pending, best
    keys = _keys(quiz_ids, key_by_quiz)
    submitted = Attempt.submitted_at.is_not(None)
    rows = db.session.execute(
        sa.select(Attempt.user_id, Attempt.quiz_key,
                  sa.func.max(sa.case((Attempt.passed.is_(True), 1), else_=0)),
                  sa.func.max(sa.case((sa.and_(submitted, Attempt.pending_grading.is_(True)), 1), else_=0)),
                  sa.func.max(sa.case((submitted, Attempt.percent), else_=None)))
        .where(among(Attempt.user_id, user_ids), Attempt.quiz_key.in_(list(keys)))
        .group_by(Attempt.user_id, Attempt.quiz_key))
    for user_id, key, any_passed, any_pending, percent in rows:
        for quiz_id in keys[key]:
            if any_passed:
                passed.add((user_id, quiz_id))
            if any_pending:
                pending.add((user_id, quiz_id))
            if percent is not None:
                best[user_id, quiz_id] = max(percent, best.get((user_id, quiz_id), percent))
    return passed, pending, best


def passed_quizzes(user_ids: list[int], quiz_ids: list[int]) -> set[tuple[int, int]]:
    """(user id, quiz id) of each quiz each user has passed."""
    if not user_ids or not quiz_ids:
        return set()
    keys = _keys(quiz_ids)
    rows = db.session.execute(sa.select(Attempt.user_id, Attempt.quiz_key).distinct().where(
        among(Attempt.user_id, user_ids), Attempt.quiz_key.in_(list(keys)), Attempt.passed.is_(True)))
    return {(user_id, quiz_id) for user_id, key in rows for quiz_id in keys[key]}


def pending_quizzes(user_ids: list[int], quiz_ids: list[int]) -> set[tuple[int, int]]:
    """(user id, quiz id) where a submitted attempt waits for an essay grade."""
    if not user_ids or not quiz_ids:
        return set()
    keys = _keys(quiz_ids)
    rows = db.session.execute(sa.select(Attempt.user_id, Attempt.quiz_key).distinct().where(
        among(Attempt.user_id, user_ids), Attempt.quiz_key.in_(list(keys)),
        Attempt.submitted_at.is_not(None), Attempt.pending_grading.is_(True)))
    return {(user_id, quiz_id) for user_id, key in rows for quiz_id in keys[key]}


def best_percents(user_ids: list[int], quiz_ids: list[int]) -> dict[tuple[int, int], float]:
    """(user id, quiz id): the best percent of each user's submitted attempts at each quiz
    (on any revision), for saying how far a fellow is from passing."""
    if not user_ids or not quiz_ids:
        return {}
    keys = _keys(quiz_ids)
    rows = db.session.execute(
        sa.select(Attempt.user_id, Attempt.quiz_key, sa.func.max(Attempt.percent)).where(
            among(Attempt.user_id, user_ids), Attempt.quiz_key.in_(list(keys)),
            Attempt.submitted_at.is_not(None), Attempt.percent.is_not(None))
        .group_by(Attempt.user_id, Attempt.quiz_key))
    best: dict[tuple[int, int], float] = {}
    for user_id, key, percent in rows:
        for quiz_id in keys[key]:
            best[user_id, quiz_id] = max(percent, best.get((user_id, quiz_id), percent))
    return best
