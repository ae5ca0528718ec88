"""Reading a quiz attempt's answers from a plain HTML form (no JavaScript needed).

A question's fields are named ``q-<question>`` (its partial may add
``q-<question>-<part>``) and its type reads them back. What the fellow left
untouched is not sent, so it does not overwrite an answer saved earlier.
"""

from werkzeug.datastructures import MultiDict

from ..questions import type_of


def answers_from_form(questions: list[dict], form: MultiDict) -> dict[str, object]:
    answers: dict[str, object] = {}
    for index, question in enumerate(questions):
        value = type_of(question).from_form(question, form, f"q-{index}")
        if value is not None:
            answers[str(index)] = value
    return answers
