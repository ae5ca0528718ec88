"""Numerical: the first answer, in the order written, whose value ± tolerance or range
holds the number earns that answer's weight (Moodle's rule)."""

import math

from flask_babel import gettext as _

from ..gift import Answer, formatted_part, parse_number, read_answer, require_full_credit, split_answers
from ..registry import KeyEntry, QuestionType, RightAnswer, Score, bounded
from ..rendering import feedback_html


def _read_number(block, pos: int, answer: Answer) -> None:
    """Fill value/tolerance/low/high from 'value', 'value:tolerance' or 'low..high'."""
    spec = answer.text
    if spec == "*":  # Moodle's wildcard: any other answer
        return
    try:
        if spec.find("..") > 0:
            low, high = (parse_number(part) for part in spec.split("..", 1))
            if low > high:
                block.error(pos, f"numerical range '{spec}' has its low bound above its high bound")
            answer.low, answer.high = low, high
            answer.value, answer.tolerance = (low + high) / 2, (high - low) / 2
        elif spec.find(":") > 0:
            value, tolerance = spec.split(":", 1)
            answer.value, answer.tolerance = parse_number(value), parse_number(tolerance)
            if answer.tolerance < 0:
                block.error(pos, f"numerical answer '{spec}' has a negative tolerance")
        else:
            answer.value = parse_number(spec)
    except ValueError:
        block.error(pos, f"invalid numerical answer '{spec}'")


def said(answer: dict) -> str:
    """A numerical answer as a person says it: "between 75 and 78", "76, give or take 2", "76"."""
    if answer["value"] is None:
        return _("any other number")
    if answer["low"] is not None and answer["high"] is not None:
        return _("between %(low)s and %(high)s", low=f"{answer['low']:g}", high=f"{answer['high']:g}")
    if answer["tolerance"]:
        return _("%(value)s, give or take %(tolerance)s", value=f"{answer['value']:g}",
                 tolerance=f"{answer['tolerance']:g}")
    return f"{answer['value']:g}"


class Numerical(QuestionType):
    kind = "numerical"
    gift_order = 20

    def claims_gift(self, body):
        return body is not None and body.startswith("#")

    def read_gift(self, block, question, opening, start, end):
        start += 1  # past the '#'
        other: Answer | None = None
        tilde = block.text.find("~", start, end)
        if tilde >= 0:
            # Moodle: everything from '~' is the feedback for any other (wrong) answer.
            hash_pos = block.text.find("#", tilde, end)
            feedback, feedback_format = ("", question.text_format) if hash_pos < 0 else \
                formatted_part(block, hash_pos + 1, end, question.text_format)
            other = Answer(text="*", feedback=feedback, text_format="plain", feedback_format=feedback_format)
            end = tilde
        for _marker, piece_start, piece_end in split_answers(block, start, end, "="):
            answer = read_answer(block, piece_start, piece_end, 1.0, question.text_format)
            answer.text_format = "plain"  # a number, whatever tag it had
            _read_number(block, piece_start, answer)
            question.answers.append(answer)
        require_full_credit(block, question, opening)
        if other is not None:
            question.answers.append(other)

    def read(self, question, raw):
        if isinstance(raw, bool):
            raise self._invalid(question, "Answer with a number.")
        if isinstance(raw, str):
            raw = raw.strip().replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw.strip()
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise self._invalid(question, "Answer with a number.") from None
        if not math.isfinite(number):
            raise self._invalid(question, "Answer with a number.")
        return number

    def score(self, question, answer):
        for candidate in question["answers"]:
            if candidate["value"] is None:  # "any other answer"
                return Score(bounded(candidate["fraction"]), feedback_html(candidate))
            if candidate["low"] is not None and candidate["high"] is not None:
                hit = candidate["low"] <= answer <= candidate["high"]
            else:
                hit = abs(answer - candidate["value"]) <= candidate["tolerance"] + 1e-12
            if hit:
                return Score(bounded(candidate["fraction"]), feedback_html(candidate))
        return Score(0.0)

    def right_answer(self, question):
        """Every answer worth full marks (else the best), each in words."""
        numbers = [a for a in question["answers"] if a["value"] is not None]
        full = [a for a in numbers if a["fraction"] >= 1] or [max(numbers, key=lambda a: a["fraction"])]
        items = [said(a) for a in full]
        return RightAnswer(items, _("Accepted answers (any one of them):") if len(items) > 1 else "")

    def answer_key(self, question):
        return [KeyEntry(said(a), a["fraction"], feedback_html(a)) for a in question["answers"]]

    def from_form(self, question, form, name):
        return form[name] if form.get(name, "").strip() else None  # a blank field is no answer

    def demo_answer(self, question, right):
        best = next(a for a in question["answers"] if a["value"] is not None and a["fraction"] >= 1)
        value = best["low"] if best["low"] is not None else best["value"]
        return value if right else value + 1000
