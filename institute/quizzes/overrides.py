"""Per-fellow overrides of a quiz: an extra attempt, more time (an accommodation).

The one rule of how many attempts a fellow has and how long each lasts is here:
``allowed_attempts(user, quiz)`` and ``time_limit_for(user, quiz)``, read by
``attempts.start`` and by the quiz page. An override is granted with a reason by an
instructor of the fellow's session or an admin (``access.check_grants``), counts until
revoked, and stays on record (who granted it, when, why; who revoked it, when).
"""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..courses.models import Quiz
from ..database import utcnow
from ..door import DB_INT_MAX
from ..errors import Invalid
from ..extensions import db
from . import roster
from .access import check_grants, course_of
from .models import QuizOverride, quiz_key

MAX_EXTRA_ATTEMPTS = 20
MAX_EXTRA_MINUTES = 24 * 60
MAX_MULTIPLIER = 4.0
MAX_REASON = 2000


def active_overrides(user_id: int, quiz: Quiz) -> list[QuizOverride]:
    return list(db.session.scalars(sa.select(QuizOverride).where(
        QuizOverride.user_id == user_id, QuizOverride.quiz_key == quiz_key(quiz),
        QuizOverride.revoked_at.is_(None)).order_by(QuizOverride.id)))


@dataclass
class Allowance:
    """What a fellow has on a quiz, the overrides counted: None is unlimited / no limit."""
    attempts: int | None
    minutes: int | None
    extra_attempts: int
    extra_minutes: int  # minutes beyond the quiz's time limit, the multiplier included


def allowance(user, quiz: Quiz) -> Allowance:
    """The quiz's attempts and time limit for this fellow, with their active overrides: the
    quiz's attempts plus the extra ones (unlimited stays unlimited); the time limit times
    the largest multiplier, plus the extra minutes (no limit stays no limit)."""
    overrides = active_overrides(user.id, quiz) if user is not None and user.is_authenticated else []
    extra_attempts = sum(o.extra_attempts for o in overrides)
    attempts = quiz.max_attempts + extra_attempts if quiz.max_attempts else None
    minutes = None
    if quiz.time_limit_minutes:
        factor = max([o.time_multiplier for o in overrides] + [1.0])
        minutes = math.ceil(quiz.time_limit_minutes * factor) + sum(o.extra_minutes for o in overrides)
    return Allowance(attempts, minutes, extra_attempts if attempts else 0,
                     (minutes - quiz.time_limit_minutes) if minutes and quiz.time_limit_minutes else 0)


def allowed_attempts(user, quiz: Quiz) -> int | None:
    """How many attempts this fellow has at this quiz; None: unlimited."""
    return allowance(user, quiz).attempts


def time_limit_for(user, quiz: Quiz) -> int | None:
    """The minutes an attempt of this fellow at this quiz lasts; None: no time limit."""
    return allowance(user, quiz).minutes


def _whole(value, field: str, maximum: int, details: list) -> int:
    if value in (None, ""):
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or math.isnan(number) or number != int(number) or not 0 <= number <= maximum:
        details.append({"field": field, "message": _("A whole number from 0 to %(m)s.", m=maximum)})
        return 0
    return int(number)


def _multiplier(value, details: list) -> float:
    if value in (None, ""):
        return 1.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or math.isnan(number) or not 1 <= number <= MAX_MULTIPLIER:
        details.append({"field": "time_multiplier",
                        "message": _("A multiplier from 1 to %(m)s (1.5 is half as long again).",
                                     m=int(MAX_MULTIPLIER))})
        return 1.0
    return round(number, 2)


def fellow_by_reference(reference) -> User | None:
    """A user by id (a number, or digits) or by email."""
    if isinstance(reference, bool):
        return None
    if isinstance(reference, int) or (isinstance(reference, str) and reference.strip().isdigit()):
        number = int(reference)
        return db.session.get(User, number) if 0 < number <= DB_INT_MAX else None
    if isinstance(reference, str) and "@" in reference:
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == reference.strip().lower()))
    return None


