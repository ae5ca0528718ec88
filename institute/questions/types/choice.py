"""Multiple choice (one answer) and multiple answers (tick several), which GIFT writes alike.

Moodle tells them apart by one sign: a block with an ``=`` is multiple choice,
one without (``{~%100%a ~%-50%b}`` too) is multiple answers. Scoring follows
Moodle: multiple choice earns the chosen answer's weight (never below 0); with
multiple answers the chosen weights add up, capped at 1 and floored at 0.
"""

from flask_babel import gettext as _

from ..gift import EPS, read_answer, split_answers
from ..registry import QuestionType, RightAnswer, Score, bounded
from ..rendering import feedback_html, words


class _Choices(QuestionType):
    """What both share: choices shown as written or shuffled, and how often each was picked."""

    def layout(self, question, shuffle, rng):
        shown = list(range(len(question["answers"])))
        if shuffle:
            rng.shuffle(shown)
        return shown

    def payload(self, question, shown):
        return {"choices": [{"id": str(i), "text": question["answers"][i].get("text_html", "")} for i in shown]}

    def choices_picked(self, question, answers):
        counts = [0] * len(question["answers"])
        for value in answers:
            for picked in (value if isinstance(value, list) else [value]):
                if isinstance(picked, int) and 0 <= picked < len(counts):
                    counts[picked] += 1
        return [(words(a), n) for a, n in zip(question["answers"], counts, strict=True)]


class MultipleChoice(_Choices):
    kind = "multichoice"
    gift_order = 30

    def claims_gift(self, body):
        return body is not None and "~" in body

    def read_gift(self, block, question, opening, start, end):
        """Read the choices; an '=' among them makes it multiple choice, none multiple answers (Moodle's rule)."""
        # Like Moodle, every unescaped '=' starts an answer too, even inside feedback.
        has_equals = False
        for marker, piece_start, piece_end in split_answers(block, start, end, "~="):
            answer = read_answer(block, piece_start, piece_end, float(marker == "="), question.text_format)
            if not answer.text:
                block.error(piece_start, "empty answer")
            has_equals = has_equals or marker == "="
            question.answers.append(answer)
        if len(question.answers) < 2:
            block.error(opening, "a multiple-choice question needs at least 2 answers")
        fractions = [answer.fraction for answer in question.answers]
        full = sum(1 for fraction in fractions if abs(fraction - 1) < EPS)
        positive = sum(fraction for fraction in fractions if fraction > 0)
        if not has_equals:
            # No '=': Moodle lets the fellow tick several boxes, so the weights must add up.
            question.kind = MultipleAnswers.kind
        if positive <= 0:
            block.error(opening, "multiple-choice question without a right answer (use '=' or '~%n%')")
        elif has_equals and not full:
            block.error(opening, "a multiple-choice question needs an answer worth 100%")
        elif not has_equals and abs(positive - 1) > 0.005:
            block.error(opening, f"the positive weights of a multiple-answer question (no '=') add up to "
                                 f"{positive * 100:g}%, not 100%")

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
        return Score(bounded(chosen["fraction"]), feedback_html(chosen))

    def right_answer(self, question):
        return RightAnswer([words(max(question["answers"], key=lambda a: a["fraction"]))])

    def demo_answer(self, question, right):
        answers = question["answers"]
        return max(range(len(answers)), key=lambda i: answers[i]["fraction"]) if right else \
            min(range(len(answers)), key=lambda i: answers[i]["fraction"])


class MultipleAnswers(_Choices):
    kind = "multianswer"  # read from GIFT by MultipleChoice, whose syntax it shares

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
        feedback = " ".join(feedback_html(a) for a in chosen if a.get("feedback"))
        return Score(bounded(total), feedback)

    def right_answer(self, question):
        """Each choice to tick, one item each (in the order written)."""
        items = [words(a) for a in question["answers"] if a["fraction"] > 0]
        return RightAnswer(items, _("Right answers (tick all of them):") if len(items) > 1 else "")

    def from_form(self, question, form, name):
        # The partial marks that its checkboxes were on the page: none ticked is an answer.
        return form.getlist(name) if f"{name}-shown" in form else None

    def demo_answer(self, question, right):
        return [i for i, a in enumerate(question["answers"]) if (a["fraction"] > 0) == right]
