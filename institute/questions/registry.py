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

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from .gift import GiftBlock, Question


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

    def right_answer(self, question: dict) -> str:
        """What a right answer is, shown after submission."""
        return ""

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
