"""Quizzes stored before GIFT parts had formats of their own, and the attempts made on them.

A revision's questions are parsed and rendered once, at import, and stored with
it; nothing re-parses them. So a quiz stored by the earlier parser keeps its
shape (one format for all its parts, ``moodle`` shown escaped, a block of ``~``
weights with one 100% read as multiple choice) and its attempts keep showing
and scoring as they did; the next revision of the course is read the new way.
"""

import copy
import re

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from institute.accounts.models import User
from institute.courses.models import Quiz
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.models import AttemptAnswer
from institute.quizzes.statistics import quiz_statistics

from ..builders import committed, create_attempt, create_quiz, enrol_in_course
from ..conftest import TEST_CONFIG, login, page_words
from .test_api import setup_cohort

GIFT = """::Pick::Pick the <i>right</i> one {~%100%yellow #right ~%-50%red #wrong, <b>no</b> ~%-50%blue}

::TF::Sand moves.{T#No.#Yes, it <i>does</i>.}
"""

# What the parser and renderer before per-part formats stored for GIFT (made by them).
_ANSWER = {"value": None, "tolerance": 0.0, "low": None, "high": None, "match": ""}
STORED_BEFORE = [
    {"kind": "multichoice", "text": "Pick the <i>right</i> one", "line": 1, "title": "Pick",
     "text_format": "moodle",
     "answers": [{"text": "yellow", "fraction": 1.0, "feedback": "right", **_ANSWER,
                  "text_html": "yellow", "feedback_html": "right"},
                 {"text": "red", "fraction": -0.5, "feedback": "wrong, <b>no</b>", **_ANSWER,
                  "text_html": "red", "feedback_html": "wrong, &lt;b&gt;no&lt;/b&gt;"},
                 {"text": "blue", "fraction": -0.5, "feedback": "", **_ANSWER,
                  "text_html": "blue", "feedback_html": ""}],
     "general_feedback": "", "category": "", "correct": None, "feedback_true": "", "feedback_false": "",
     "id_number": "", "text_html": "Pick the &lt;i&gt;right&lt;/i&gt; one", "general_feedback_html": ""},
    {"kind": "truefalse", "text": "Sand moves.", "line": 3, "title": "TF", "text_format": "moodle",
     "answers": [], "general_feedback": "", "category": "", "correct": True,
     "feedback_true": "Yes, it <i>does</i>.", "feedback_false": "No.", "id_number": "",
     "text_html": "Sand moves.", "general_feedback_html": ""},
]


def stored_before_quiz():
    """A quiz as the earlier parser stored it."""
    quiz = create_quiz(GIFT, max_attempts=3)
    quiz.questions = copy.deepcopy(STORED_BEFORE)
    db.session.flush()
    return quiz


def result_page(app, attempt_id: int, email: str = "fellow@example.org") -> str:
    client = app.test_client()
    login(client, email)
    return client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_the_same_gift_read_now(ctx):
    quiz = create_quiz(GIFT)
    pick, tf = quiz.questions
    assert pick["kind"] == "multianswer"  # no '=': Moodle lets the fellow tick several
    assert pick["text_html"] == "Pick the <i>right</i> one"  # Moodle's auto-format keeps HTML
    assert pick["answers"][1]["feedback_html"] == "wrong, <b>no</b>"
    assert tf["feedback_true_html"] == "Yes, it <i>does</i>."


def test_a_quiz_stored_before_shows_and_scores_as_it_did(app):
    with committed(app):
        quiz = stored_before_quiz()
        fellow = enrol_in_course(quiz, email="fellow@example.org")
        attempt = create_attempt(quiz, fellow, state="submitted", answers={"0": 1, "1": True})
        attempt_id = attempt.id
        assert (attempt.score, attempt.max_score) == (1.0, 2.0)
        rows = sorted(attempt.answers, key=lambda row: row.question)
        # The feedback as those pages showed it: the text, escaped.
        assert [row.feedback for row in rows] == ["wrong, &lt;b&gt;no&lt;/b&gt;", "Yes, it &lt;i&gt;does&lt;/i&gt;."]
        view = attempts.payload(attempt)
        assert [q["kind"] for q in view["questions"]] == ["multichoice", "truefalse"]
        assert view["questions"][0]["right_answer"] == "yellow"
    page = result_page(app, attempt_id)
    assert "Pick the &lt;i&gt;right&lt;/i&gt; one" in page
    assert "wrong, &lt;b&gt;no&lt;/b&gt;" in page and "Yes, it &lt;i&gt;does&lt;/i&gt;." in page
    assert "<b>no</b>" not in page


