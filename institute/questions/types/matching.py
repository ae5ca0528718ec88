"""Matching: each item paired with one of the options; the share of pairs matched right scores."""

from flask_babel import gettext as _

from ..gift import Answer, formatted_part, split_answers
from ..registry import KeyEntry, QuestionType, RightAnswer, Score
from ..rendering import words


def pairs(question: dict) -> list[dict]:
    """The sub-questions of a matching question (extra right-side options excluded)."""
    return [a for a in question["answers"] if a["text"]]


def options(question: dict) -> list[str]:
    """Every right-side option of a matching question, once each."""
    return sorted({a["match"] for a in question["answers"]})


class Matching(QuestionType):
    kind = "matching"
    gift_order = 40

    def claims_gift(self, body):
        return body is not None and "=" in body and "->" in body

    def read_gift(self, block, question, opening, start, end):
        malformed = False
        for _marker, piece_start, piece_end in split_answers(block, start, end, "="):
            arrow = block.text.find("->", piece_start, piece_end)
            if arrow < 0:
                block.error(piece_start, "a matching pair must be written '=left -> right'")
                malformed = True
                continue
            left, left_format = formatted_part(block, piece_start, arrow, question.text_format)
            # As in Moodle the right side is plain text: no format tag, no feedback.
            right = block.plain(arrow + 2, piece_end)
            if not right:
                block.error(piece_start, "a matching pair has nothing after '->'")
            question.answers.append(Answer(text=left, fraction=1.0, match=right, text_format=left_format,
                                           feedback_format=question.text_format))
        # Pairs with an empty left side are extra distractors on the right, not pairs.
        found = sum(1 for answer in question.answers if answer.text)
        if not malformed and found < 2:
            block.error(opening, f"a matching question needs at least 2 pairs, found {found}")

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
        """Each pair on its own: "Gobi → China"."""
        return RightAnswer([f"{words(p)} → {p['match']}" for p in pairs(question)], _("Right pairs:"))

    def answer_key(self, question):
        return [KeyEntry(f"{words(p)} → {p['match']}", 1.0) for p in pairs(question)]

    def layout(self, question, shuffle, rng):
        shown = options(question)
        rng.shuffle(shown)  # always: options in the order written would give the pairs away
        return shown

    def payload(self, question, shown):
        return {"items": [{"id": str(i), "text": pair.get("text_html", pair["text"])}
                          for i, pair in enumerate(pairs(question))],
                "options": list(shown)}

    def from_form(self, question, form, name):
        chosen = {str(i): form.get(f"{name}-{i}", "") for i in range(len(pairs(question))) if form.get(f"{name}-{i}")}
        return chosen or None

    def demo_answer(self, question, right):
        return {str(i): p["match"] for i, p in enumerate(pairs(question))} if right else {}
