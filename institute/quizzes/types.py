"""Question types as strategies: one per GIFT kind, each reading and scoring answers.

A registry (``TYPES``) maps a question's ``kind`` to its strategy, in the way
CTFd registers flag classes. Questions are the dictionaries stored with a
course revision (``courses.models.Quiz.questions``); answers arrive from the
API or a form and are normalised by ``read`` before they are stored.

Scoring follows Moodle's meaning of GIFT: every question is worth one point
(a description none); the fraction earned is in [0, 1].
- multiple choice: the chosen answer's weight (never below 0);
- multiple answers: the weights of the chosen answers add up, capped at 1 and
  floored at 0;
- true/false: all or nothing;
- short answer: the best accepted answer that matches, ignoring case and the
  space around it; ``*`` matches any text, as in Moodle;
- numerical: the first answer, in the order written, whose value ± tolerance
  or range holds the number, with that answer's own weight;
- matching: the share of pairs matched right;
- essay: waits for an instructor, who gives the points.
"""

import math
import re
from dataclasses import dataclass

from ..errors import Invalid


@dataclass
class Score:
    fraction: float | None  # None: waits for an instructor
    feedback: str = ""  # the feedback of the answer given, if any


class QuestionType:
    kind = ""
    max_points = 1.0
    graded_by_hand = False

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


def _weights_ok(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)


class MultipleChoice(QuestionType):
    kind = "multichoice"

    def read(self, question, raw):
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        try:
            index = int(raw)
        except (TypeError, ValueError):
            raise self._invalid(question, "Choose one answer (its index).") from None
        if not 0 <= index < len(question["answers"]):
            raise self._invalid(question, "No such choice.")
        return index

    def score(self, question, answer):
        chosen = question["answers"][answer]
        return Score(_weights_ok(chosen["fraction"]), chosen.get("feedback", ""))

    def right_answer(self, question):
        best = max(question["answers"], key=lambda a: a["fraction"])
        return best["text"]


class MultipleAnswers(QuestionType):
    kind = "multianswer"

    def read(self, question, raw):
        if not isinstance(raw, list):
            raw = [raw]
        try:
            indices = sorted({int(i) for i in raw})
        except (TypeError, ValueError):
            raise self._invalid(question, "Choose answers by their indices.") from None
        if any(not 0 <= i < len(question["answers"]) for i in indices):
            raise self._invalid(question, "No such choice.")
        return indices

    def score(self, question, answer):
        chosen = [question["answers"][i] for i in answer]
        total = sum(a["fraction"] for a in chosen)
        feedback = " ".join(a["feedback"] for a in chosen if a.get("feedback"))
        return Score(_weights_ok(total), feedback)

    def right_answer(self, question):
        return "; ".join(a["text"] for a in question["answers"] if a["fraction"] > 0)


class TrueFalse(QuestionType):
    kind = "truefalse"

    def read(self, question, raw):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "t", "f"):
            return raw.strip().lower() in ("true", "t")
        raise self._invalid(question, "Answer true or false.")

    def score(self, question, answer):
        feedback = question.get("feedback_true" if answer else "feedback_false", "")
        return Score(1.0 if answer == question["correct"] else 0.0, feedback)

    def right_answer(self, question):
        return "true" if question["correct"] else "false"


def _matches(pattern: str, text: str) -> bool:
    """Moodle's short-answer comparison: case-insensitive, '*' matches anything."""
    regex = ".*".join(re.escape(part) for part in pattern.strip().split("*"))
    return re.fullmatch(regex, text.strip(), re.IGNORECASE | re.DOTALL) is not None


class ShortAnswer(QuestionType):
    kind = "shortanswer"

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
        return Score(_weights_ok(best["fraction"]), best.get("feedback", ""))

    def right_answer(self, question):
        return " / ".join(a["text"] for a in question["answers"] if a["fraction"] >= 1)


class Numerical(QuestionType):
    kind = "numerical"

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
                return Score(_weights_ok(candidate["fraction"]), candidate.get("feedback", ""))
            if candidate["low"] is not None and candidate["high"] is not None:
                hit = candidate["low"] <= answer <= candidate["high"]
            else:
                hit = abs(answer - candidate["value"]) <= candidate["tolerance"] + 1e-12
            if hit:
                return Score(_weights_ok(candidate["fraction"]), candidate.get("feedback", ""))
        return Score(0.0)

    def right_answer(self, question):
        best = max((a for a in question["answers"] if a["value"] is not None),
                   key=lambda a: a["fraction"])
        if best["low"] is not None and best["high"] is not None:
            return f"{best['low']:g}..{best['high']:g}"
        return f"{best['value']:g}" + (f" ± {best['tolerance']:g}" if best["tolerance"] else "")


def pairs(question: dict) -> list[dict]:
    """The sub-questions of a matching question (extra right-side options excluded)."""
    return [a for a in question["answers"] if a["text"]]


def options(question: dict) -> list[str]:
    """Every right-side option of a matching question, once each."""
    return sorted({a["match"] for a in question["answers"]})


class Matching(QuestionType):
    kind = "matching"

    def read(self, question, raw):
        """``{left index: right option text}``; a list is read as right options in order."""
        lefts = pairs(question)
        if isinstance(raw, list):
            raw = dict(enumerate(raw))
        if not isinstance(raw, dict):
            raise self._invalid(question, "Match each item: {item index: option}.")
        answer = {}
        for key, value in raw.items():
            try:
                index = int(key)
            except (TypeError, ValueError):
                raise self._invalid(question, "Items are named by their index.") from None
            if not 0 <= index < len(lefts):
                raise self._invalid(question, "No such item.")
            if value in (None, ""):
                continue
            if str(value) not in options(question):
                raise self._invalid(question, "No such option.")
            answer[str(index)] = str(value)
        return answer

    def score(self, question, answer):
        lefts = pairs(question)
        right = sum(1 for i, pair in enumerate(lefts) if answer.get(str(i)) == pair["match"])
        return Score(right / len(lefts) if lefts else 0.0)

    def right_answer(self, question):
        return "; ".join(f"{p['text']} → {p['match']}" for p in pairs(question))


class Essay(QuestionType):
    kind = "essay"
    graded_by_hand = True

    def read(self, question, raw):
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise self._invalid(question, "Answer with text.")
        return raw[:50_000]

    def score(self, question, answer):
        return Score(None)  # an instructor grades it


class Description(QuestionType):
    kind = "description"
    max_points = 0.0

    def read(self, question, raw):
        return None

    def score(self, question, answer):
        return Score(0.0)


TYPES: dict[str, QuestionType] = {
    t.kind: t for t in (MultipleChoice(), MultipleAnswers(), TrueFalse(), ShortAnswer(),
                        Numerical(), Matching(), Essay(), Description())
}


def strategy(question: dict) -> QuestionType:
    return TYPES[question["kind"]]