def test_a_question_read_as_multiple_answers_in_the_next_revision(app):
    """Revision 1 stored 'Pick' as multiple choice; revision 2 reads it as multiple answers.
    The attempt on revision 1 keeps its question, its answer and its score; the statistics
    count the picks of both."""
    with committed(app):
        old_quiz = stored_before_quiz()
        fellow = enrol_in_course(old_quiz, email="fellow@example.org")
        first = create_attempt(old_quiz, fellow, state="submitted", answers={"0": 0, "1": True})
        # The course's next revision: the same questions, read by this parser.
        new_quiz = create_quiz(GIFT + "\n// revised\n", max_attempts=3)
        assert new_quiz.id != old_quiz.id and new_quiz.questions[0]["kind"] == "multianswer"
        second = create_attempt(new_quiz, fellow, state="submitted", answers={"0": [0], "1": True})
        assert first.quiz_id == old_quiz.id and second.quiz_id == new_quiz.id
        assert first.percent == second.percent == 100.0
        old_view = attempts.payload(first)
        assert (old_view["questions"][0]["kind"], old_view["questions"][0]["answer"]) == ("multichoice", 0)
        new_view = attempts.payload(second)
        assert (new_view["questions"][0]["kind"], new_view["questions"][0]["answer"]) == ("multianswer", [0])
        picks = quiz_statistics(new_quiz).questions[0].choices
        assert picks == [("yellow", 2), ("red", 0), ("blue", 0)]
        first_id, second_id = first.id, second.id
    old_page, new_page = result_page(app, first_id), result_page(app, second_id)
    assert 'type="checkbox"' not in old_page and "yellow" in old_page
    assert "Right answer: yellow" in page_words(old_page) and "Right answer: yellow" in page_words(new_page)


def test_feedback_saved_as_text_becomes_the_html_it_was_shown_as(tmp_path):
    """The migration: feedback stored as text before is stored as its escaped HTML, so the
    page, which now shows it as HTML, shows the same; its downgrade gives the text back."""
    from institute import create_app

    # KEPT_PAGES off: the downgrade goes back before the page generations' table.
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
                      "KEPT_PAGES": False}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        attempt = create_attempt(create_quiz(GIFT), state="submitted", answers={"0": [1], "1": False})
        db.session.commit()
        downgrade(revision="b3f1c2d4e5a6")
        texts = dict(db.session.execute(sa.select(AttemptAnswer.question, AttemptAnswer.feedback)
                                        .where(AttemptAnswer.attempt_id == attempt.id)).tuples().all())
        assert texts == {0: "wrong, no", 1: "No."}  # the HTML of now, as text
        db.session.execute(sa.update(AttemptAnswer).where(AttemptAnswer.question == 0)
                           .values(feedback="wrong, <b>no</b> & more"))
        db.session.commit()
        upgrade()
        stored = db.session.scalar(sa.select(AttemptAnswer.feedback).where(AttemptAnswer.question == 0))
        assert stored == "wrong, &lt;b&gt;no&lt;/b&gt; &amp; more"
        db.session.remove()
        db.engine.dispose()


def test_id_numbers_and_tags_are_shown_to_instructors_never_to_fellows(app):
    quiz_id, _session_id, _teacher = setup_cohort(app, gift="// [id:PICK-1] [tag:colours] [tag:easy]\n" + GIFT)
    with committed(app):
        quiz = db.session.get(Quiz, quiz_id)
        assert (quiz.questions[0]["id_number"], quiz.questions[0]["tags"]) == ("PICK-1", ["colours", "easy"])
        fellow = db.session.scalar(sa.select(User).where(User.email == "fellow@example.org"))
        attempt = create_attempt(quiz, fellow, state="submitted", answers={"0": [0]})
        assert not re.search("PICK-1|colours", repr(attempts.payload(attempt)))
        attempt_id = attempt.id
    assert not re.search("PICK-1|colours", result_page(app, attempt_id))
    teacher = app.test_client()
    login(teacher, "teacher@example.org")
    statistics = teacher.get(f"/quizzes/{quiz_id}/statistics").get_data(as_text=True)
    assert "PICK-1" in statistics and "colours, easy" in statistics
