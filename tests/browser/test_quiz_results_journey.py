"""A fellow takes a quiz with every question type and reads a result page a person
understands: ✓ and ✗ with words, the points per question, right answers in words, no
internal question names, and "waiting for grading" for the essay. Then the instructor
previews the same quiz with its right answers."""

import pytest

from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.database import transaction

from .. import builders
from ..quizzes.test_results import TITLES, quiz_files
from .conftest import log_in

pytestmark = pytest.mark.browser


def test_a_fellow_reads_the_results_of_every_question_type(live_app, live_server, page, shoot):
    from playwright.sync_api import expect

    with live_app.app_context(), transaction():
        quiz = import_bundle(Bundle("results-journey", quiz_files()), None, publish=True).revision.quizzes[0]
        quiz_id = quiz.id
        admin = builders.create_user(email="results-admin@example.org", roles="admin", password=builders.PASSWORD)
        teacher = builders.create_user(email="results-teacher@example.org", roles="instructor",
                                       password=builders.PASSWORD)
        session = builders.create_session(title="Results journey", year=2091, sequence=1,
                                          courses=["results-journey"], instructors=[teacher])
        builders.enrol(session, admin=admin, email="results-fellow@example.org", name="Results Fellow",
                       password=builders.PASSWORD)

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "results-fellow@example.org", builders.PASSWORD)
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.get_by_role("button", name="Start an attempt").click()
    expect(page.get_by_role("group", name="Question 1")).to_be_visible()
    page.get_by_label("Ulaanbaatar").check()                      # right
    page.get_by_label("Salix").check()                            # half of the right choices
    page.locator('[name="q-2"][value="false"]').check()           # wrong
    page.locator('[name="q-3"]').fill("hobq")                     # right (any case)
    page.locator('[name="q-4"]').fill("80")                       # outside 75..78
    page.locator('[name="q-5"]').fill("103")                      # within 100 ± 5
    page.locator('[name="q-6-0"]').select_option("China")         # 1 pair of 3
    page.locator('[name="q-6-1"]').select_option("Uzbekistan")
    page.locator('[name="q-6-2"]').select_option("Turkmenistan")
    page.locator('[name="q-7"]').fill("Straw checkerboards first, then Salix inside them.")
    body = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert not any(title in body for title in TITLES)
    page.get_by_role("button", name="Review and submit…").click()
    page.get_by_role("button", name="Submit the attempt").click()

    expect(page.get_by_text("Your attempt is submitted.")).to_be_visible()
    text = page.inner_text("body")
    assert not any(title in text for title in TITLES)
    assert not any(title in page.content() for title in TITLES)
    for said in ["Right", "Partly right", "Wrong", "Waiting for grading", "1 of 1 point", "0 of 2 points",
                 "worth 5 points", "between 75 and 78", "100, give or take 5", "True", "Gobi → China",
                 "Kubuqi", "Hobq", "Yes, the capital.", "No: they do fix it."]:
        assert said in text, said
    question_1 = page.locator("#question-0")
    expect(question_1.locator(".mark")).to_have_text("✓")
    expect(page.locator("#question-2 .mark")).to_have_text("✗")
    expect(page.locator("#question-2 .feedback-wrong")).to_contain_text("About your wrong answer")
    expect(page.locator("#question-0 .feedback-right")).to_contain_text("About your right answer")
    expect(page.locator("#question-1 .your-answer li")).to_have_text(["Salix"])
    expect(page.locator("#question-1 .right-answer li")).to_have_text(["Salix", "Caragana"])
    expect(page.locator("#question-6 .right-answer li")).to_have_text(
        ["Gobi → China", "Karakum → Turkmenistan", "Kyzylkum → Uzbekistan"])
    # Wrong and right feedback differ by more than colour: their words and their border's style.
    wrong = page.locator("#question-2 .feedback-wrong").evaluate("e => getComputedStyle(e).borderInlineStartStyle")
    right = page.locator("#question-0 .feedback-right").evaluate("e => getComputedStyle(e).borderInlineStartStyle")
    assert wrong != right
    shoot("result-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shoot("result-375")

    page.goto(f"{live_server}/quizzes/{quiz_id}")
    expect(page.get_by_text("Waiting for grading.")).to_be_visible()
    assert "cannot pass" not in page.inner_text("body")
    shoot("quiz-page-375")

    # The instructor previews the quiz: every question, the right answers, the internal names.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "results-teacher@example.org", builders.PASSWORD)
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.get_by_role("link", name="Preview the quiz with its right answers").click()
    text = page.inner_text("body")
    assert all(title in text for title in TITLES) and "Nothing you do here is an attempt" in text
    assert "No, Darkhan is a smaller city." in text and "between 75 and 78" in text
    shoot("preview-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shoot("preview-375")
