"""The registry of question types: one class per kind owns everything that depends on it.

A question is the dictionary stored with a course revision (the GIFT
:class:`~institute.questions.gift.Question` as a dict, with rendered
``*_html`` texts). Its ``kind`` names the :class:`QuestionType` that reads it
from GIFT, lays it out for an attempt, shows it (its template partial), reads
the fellow's answer from the API or a form, scores it, states the right
answer, counts its choices for the statistics and answers it for the demo —
as CTFd registers its flag and challenge classes. Adding a type is one class
and one template, registered with :func:`register`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from ..errors import Invalid
from .rendering import feedback_html, words

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from .gift import GiftBlock, Question


@dataclass
class RightAnswer:
    """A right answer in words, as a person would say it: one item per part (an accepted
    answer, a choice to tick, a pair), and how the page introduces them."""

    items: list[str]
    heading: str = ""  # e.g. "Accepted answers:"; empty: "Right answer:"

    def __str__(self) -> str:
        return "; ".join(self.items)


@dataclass
class KeyEntry:
    """One answer the author wrote, for the instructors' preview: its words, what it earns
    (a fraction of the question's points) and the feedback a fellow who gives it reads."""

    answer: str
    fraction: float
    feedback: str = ""  # sanitised HTML


@dataclass
class Score:
    fraction: float | None  # None: waits for an instructor
    feedback: str = ""  # the feedback of the answer given, if any, as sanitised HTML (rendering.feedback_html)


def bounded(fraction: float) -> float:
    """A fraction earned, kept within [0, 1]."""
    return min(max(fraction, 0.0), 1.0)


class QuestionType:
    kind = ""
    max_points = 1.0
    graded_by_hand = False
    answerable = True  # False: text only, nothing to answer
    # Where this type stands in GIFT's order of telling kinds apart (Moodle's:
    # empty, '#', '~', '=' with '->', T/F, anything else); None: never read from GIFT.
    gift_order: int | None = None

    # ---------------------------------------------------------------- GIFT

    def claims_gift(self, body: str | None) -> bool:
        """Whether this type reads an answer block with this inside (None: no block at all)."""
        return False

    def read_gift(self, block: GiftBlock, question: Question, opening: int, start: int, end: int) -> None:
        """Fill in the question's answers from the block's span [start, end) ('{' at ``opening``).

        ``question.kind`` is already this type's; errors go to ``block.error``.
        """

    # ---------------------------------------------------------------- answers

    def read(self, question: dict, raw):
        """The answer in its stored form, or Invalid."""
        raise NotImplementedError

    def score(self, question: dict, answer) -> Score:
        raise NotImplementedError

    def points(self, question: dict) -> float:
        """What the question is worth: the ``points`` its quiz entry in course.md gives it
        (stored with the question at import), else its type's own."""
        if not self.max_points:
            return 0.0
        return float(question.get("points") or self.max_points)

    def right_answer(self, question: dict) -> RightAnswer | None:
        """What a right answer is, in words, shown after submission; None: nothing to show
        (an essay, a description)."""
        return None

    def answer_key(self, question: dict) -> list[KeyEntry]:
        """Every answer the author wrote with its weight and feedback, for the preview."""
        return [KeyEntry(words(a), a.get("fraction", 0.0), feedback_html(a)) for a in question.get("answers", [])]

    def _invalid(self, question: dict, message: str) -> Invalid:
        return Invalid(details=[{"field": str(question.get("id", "")), "message": message}])

    # ---------------------------------------------------------------- attempts

    def layout(self, question: dict, shuffle: bool, rng: random.Random) -> list | None:
        """The order its choices are shown in for one attempt; None: it has none."""
        return None

    def payload(self, question: dict, shown: list | None) -> dict:
        """What the fellow sees of it beside its text (never which answer is right)."""
        return {}

    def from_form(self, question: dict, form: MultiDict, name: str):
        """The raw answer posted by its partial (fields named ``name``…); None: nothing sent."""
        return form.get(name) if self.answerable else None

    @property
    def template(self) -> str:
        """Its partial: macros ``take(q, name)`` (the form fields) and ``answer(q)`` (the answer given)."""
        return f"questions/{self.kind}.html"

    # ---------------------------------------------------------------- statistics, demo

    def choices_picked(self, question: dict, answers: list) -> list[tuple[str, int]]:
        """(choice text, times picked) over the answers given (None where none was)."""
        return []

    def demo_answer(self, question: dict, right: bool):
        """A right (or a wrong) answer, as ``read`` takes it, for demo attempts."""
        return None


def verdict(fraction: float | None) -> str:
    """How an answer's fraction reads on the result page: "waiting" (for an instructor's
    grade), "right", "partly" (right) or "wrong"."""
    if fraction is None:
        return "waiting"
    if fraction >= 1 - 1e-9:
        return "right"
    return "partly" if fraction > 0 else "wrong"


TYPES: dict[str, QuestionType] = {}


def register(question_type: QuestionType) -> QuestionType:
    """Add a question type to the registry; its kind must be new."""
    if not question_type.kind or question_type.kind in TYPES:
        raise ValueError(f"question kind {question_type.kind!r} is empty or already registered")
    TYPES[question_type.kind] = question_type
    return question_type


def type_of(question: dict | str) -> QuestionType:
    """The type of a question (or of a kind)."""
    return TYPES[question if isinstance(question, str) else question["kind"]]


def gift_readers() -> list[QuestionType]:
    """The types read from GIFT, in the order they are tried."""
    return sorted((t for t in TYPES.values() if t.gift_order is not None), key=attrgetter("gift_order"))