def grant(quiz: Quiz, fellow_reference, actor: User, extra_attempts=0, extra_minutes=0,
          time_multiplier=None, reason: str = "", now: datetime | None = None) -> QuizOverride:
    """Grant a fellow of one's session extra attempts and/or more time on a quiz, with a reason."""
    check_grants(actor, quiz)
    details: list[dict] = []
    fellow = fellow_by_reference(fellow_reference)
    if fellow is None or not fellow.has_role("trainee") or not roster.studies(fellow, course_of(quiz).id):
        details.append({"field": "user", "message": _("No fellow of a session with this course is known by "
                                                      "that name.")})
    attempts = _whole(extra_attempts, "extra_attempts", MAX_EXTRA_ATTEMPTS, details)
    minutes = _whole(extra_minutes, "extra_minutes", MAX_EXTRA_MINUTES, details)
    multiplier = _multiplier(time_multiplier, details)
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason:
        details.append({"field": "reason", "message": _("Give the reason: it stays on record.")})
    elif len(reason) > MAX_REASON:
        details.append({"field": "reason", "message": _("At most %(n)s characters.", n=MAX_REASON)})
    if not details and not attempts and not minutes and multiplier == 1.0:
        details.append({"field": "extra_attempts",
                        "message": _("Grant at least one extra attempt, extra minutes or a multiplier.")})
    if details:
        raise Invalid(details=details)
    assert fellow is not None
    check_grants(actor, quiz, fellow.id)
    override = QuizOverride(quiz_id=quiz.id, quiz_key=quiz_key(quiz), user_id=fellow.id,
                            extra_attempts=attempts, extra_minutes=minutes, time_multiplier=multiplier,
                            reason=reason, granted_by_id=actor.id, created_at=now or utcnow())
    db.session.add(override)
    db.session.flush()
    return override


def revoke(override: QuizOverride, actor: User, now: datetime | None = None) -> QuizOverride:
    """Revoke an override: it no longer counts, and stays on record. Revoking twice is a no-op."""
    check_grants(actor, override.quiz, override.user_id)
    if override.revoked_at is None:
        override.revoked_at, override.revoked_by_id = now or utcnow(), actor.id
        db.session.flush()
    return override


def overrides_of(quiz: Quiz, actor: User, fellow_ids: list[int] | None = None) -> list[QuizOverride]:
    """The quiz's overrides (active and revoked, newest first) of the fellows the actor
    grants overrides to, among ``fellow_ids`` when given."""
    check_grants(actor, quiz)
    stmt = (sa.select(QuizOverride).where(QuizOverride.quiz_key == quiz_key(quiz))
            .options(sa.orm.joinedload(QuizOverride.user), sa.orm.joinedload(QuizOverride.granted_by),
                     sa.orm.joinedload(QuizOverride.revoked_by))
            .order_by(QuizOverride.id.desc()))
    if fellow_ids is not None:
        stmt = stmt.where(QuizOverride.user_id.in_(fellow_ids))
    scope = roster.grading_scope(actor)
    rows = list(db.session.scalars(stmt).unique())
    if scope is None:
        return rows
    course_id = course_of(quiz).id
    allowed = {fellow for course, fellow in scope if course == course_id}
    return [o for o in rows if o.user_id in allowed]


def serialise(override: QuizOverride) -> dict:
    return {
        "id": override.id, "quiz": override.quiz_id, "user": override.user_id,
        "user_name": override.user.name, "extra_attempts": override.extra_attempts,
        "extra_minutes": override.extra_minutes, "time_multiplier": override.time_multiplier,
        "reason": override.reason, "granted_by": override.granted_by_id,
        "granted_at": override.created_at.isoformat(),
        "revoked_at": override.revoked_at.isoformat() if override.revoked_at else None,
        "revoked_by": override.revoked_by_id,
    }
