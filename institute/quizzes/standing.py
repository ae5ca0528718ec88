"""Where a fellow stands with a quiz, in one word the pages turn into a sentence.

"Waiting for grading" (an essay not graded yet: the result may still be a pass)
is told apart from "cannot pass any more" (every attempt used, none passed,
nothing left to grade) here, once, for the quiz page and the result page.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..courses.models import Quiz
from ..database import utcnow
from . import roster
from .attempts import GRACE, attempts_of
from .overrides import allowed_attempts


class State(StrEnum):
    PASSED = "passed"
    WAITING = "waiting"  # a submitted attempt waits for an essay grade
    IN_PROGRESS = "in_progress"
    CANNOT_PASS = "cannot_pass"  # noqa: S105 (a state, not a password): no attempts left, none passed, nothing to grade
    CLOSED = "closed"  # its deadline on the schedule has passed, not passed
    MAY_TRY_AGAIN = "may_try_again"
    NOT_STARTED = "not_started"


@dataclass
class Standing:
    state: State
    used: int
    left: int | None  # None: unlimited
    best: float | None  # the best percent of the submitted attempts
    pass_mark: float
    closes_at: datetime | None = None  # a deadline on the schedule


def standing(user, quiz: Quiz) -> Standing:
    """The fellow's standing with the quiz, over its attempts on every revision."""
    mine = attempts_of(user, quiz)
    now = utcnow()
    submitted = [a for a in mine if a.submitted]
    running = [a for a in mine if not a.submitted and (a.deadline is None or now <= a.deadline + GRACE)]
    allowed = allowed_attempts(user, quiz)  # with the fellow's extra attempts
    left = max(allowed - len(mine), 0) if allowed else None
    best = max((a.percent for a in submitted if a.percent is not None), default=None)
    if any(a.passed for a in submitted):
        state = State.PASSED
    elif any(a.pending_grading for a in submitted):
        state = State.WAITING
    elif running:
        state = State.IN_PROGRESS
    elif left == 0:
        state = State.CANNOT_PASS
    elif submitted:
        state = State.MAY_TRY_AGAIN
    else:
        state = State.NOT_STARTED
    closes = roster.closes_at(user, quiz)
    if closes is not None and now >= closes and state in (State.MAY_TRY_AGAIN, State.NOT_STARTED):
        state = State.CLOSED
    return Standing(state, len(mine), left, best, quiz.pass_mark, closes)
