"""Two instructors grading two essays of one attempt at the same moment: both grades count."""

import threading

import sqlalchemy as sa

from institute.accounts.models import User
from institute.database import transaction
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.models import Attempt

from ..builders import create_attempt, create_quiz, create_user
from ..training.test_concurrency import committed_app  # noqa: F401 - the fixture

TWO_ESSAYS = "::E1::Describe a straw checkerboard. {}\n\n::E2::Describe a shelterbelt. {}\n\n::TF::Sand moves.{T}\n"


def test_two_grades_at_once(committed_app, monkeypatch):  # noqa: F811
    app = committed_app
    with app.app_context(), transaction():
        attempt = create_attempt(create_quiz(TWO_ESSAYS, slug="essays", title="Essays"), state="submitted",
                                 answers={"0": "Squares of straw.", "1": "Rows of trees.", "2": True})
        graders = [create_user(roles="admin").id, create_user(roles="admin").id]
        attempt_id = attempt.id

    total = attempts.total
    both_grading = threading.Barrier(2)

    def meeting_total(attempt):
        # Without a lock, both graders get here before either commits, and each would write
        # totals that miss the other's grade. With it, the second waits at the start of
        # grade(), so the first goes on alone after the timeout.
        try:
            both_grading.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        total(attempt)

    monkeypatch.setattr(attempts, "total", meeting_total)
    barrier = threading.Barrier(2)
    errors = []

    def grade(question, grader_id):
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    attempts.grade(db.session.get(Attempt, attempt_id), question, 1, "ok",
                                   db.session.get(User, grader_id))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                errors.append(repr(exc))

    threads = [threading.Thread(target=grade, args=(q, g)) for q, g in zip((0, 1), graders, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        row = db.session.execute(sa.select(Attempt.score, Attempt.pending_grading, Attempt.passed)
                                 .where(Attempt.id == attempt_id)).one()
    assert tuple(row) == (3.0, False, True)
