"""True/false: all or nothing, with a feedback for each answer."""

from flask_babel import gettext as _

from ..gift import formatted_part
from ..registry import KeyEntry, QuestionType, RightAnswer, Score
from ..rendering import feedback_html

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class TrueFalse(QuestionType):
    kind = "truefalse"
    gift_order = 50

    def claims_gift(self, body):
        return body is not None and body.split("#", 1)[0].strip() in _TRUE_FALSE

    def read_gift(self, block, question, opening, start, end):
        """'{T#feedback if wrong#feedback if right}', and likewise for F."""
        first = block.text.find("#", start, end)
        question.correct = _TRUE_FALSE[block.text[start : end if first < 0 else first].strip()]
        wrong = right = ("", question.text_format)
        if first >= 0:
            second = block.text.find("#", first + 1, end)
            wrong = formatted_part(block, first + 1, end if second < 0 else second, question.text_format)
            if second >= 0:
                right = formatted_part(block, second + 1, end, question.text_format)
        on_true, on_false = (right, wrong) if question.correct else (wrong, right)
        question.feedback_true, question.feedback_true_format = on_true
        question.feedback_false, question.feedback_false_format = on_false

    def read(self, question, raw):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "t", "f"):
            return raw.strip().lower() in ("true", "t")
        raise self._invalid(question, "Answer true or false.")

    def score(self, question, answer):
        feedback = feedback_html(question, "feedback_true" if answer else "feedback_false")
        return Score(1.0 if answer == question["correct"] else 0.0, feedback)

    def right_answer(self, question):
        return RightAnswer([_("True") if question["correct"] else _("False")])

    def answer_key(self, question):
        return [KeyEntry(_("True"), float(question["correct"] is True), feedback_html(question, "feedback_true")),
                KeyEntry(_("False"), float(question["correct"] is False), feedback_html(question, "feedback_false"))]

    def choices_picked(self, question, answers):
        return [("true", sum(1 for v in answers if v is True)), ("false", sum(1 for v in answers if v is False))]

    def demo_answer(self, question, right):
        return question["correct"] if right else not question["correct"]
