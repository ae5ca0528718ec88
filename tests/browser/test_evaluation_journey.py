"""The end-of-session evaluation in Chromium: an admin defines the questionnaire, a fellow
finds "Evaluate the session" on the dashboard and answers on a 375 px phone, and the admin
opens the report with its SVG chart."""

from datetime import date

import pytest

from institute.database import transaction

from ..builders import create_session, create_user, enrol, free_year_and_sequence
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
PREFIX = "test_define_answer_and_read_the_report"  # as shoot() names them


def test_define_answer_and_read_the_report(live_app, live_server, page, new_page, shoot):
    with live_app.app_context(), transaction():
        create_user(email="eval-admin@example.org", name="Bolormaa Admin", roles="admin", password=PASSWORD)
        session = create_session(title="Evaluation journey session", **free_year_and_sequence())
        enrol(session, email="eval-fellow@example.org", name="José Ñúñez", password=PASSWORD)
        session_id = session.id

    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "eval-admin@example.org")
    page.goto(f"{live_server}/admin/sessions/{session_id}/evaluation")
    page.get_by_label("Opens on").fill(date.today().isoformat())
    first = page.locator("#question-0")
    first.get_by_label("Question", exact=True).fill("How useful was the session for your work?")
    first.get_by_label("What 1 means (ratings)").fill("Not useful")
    first.get_by_label("What 5 means (ratings)").fill("Very useful")
    second = page.locator("#question-1")
    second.get_by_label("Question", exact=True).fill("What should the institute change?")
    second.get_by_label("Kind").select_option("text")
    second.get_by_label("An answer is required").uncheck()
    page.get_by_role("button", name="Save the evaluation").click()
    assert "The evaluation is saved." in page.content()
    shoot("admin-defines-1280")

    fellow = new_page()
    fellow.set_viewport_size(PHONE)
    log_in(fellow, live_server, "eval-fellow@example.org")
    fellow.goto(f"{live_server}/dashboard")
    fellow.get_by_role("link", name="Evaluate the session: Evaluation journey session").click()
    fellow.get_by_label("4").check()
    fellow.get_by_label("What should the institute change?").fill("More field days in the dunes.")
    fellow.screenshot(path=str(SCREENSHOTS / f"{PREFIX}-fellow-answers-375.png"), full_page=True)
    assert fellow.evaluate("document.documentElement.scrollWidth") <= 375
    fellow.get_by_role("button", name="Send my evaluation").click()
    assert "your evaluation is saved, without your name" in fellow.content()
    fellow.screenshot(path=str(SCREENSHOTS / f"{PREFIX}-fellow-answered-375.png"), full_page=True)
    fellow.goto(f"{live_server}/dashboard")
    assert "Evaluate the session" not in fellow.content()

    page.goto(f"{live_server}/sessions/{session_id}/evaluation/report")
    chart = page.locator("svg.chart")
    assert chart.count() == 1 and "How useful" in chart.locator("title").text_content()
    assert "More field days in the dunes." in page.content()
    shoot("report-1280")
    page.set_viewport_size(PHONE)
    shoot("report-375")
    page.goto(f"{live_server}/admin/sessions/{session_id}/evaluation")
    assert page.locator("#locked").is_visible()
