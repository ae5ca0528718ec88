"""A question type the platform does not ship, added from this module and one template.

It goes all the way: read from GIFT at import, laid out and shown in an
attempt, answered in the form, scored, shown on the result page and counted in
the statistics — with no file of ``institute/`` knowing it exists.
"""

import re
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.extensions import db
from institute.questions import TYPES, QuestionKind, QuestionType, RightAnswer, Score, register, type_of
from institute.questions.gift import Answer, formatted, parse_gift, split_answers
from institute.quizzes.models import Attempt
from institute.training import services as training

from ..builders import MOTIVATION, course_files, create_session, create_user
from ..conftest import login, page_words


class Ordering(QuestionType):
    """Put the items in order: ``{>first >second >third}``; each item in its place earns its share."""

    kind = "ordering"
    gift_order = 45  # before true/false and the short answer, which would take '>' as text

    def claims_gift(self, body):
        return body is not None and body.startswith(">")

    def read_gift(self, block, question, opening, start, end):
        for _, piece_start, piece_end in split_answers(block, start, end, ">"):
            question.answers.append(Answer(text=formatted(block, piece_start, piece_end, question.text_format),
                                           fraction=1.0))
        if len(question.answers) < 2:
            block.error(opening, "an ordering question needs at least 2 items")

    def read(self, question, raw):
        try:
            order = [int(i) for i in raw]
        except (TypeError, ValueError):
            raise self._invalid(question, "Give the items' indices in order.") from None
        if sorted(order) != list(range(len(question["answers"]))):
            raise self._invalid(question, "Put every item in one place.")
        return order

    def score(self, question, answer):
        return Score(sum(1 for place, item in enumerate(answer) if place == item) / len(answer))

    def right_answer(self, question):
        return RightAnswer([" → ".join(a["text"] for a in question["answers"])])

    def layout(self, question, shuffle, rng):
        shown = list(range(len(question["answers"])))
        rng.shuffle(shown)  # always: in the order written they would be the answer
        return shown

    def payload(self, question, shown):
        return {"items": [{"id": str(i), "text": question["answers"][i]["text_html"]} for i in shown]}

    def from_form(self, question, form, name):
        places = {i: form.get(f"{name}-{i}", "") for i in range(len(question["answers"]))}
        if not any(places.values()):
            return None
        try:
            return [item for item, _place in sorted(places.items(), key=lambda pair: int(pair[1]))]
        except ValueError:
            return []  # a place left blank: read() refuses it

    def choices_picked(self, question, answers):
        firsts = [a[0] for a in answers if a]
        return [(a["text"], firsts.count(i)) for i, a in enumerate(question["answers"])]

    def demo_answer(self, question, right):
        order = list(range(len(question["answers"])))
        return order if right else order[::-1]


GIFT = """::Belt::Put these places in order, from north to south. {>Ulaanbaatar >Hohhot >Beijing}

::MC::Capital of Mongolia? {=Ulaanbaatar ~Darkhan}
"""


@pytest.fixture
def ordering(app, monkeypatch):
    """The type registered, and its template found, for this test only."""
    loader = ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    question_type = register(Ordering())
    yield question_type
    del TYPES[question_type.kind]


def test_read_from_gift_and_scored(ordering):
    result = parse_gift(GIFT)
    assert result.errors == []
    belt = result.questions[0]
    assert belt.kind == "ordering" and [a.text for a in belt.answers] == ["Ulaanbaatar", "Hohhot", "Beijing"]
    assert parse_gift("Order? {>alone}").errors[0].message == "an ordering question needs at least 2 items"
    question = {"kind": "ordering", "answers": [{"text": "a"}, {"text": "b"}, {"text": "c"}]}
    assert type_of(question).score(question, [0, 2, 1]).fraction == pytest.approx(1 / 3)
    assert "ordering" not in set(QuestionKind)  # the shipped kinds, as the API documents them


def test_without_the_type_the_block_is_a_short_answer():
    assert parse_gift(GIFT).questions[0].kind == "shortanswer"


def test_an_attempt_from_form_to_result_and_statistics(app, ordering):
    with app.app_context():
        files = course_files(quiz=False, extra_front="quizzes:\n  - file: quiz.gift\n    title: Places\n")
        files["quiz.gift"] = GIFT.encode()
        course = import_bundle(Bundle("places", files), None, publish=True).course
        quiz = course.published.quizzes[0]
        quiz_id, count = quiz.id, quiz.question_count
        create_user(email="teacher@example.org", roles="instructor")
        admin = create_user(email="admin@example.org", roles="admin")
        session = create_session(courses=[course.slug], instructors=["teacher@example.org"])
        training.decide(training.apply(session, create_user(email="fellow@example.org"), MOTIVATION), "accept", admin)
        db.session.commit()
    assert count == 2
    fellow, teacher = app.test_client(), app.test_client()
    login(fellow, "fellow@example.org")
    login(teacher, "teacher@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    page = fellow.get(attempt_url).get_data(as_text=True)
    assert 'name="q-0-0"' in page and 'name="q-0-2"' in page and "Hohhot" in page
    assert "Ulaanbaatar → Hohhot" not in page  # the right order only after submission
    with app.app_context():
        assert sorted(db.session.get(Attempt, int(attempt_id)).layout["choices"]["0"]) == [0, 1, 2]

    # Ulaanbaatar and Hohhot swapped: Beijing alone is in its place.
    saved = fellow.post(f"/attempts/{attempt_id}/save", data={"q-0-0": "2", "q-0-1": "1", "q-0-2": "3", "q-1": "0"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Your answers are saved." in saved
    assert re.search(r'name="q-0-1" id="q-0-1"><option value="">—</option><option selected>1</option>', saved)
    fellow.post(f"/attempts/{attempt_id}/submit", data={"confirmed": "1"})

    result = fellow.get(attempt_url).get_data(as_text=True)
    assert "Right answer: Ulaanbaatar → Hohhot → Beijing" in page_words(result)
    assert "<strong>Hohhot → Ulaanbaatar → Beijing</strong>" in result
    assert "0.33 of 1" in result
    assert "Score: 1.33 of 2 points (66.67%)" in result

    stats = teacher.get(f"/quizzes/{quiz_id}/statistics").get_data(as_text=True)
    assert "Belt <small>(ordering)</small>" in stats
    assert re.search(r"</svg> 1 · Hohhot</div>", stats) and re.search(r"</svg> 0 · Ulaanbaatar</div>", stats)
