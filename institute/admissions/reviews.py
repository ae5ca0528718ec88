"""Reviewers' scores of applications: each admin records their own score (1 to 5) and a
private note on an application, and changes them as often as they like. Admins alone
see them (``training.services.application_for(id, actor, "review")`` loads the
application); applicants never do."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import User
from ..database import utcnow
from ..errors import Invalid
from ..extensions import db
from ..training.models import Application
from .models import ApplicationReview

MAX_NOTE = 5000


@dataclass
class Reviews:
    """An application's reviews, the mean score and the viewer's own review."""

    reviews: list[ApplicationReview] = field(default_factory=list)
    mine: ApplicationReview | None = None

    @property
    def count(self) -> int:
        return len(self.reviews)

    @property
    def mean(self) -> float | None:
        return round(sum(r.score for r in self.reviews) / len(self.reviews), 2) if self.reviews else None


def _score(value, details: list[dict]) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        score = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        score = None
    if score is None or not 1 <= score <= 5 or (isinstance(value, float) and not value.is_integer()):
        details.append({"field": "score", "message": _("The score is a whole number from 1 to 5.")})
        return None
    return score


def record(application: Application, reviewer: User, score, note) -> ApplicationReview:
    """The reviewer's own score and note on the application: made the first time, changed after."""
    details: list[dict] = []
    clean = _score(score, details)
    note = str(note or "").strip()
    if len(note) > MAX_NOTE:
        details.append({"field": "note", "message": _("The note has at most %(n)s characters.", n=MAX_NOTE)})
    if details or clean is None:
        raise Invalid(details=details)
    review = db.session.scalar(sa.select(ApplicationReview).where(
        ApplicationReview.application_id == application.id, ApplicationReview.reviewer_id == reviewer.id))
    if review is None:
        review = ApplicationReview(application_id=application.id, reviewer_id=reviewer.id, score=clean, note=note)
        db.session.add(review)
    else:
        review.score, review.note, review.updated_at = clean, note, utcnow()
    db.session.flush()
    return review


def reviews_of(application_ids: list[int], viewer: User) -> dict[int, Reviews]:
    """Each application's reviews, oldest first, in one statement (the reviewers come with
    a second): for the list page and the CSV."""
    found: dict[int, Reviews] = {i: Reviews() for i in application_ids}
    if not application_ids:
        return found
    rows = list(db.session.scalars(sa.select(ApplicationReview).where(
        ApplicationReview.application_id.in_(application_ids)).order_by(ApplicationReview.id)))
    reviewers = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({r.reviewer_id for r in rows}))).unique()} if rows else {}
    for review in rows:
        review.reviewer = reviewers.get(review.reviewer_id)  # type: ignore[attr-defined]
        entry = found[review.application_id]
        entry.reviews.append(review)
        if review.reviewer_id == viewer.id:
            entry.mine = review
    return found
