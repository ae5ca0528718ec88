"""An instructor grades a cohort's essays with "save and next", in Chromium: three essays,
each with its word count beside the expected length, then the "all graded" page, then the
gradebook whose cells link to the attempts and say a failing score is failing."""

import re

import pytest

from institute.database import transaction

from ..builders import create_attempt, create_quiz, create_session, create_user, enrol, free_year_and_sequence
from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

GIFT = """::Sand::Straw checkerboards fix moving sand.{T}

::District::Describe how you would stop a dune moving towards a village, in 20–60 words. {}
"""
ANSWERS = [
    "Straw checkerboards first, one metre square, then Caragana and Salix planted inside once the surface "
    "is still; a reed fence upwind of the village and grazing kept off for three years.",
    "Plant trees.",
    "A belt of Haloxylon on the windward side, watered by drip lines for the first two summers, with clay "
    "barriers between the rows and the villagers paid to keep goats away while it takes.",
]


def test_an_instructor_grades_three_essays_with_save_and_next(live_app, live_server, page, shoot):
    with live_app.app_context(), transaction():
        quiz = create_quiz(GIFT, slug="grading-journey", title="Moving dunes", pass_mark=60, max_attempts=2)
        teacher = create_user(email="gj-teacher@example.org", name="Gulnara Teacher", roles="instructor",
                              password=PASSWORD)
        session = create_session(title="Grading journey", courses=[quiz.revision.course], instructors=[teacher],
                                 **free_year_and_sequence())
        fellows = [enrol(session, email=f"gj-fellow{i}@example.org", name=name, password=PASSWORD)
                   for i, name in enumerate(["Aigerim Fellow", "Bolat Fellow", "Chen Fellow"])]
        for fellow, essay, sand in zip(fellows, ANSWERS, [True, True, True], strict=True):
            create_attempt(quiz, fellow, "submitted", answers={"0": sand, "1": essay})
        session_id, quiz_id = session.id, quiz.id

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "gj-teacher@example.org")
    page.goto(f"{live_server}/sessions/{session_id}/gradebook")
    page.locator("table").get_by_role("link", name=re.compile("to grade")).first.click()
    assert "/attempts/" in page.url
    page.goto(f"{live_server}/grading")
    page.get_by_role("link", name="Grade").first.click()

    expected_words = [len(a.split()) for a in ANSWERS]
    for number, (words, points) in enumerate(zip(expected_words, ["1", "0", "0.75"], strict=True)):
        assert page.locator("#essays-left").inner_text().startswith(f"{3 - number} of 3 essays left")
        count = page.locator("#word-count").inner_text()
        assert count.startswith(f"{words} words; expected 20–60"), count
        if number == 1:
            assert "shorter than expected" in count
            shoot("essay-1280")
            page.set_viewport_size({"width": 375, "height": 800})
            shoot("essay-375")
            page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_label(re.compile("Points")).fill(points)
        page.get_by_label("Feedback for the fellow").fill(f"Feedback {number + 1}.")
        page.get_by_role("button", name="Save and next").click()

    assert f"/quizzes/{quiz_id}/graded" in page.url
    assert page.locator("h1").inner_text() == "All essays of this quiz are graded"
    shoot("all-graded-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("all-graded-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Back to the gradebook").click()
    failing = page.get_by_role("link", name="50.0% · failing")
    assert failing.count() == 1  # Bolat: the true/false right, the essay 0 of 1
    assert page.get_by_role("link", name="100.0% · passed").count() == 1
    assert page.get_by_role("link", name="87.5% · passed").count() == 1
    assert page.get_by_text("to grade").count() == 0
    shoot("gradebook-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("gradebook-375")
    failing.click()
    assert re.search(r"/attempts/\d+$", page.url)

    # Bolat is failing: the instructor grants him an extra attempt and time, with a reason.
    page.goto(f"{live_server}/sessions/{session_id}/gradebook")
    page.get_by_role("link", name=re.compile("extra attempt or time · Bolat Fellow")).click()
    assert page.locator("#user option:checked").inner_text().startswith("Bolat Fellow")
    page.get_by_label("Extra attempts").fill("1")
    page.get_by_label("Extra minutes per attempt").fill("15")
    page.get_by_label("Reason (kept on record)").fill("His first attempt was cut short by a power failure.")
    page.get_by_role("button", name="Grant").click()
    assert page.get_by_text("Granted to Bolat Fellow.").is_visible()
    assert page.locator(".records li", has_text="His first attempt was cut short by a power failure.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shoot("overrides-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the records stack on a phone
    shoot("overrides-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "gj-fellow1@example.org")
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    assert page.get_by_text("3 attempts allowed").is_visible()
    assert page.get_by_text("including 1 extra attempt granted to you").is_visible()
    shoot("fellow-quiz-1280")
