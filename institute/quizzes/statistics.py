"""Statistics of a quiz over its submitted attempts (every revision of it).

Per question: facility (mean score, in %), discrimination (the correlation of
the question's score with the rest of the quiz, as Moodle's item analysis
computes it) and how often each choice was picked.
"""

import statistics as stats
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..courses.models import Quiz
from ..extensions import db
from ..questions import type_of
from .attempts import quiz_key
from .models import Attempt, AttemptAnswer


@dataclass
class QuestionStatistics:
    index: int
    title: str
    kind: str
    answered: int = 0
    facility: float | None = None  # mean score in %
    discrimination: float | None = None  # -1 … 1
    choices: list[tuple[str, int]] = field(default_factory=list)  # (choice text, times picked)
    id_number: str = ""  # the author's marks from GIFT ('[id:…]', '[tag:…]'), for the instructors
    tags: list[str] = field(default_factory=list)


@dataclass
class QuizStatistics:
    attempts: int
    mean: float | None
    median: float | None
    questions: list[QuestionStatistics]


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return stats.correlation(xs, ys)


def quiz_statistics(quiz: Quiz) -> QuizStatistics:
    attempts = list(db.session.execute(sa.select(Attempt.id, Attempt.percent).where(
        Attempt.quiz_key == quiz_key(quiz), Attempt.submitted_at.is_not(None))).tuples())
    percents = [p for _id, p in attempts if p is not None]
    ids = [a for a, _p in attempts]
    rows = db.session.execute(sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question,
                                        AttemptAnswer.value, AttemptAnswer.fraction)
                              .where(AttemptAnswer.attempt_id.in_(ids))).all() if ids else []
    by_attempt: dict[int, dict[int, tuple]] = {}
    for attempt_id, question, value, fraction in rows:
        by_attempt.setdefault(attempt_id, {})[question] = (value, fraction)
    result = []
    # Each question's points (the bundle's weights): the rest of the quiz is counted in points.
    weights = {index: type_of(question).points(question) for index, question in enumerate(quiz.questions)}
    for index, question in enumerate(quiz.questions):
        kind = question["kind"]
        item = QuestionStatistics(index, question.get("title") or question["text"][:60], kind,
                                  id_number=question.get("id_number", ""), tags=question.get("tags", []))
        if not weights[index]:
            result.append(item)
            continue
        scores, rests = [], []
        for attempt_id in ids:
            answers = by_attempt.get(attempt_id, {})
            own = answers.get(index, (None, 0.0))[1]
            if own is None:
                continue  # an essay not graded yet
            rest = sum(f * weights.get(q, 0.0) for q, (_v, f) in answers.items() if f is not None and q != index)
            scores.append(own)
            rests.append(rest)
        item.answered = sum(1 for a in ids if index in by_attempt.get(a, {}))
        if scores:
            item.facility = round(100 * stats.fmean(scores), 1)
            correlation = _correlation(scores, rests)
            item.discrimination = round(correlation, 2) if correlation is not None else None
        item.choices = type_of(kind).choices_picked(
            question, [by_attempt.get(a, {}).get(index, (None, None))[0] for a in ids])
        result.append(item)
    return QuizStatistics(
        len(ids),
        round(stats.fmean(percents), 1) if percents else None,
        round(stats.median(percents), 1) if percents else None,
        result,
    )

