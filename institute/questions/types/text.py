"""Questions answered in words: short answer, essay; and the description, answered not at all."""

import re

from flask_babel import gettext as _

from ..gift import read_answer, require_full_credit, split_answers
from ..registry import QuestionType, RightAnswer, Score, bounded
from ..rendering import feedback_html


def _matches(pattern: str, text: str) -> bool:
    """Moodle's short-answer comparison: case-insensitive, '*' matches anything."""
    regex = ".*".join(re.escape(part) for part in pattern.strip().split("*"))
    return re.fullmatch(regex, text.strip(), re.IGNORECASE | re.DOTALL) is not None


class ShortAnswer(QuestionType):
    """The best accepted answer that matches scores, ignoring case and the space around it;
    ``*`` matches any text, as in Moodle."""

    kind = "shortanswer"
    gift_order = 90  # Moodle's last resort: any other block is a short answer

    def claims_gift(self, body):
        return body is not None

    def read_gift(self, block, question, opening, start, end):
        for _marker, piece_start, piece_end in split_answers(block, start, end, "="):
            answer = read_answer(block, piece_start, piece_end, 1.0, question.text_format)
            answer.text_format = "plain"  # compared with what the fellow types, as Moodle does
            if not answer.text:
                block.error(piece_start, "empty answer")
            question.answers.append(answer)
        require_full_credit(block, question, opening)

    def read(self, question, raw):
        if raw is None:
            raw = ""
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise self._invalid(question, "Answer with text.")
        return str(raw)[:1000]

    def score(self, question, answer):
        matching = [a for a in question["answers"] if _matches(a["text"], answer)]
        if not matching or not answer.strip():
            return Score(0.0)
        best = max(matching, key=lambda a: a["fraction"])
        return Score(bounded(best["fraction"]), feedback_html(best))

    def right_answer(self, question):
        """The accepted answers, one item each."""
        items = [a["text"] for a in question["answers"] if a["fraction"] >= 1]
        return RightAnswer(items, _("Accepted answers (any one of them):") if len(items) > 1 else "")

    def demo_answer(self, question, right):
        return next(a["text"].replace("*", "") for a in question["answers"] if a["fraction"] >= 1) if right else "?"


class Essay(QuestionType):
    """Waits for an instructor, who gives the points; an empty essay is worth nothing at once."""

    kind = "essay"
    graded_by_hand = True
    gift_order = 10

    def claims_gift(self, body):
        return body == ""

    def read(self, question, raw):
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise self._invalid(question, "Answer with text.")
        return raw[:50_000]

    def score(self, question, answer):
        if not str(answer or "").strip():
            return Score(0.0)  # nothing to grade
        return Score(None)  # an instructor grades it

    def demo_answer(self, question, right):
        return "" if not right else ("In my district we would start with straw checkerboards on the moving dunes, "
                                     "then plant Salix and Caragana inside them once the surface is stable.")


class Description(QuestionType):
    """Text between questions: no answer block, no points."""

    kind = "description"
    max_points = 0.0
    answerable = False
    gift_order = 0

    def claims_gift(self, body):
        return body is None

    def read(self, question, raw):
        return None

    def score(self, question, answer):
        return Score(0.0)
