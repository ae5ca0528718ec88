"""Cohort life in Chromium: an instructor posts an announcement and plans a field trip, a
fellow reads the announcement on the dashboard, finds the trip in the schedule and
replies in the discussion; the other fellow receives the announcement and the reply by
email, and the instructor takes attendance on a 375 px phone."""

from datetime import date, timedelta

import pytest

from institute.database import transaction
from institute.discussion import services as discussion
from institute.notifications.delivery import deliver_due

from ..builders import create_session, create_user, enrol, free_year_and_sequence
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def test_announcement_schedule_and_attendance(live_app, live_server, browser, live_mail):
    trip_day = date.today() + timedelta(days=3)
    with live_app.app_context(), transaction():
        teacher = create_user(email="life-teacher@example.org", name="Li Wei", roles="instructor",
                              password=PASSWORD)
        session = create_session(title="Cohort life session", instructors=[teacher],
                                 **free_year_and_sequence())  # the live app is shared
        enrol(session, email="life-aigerim@example.org", name="Айгерим Сапарова", password=PASSWORD)
        fatima = enrol(session, email="life-fatima@example.org", name="فاطمة الزهراء", password=PASSWORD)
        thread = discussion.start_thread(session, fatima, {"title": "Sharing a room in Kubuqi?",
                                                           "body": "Is anyone arriving on 1 November?"})
        session_id, thread_id = session.id, thread.id
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    instructor = browser.new_context(locale="en-GB").new_page()
    log_in(instructor, live_server, "life-teacher@example.org")
    instructor.goto(f"{live_server}/sessions/{session_id}/announcements")
    instructor.get_by_text("Write an announcement to the cohort").click()
    instructor.get_by_label("Title").fill("Field trip on Thursday")
    instructor.get_by_label("Announcement (Markdown)").fill("The bus leaves at **7:00 sharp**.\n\n- water\n- a hat")
    instructor.get_by_role("button", name="Post to the cohort").click()
    assert "each fellow gets it by email" in instructor.content()
    instructor.screenshot(path=str(SCREENSHOTS / "cohort-life-announcement-posted.png"), full_page=True)

    instructor.goto(f"{live_server}/sessions/{session_id}/schedule")
    instructor.get_by_role("link", name="Add an event").click()
    instructor.get_by_label("Title").fill("Field trip: the checkerboards of Dalate")
    instructor.get_by_label("Kind").select_option("field-trip")
    instructor.get_by_label("Starts").fill(f"{trip_day.isoformat()}T07:00")
    instructor.get_by_label("Ends").fill(f"{trip_day.isoformat()}T18:00")
    instructor.get_by_label("Place", exact=False).first.fill("Dalate Banner, Kubuqi desert")
    instructor.get_by_role("button", name="Save event").click()
    assert "The event is on the schedule." in instructor.content()
    event_url = instructor.url

    fellow = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    log_in(fellow, live_server, "life-aigerim@example.org")
    fellow.goto(f"{live_server}/dashboard")
    announced = fellow.locator("section[aria-labelledby=announced]")
    assert "Field trip on Thursday" in announced.inner_text()
    assert announced.locator("strong", has_text="7:00 sharp").count() == 1
    coming_up = fellow.locator("section[aria-labelledby=coming-up]")
    assert "Field trip: the checkerboards of Dalate" in coming_up.inner_text()
    fellow.screenshot(path=str(SCREENSHOTS / "cohort-life-fellow-dashboard-375.png"), full_page=True)
    fellow.goto(f"{live_server}/sessions/{session_id}/schedule?view=month&month={trip_day:%Y-%m}")
    assert fellow.get_by_role("link", name="Field trip: the checkerboards of Dalate").count() == 1
    assert fellow.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fellow.screenshot(path=str(SCREENSHOTS / "cohort-life-month-375.png"), full_page=True)

    fellow.goto(f"{live_server}/sessions/{session_id}/discussion")
    fellow.get_by_role("link", name="Sharing a room in Kubuqi?").click()
    assert f"/threads/{thread_id}" in fellow.url
    fellow.get_by_label("Your reply").fill("Yes, I land in Baotou on **1 November**; let us share a taxi.")
    fellow.get_by_role("button", name="Post the reply").click()
    assert fellow.locator("strong", has_text="1 November").count() == 1
    assert fellow.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fellow.screenshot(path=str(SCREENSHOTS / "cohort-life-reply-375.png"), full_page=True)

    with live_app.app_context():
        deliver_due()  # what the worker or `notifications send` does, outside the requests
    [reply] = [m for m in live_mail.to("life-fatima@example.org") if "Sharing a room in Kubuqi?" in m["Subject"]]
    assert "let us share a taxi" in reply.get_body(("plain",)).get_content()
    assert not [m for m in live_mail.to("life-aigerim@example.org") if "Sharing a room" in m["Subject"]]
    [letter] = [m for m in live_mail.to("life-fatima@example.org") if "Field trip on Thursday" in m["Subject"]]
    text = letter.get_body(("plain",)).get_content()
    assert text.startswith("Hello فاطمة الزهراء,") and "The bus leaves at **7:00 sharp**." in text
    assert f"{live_server}/sessions/{session_id}/announcements#announcement-" in text

    phone = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    log_in(phone, live_server, "life-teacher@example.org")
    phone.goto(event_url)
    phone.get_by_role("link", name="Take attendance").click()
    phone.get_by_role("group", name="Айгерим Сапарова").get_by_label("present").check()
    phone.get_by_role("group", name="فاطمة الزهراء").get_by_label("excused").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SCREENSHOTS / "cohort-life-attendance-375.png"), full_page=True)
    phone.get_by_role("button", name="Save attendance").click()
    assert "Attendance is saved." in phone.content()

    fellow.goto(f"{live_server}/sessions/{session_id}/attendance/mine")
    assert "Present at 1 of 1 events (100%)" in fellow.content()
    fellow.screenshot(path=str(SCREENSHOTS / "cohort-life-my-attendance-375.png"), full_page=True)
