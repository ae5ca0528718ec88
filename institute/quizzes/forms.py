"""Reading a quiz attempt's answers from a plain HTML form (no JavaScript needed).

Fields are named ``q-<question>``; checkboxes repeat the name; matching items
are ``q-<question>-<item>``. What the fellow left untouched is not sent, so it
does not overwrite an answer saved earlier.
"""

from werkzeug.datastructures import MultiDict

from .types import pairs


def answers_from_form(questions: list[dict], form: MultiDict) -> dict[str, object]:
    answers: dict[str, object] = {}
    for index, question in enumerate(questions):
        name = f"q-{index}"
        kind = question["kind"]
        if kind == "multianswer":
            if f"{name}-shown" in form:  # the checkboxes were on the page: none ticked is an answer
                answers[str(index)] = form.getlist(name)
        elif kind == "matching":
            chosen = {str(i): form.get(f"{name}-{i}", "") for i in range(len(pairs(question)))
                      if form.get(f"{name}-{i}")}
            if chosen:
                answers[str(index)] = chosen
        elif kind == "numerical":
            if form.get(name, "").strip():
                answers[str(index)] = form[name]
        elif kind != "description" and name in form:
            answers[str(index)] = form[name]
    return answers
