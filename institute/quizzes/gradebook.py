"""Gradebooks: fellows × quizzes, each cell the fellow's best attempt."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..courses.models import Quiz
from ..database import among
from ..extensions import db
from .models import Attempt, quiz_key


@dataclass
class Cell:
    percent: float | None  # best submitted attempt; None: no attempt yet
    passed: bool | None
    pending: bool
    attempts: int
    attempt_id: int | None = None  # the best submitted attempt, else the latest started

    @property
    def failing(self) -> bool:
        """Submitted, every essay graded, and below the pass mark."""
        return self.percent is not None and not self.pending and self.passed is False


def best_attempts(user_ids: list[int], quizzes: list[Quiz]) -> dict[tuple[int, int], Cell]:
    """(user id, quiz id) → the best submitted attempt, in one query for everybody."""
    keys = {quiz_key(q): q.id for q in quizzes}
    cells: dict[tuple[int, int], Cell] = {}
    if not user_ids or not keys:
        return cells
    rows = db.session.execute(sa.select(
        Attempt.user_id, Attempt.quiz_key, Attempt.percent, Attempt.passed, Attempt.pending_grading,
        Attempt.submitted_at, Attempt.id).where(among(Attempt.user_id, user_ids), Attempt.quiz_key.in_(list(keys)))
        .order_by(Attempt.number))
    for user_id, key, percent, passed, pending, submitted, attempt_id in rows:
        cell = cells.setdefault((user_id, keys[key]), Cell(None, None, False, 0))
        cell.attempts += 1
        if submitted is None:
            if cell.percent is None:
                cell.attempt_id = attempt_id
            continue
        better = cell.percent is None or (percent or 0) > cell.percent or (passed and not cell.passed)
        if better:
            cell.percent, cell.passed, cell.pending, cell.attempt_id = percent, passed, pending, attempt_id
    return cells
