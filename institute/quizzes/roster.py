"""Who studies and who teaches a course: the port through which quizzes asks training.

Training's sessions decide who takes a course's quizzes (their accepted fellows) and
who grades them (their teachers, and admins). Training is the higher domain (its
completion rule reads quiz results), so quizzes never imports it: training registers
itself here when it is imported (``institute/training/__init__.py``). Until then every
question is answered "no", so nothing opens by accident.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol


class Roster(Protocol):
    def studies(self, user, course_id: int) -> bool: ...

    def may_grade(self, user, course_id: int, fellow_id: int | None = None) -> bool: ...

    def grading_scope(self, user) -> list[tuple[int, int]] | None: ...

    def grading_cohort(self, user, session_id: int, course_id: int) -> list[int] | None: ...

    def grading_session(self, user, fellow_id: int, course_id: int) -> int | None: ...


class _Nobody:
    def studies(self, user, course_id: int) -> bool:
        return False

    def may_grade(self, user, course_id: int, fellow_id: int | None = None) -> bool:
        return False

    def grading_scope(self, user) -> list[tuple[int, int]] | None:
        return []

    def grading_cohort(self, user, session_id: int, course_id: int) -> list[int] | None:
        return None

    def grading_session(self, user, fellow_id: int, course_id: int) -> int | None:
        return None


_roster: Roster = _Nobody()


def register(roster: Roster) -> None:
    global _roster
    _roster = roster


def studies(user, course_id: int) -> bool:
    """The user is an accepted fellow of a session with this course."""
    return bool(user is not None and user.is_authenticated and _roster.studies(user, course_id))


def may_grade(user, course_id: int, fellow_id: int | None = None) -> bool:
    """The user grades this fellow in this course (without a fellow: teaches the course)."""
    return bool(user is not None and user.is_authenticated and _roster.may_grade(user, course_id, fellow_id))


def grading_scope(user) -> list[tuple[int, int]] | None:
    """(course id, fellow id) pairs the user grades; None for everything (admins)."""
    if user is None or not user.is_authenticated:
        return []
    return _roster.grading_scope(user)


# When a quiz closes for a fellow is the schedule's to say (a deadline event may close a
# quiz); it registers here (``institute/schedule/__init__.py``). Until then no quiz closes.
def _never(user, quiz) -> datetime | None:
    return None


_closing: Callable[..., datetime | None] = _never


def register_closing(closes_at: Callable[..., datetime | None]) -> None:
    global _closing
    _closing = closes_at


def closes_at(user, quiz) -> datetime | None:
    """When the quiz closes for this fellow; None while it stays open."""
    if user is None or not user.is_authenticated:
        return None
    return _closing(user, quiz)

def grading_cohort(user, session_id: int, course_id: int) -> list[int] | None:
    """The fellows of session ``session_id`` if the user grades them in this course (an
    admin, or a teacher of that session, which has the course); None otherwise."""
    if user is None or not user.is_authenticated:
        return None
    return _roster.grading_cohort(user, session_id, course_id)


def grading_session(user, fellow_id: int, course_id: int) -> int | None:
    """A session in which the user grades this fellow in this course (the latest), or None."""
    if user is None or not user.is_authenticated:
        return None
    return _roster.grading_session(user, fellow_id, course_id)
