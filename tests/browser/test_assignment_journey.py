"""An assignment in Chromium: a fellow reads the instructions and sends a field report
(a PDF and a text) on a 375 px phone, the session's instructor grades it per criterion
from the session's queue, and the fellow sees the points and the feedback."""

import pytest

from institute.database import transaction

from ..assignments.helpers import assignment_files, pdf_bytes
from ..builders import create_course, create_session, create_user, enrol, free_year_and_sequence
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
PREFIX = "test_assignment_journey"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{PREFIX}-{name}.png"), full_page=True)


def test_fellow_submits_instructor_grades_fellow_reads_feedback(live_app, live_server, new_page, tmp_path):
    with live_app.app_context(), transaction():
        files = assignment_files(slug_title="Sand fixation in the field")
        course = create_course("assigned-journey", files=files).course
        teacher = create_user(email="asg-teacher@example.org", name="Li Wei", roles="instructor", password=PASSWORD)
        session = create_session(title="Assignment journey session", courses=[course], instructors=[teacher],
                                 **free_year_and_sequence())
        enrol(session, email="asg-fellow@example.org", name="Aigerim Saparova", password=PASSWORD)
        assignment_id, session_id = course.published.assignments[0].id, session.id
    report = tmp_path / "field-report.pdf"
    report.write_bytes(pdf_bytes("Field report: Hobq dunes"))

    fellow = new_page()
    fellow.set_viewport_size(PHONE)
    log_in(fellow, live_server, "asg-fellow@example.org")
    fellow.goto(f"{live_server}/courses/assigned-journey")
    fellow.get_by_role("link", name="Field report").click()
    assert "Describe a" in fellow.content()
    fellow.get_by_label("Your text").fill("Barchan dunes move south-east onto the canal in spring.")
    fellow.get_by_label("Your file (PDF, DOCX, ODT, PNG or JPEG)").set_input_files(str(report))
    _shot(fellow, "fellow-fills-375")
    assert fellow.evaluate("document.documentElement.scrollWidth") <= 375
    fellow.get_by_role("button", name="Send my work").click()
    assert "Your work is sent." in fellow.content() and "field-report.pdf" in fellow.content()
    _shot(fellow, "fellow-sent-375")

    grader = new_page()
    grader.set_viewport_size(DESKTOP)
    log_in(grader, live_server, "asg-teacher@example.org")
    grader.goto(f"{live_server}/sessions/{session_id}/gradebook")
    grader.get_by_role("link", name="Assignments to grade").first.click()
    _shot(grader, "queue-1280")
    grader.get_by_role("link", name="Aigerim Saparova").click()
    grader.get_by_label("Site").fill("7")
    grader.get_by_label("Plan").fill("4")
    grader.get_by_label("Feedback for the fellow").fill("Clear site description; add the water budget.")
    grader.get_by_role("button", name="Save the grade").click()
    assert "From 0 to 5 points." in grader.content()  # 7 is beyond the criterion's 5 points
    grader.get_by_label("Site").fill("5")
    _shot(grader, "grading-1280")
    grader.get_by_role("button", name="Save the grade").click()
    assert "The grade is saved" in grader.content()
    grader.goto(f"{live_server}/sessions/{session_id}/gradebook")
    assert "9/10" in grader.content()
    _shot(grader, "gradebook-1280")

    fellow.goto(f"{live_server}/assignments/{assignment_id}")
    assert "Graded: 9 of 10 points, passed." in fellow.content()
    assert "Clear site description; add the water budget." in fellow.content()
    assert fellow.get_by_role("button", name="Send my work").count() == 0
    _shot(fellow, "fellow-feedback-375")
    assert fellow.evaluate("document.documentElement.scrollWidth") <= 375
    fellow.set_viewport_size(DESKTOP)
    _shot(fellow, "fellow-feedback-1280")
