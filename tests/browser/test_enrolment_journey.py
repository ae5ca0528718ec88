"""A session's enrolment cycle in the browser: create, apply, accept, waitlist, withdraw,
and the oldest waitlisted fellow promoted and told by email."""

from datetime import date, timedelta

import pytest

from institute.accounts.services import create_user
from institute.database import transaction
from institute.notifications.delivery import deliver_due

from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser



def test_enrolment_cycle(live_app, live_server, live_mail, new_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with live_app.app_context(), transaction():
        create_user("admin@journey.example", "Journey Admin", PASSWORD, ("admin",))
    today = date.today()
    admin = new_page()
    log_in(admin, live_server, "admin@journey.example")
    admin.goto(live_server + "/admin/sessions/new")
    admin.get_by_label("Title", exact=True).fill("Journey session")
    admin.get_by_label("Year", exact=True).fill("2031")
    admin.get_by_label("Starts on").fill(str(today + timedelta(days=30)))
    admin.get_by_label("Ends on").fill(str(today + timedelta(days=45)))
    admin.get_by_label("Seats", exact=True).fill("2")
    admin.get_by_label("Applications open").fill(str(today - timedelta(days=1)))
    admin.get_by_role("button", name="Save session").click()
    assert admin.get_by_text("2 of 2 seats left.").is_visible()
    session_url = admin.url.replace("/admin/sessions/", "/sessions/").replace("/applications", "")

    fellows = []
    for name in ("Ana Quispe", "Bakyt Osmonov", "Chen Jing"):
        page = new_page()
        email = name.lower().replace(" ", ".") + "@journey.example"
        page.goto(live_server + "/register")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.goto(session_url)
        page.get_by_label("Why do you apply?").fill("I restore degraded rangeland and want to learn.")
        page.get_by_label("Name as in your passport").fill(name)
        page.get_by_role("button", name="Apply").click()
        assert page.get_by_text("Your application is received.").is_visible()
        fellows.append((page, email))
    fellows[0][0].screenshot(path=str(SCREENSHOTS / "enrolment-1-applied.png"))

    admin.reload()
    for _page, email in fellows:
        admin.locator("tr", has_text=email).get_by_role("checkbox").check()
    admin.get_by_label("Decision for the selected").select_option("accept")
    admin.get_by_role("button", name="Decide").click()
    assert admin.get_by_text("The session is full: 2 seats left.").is_visible()
    for index, (_page, email) in enumerate(fellows):
        box = admin.locator("tr", has_text=email).get_by_role("checkbox")
        box.set_checked(index < 2)
    admin.get_by_role("button", name="Decide").click()
    admin.locator("tr", has_text=fellows[2][1]).get_by_role("checkbox").check()
    admin.get_by_label("Decision for the selected").select_option("waitlist")
    admin.get_by_role("button", name="Decide").click()
    assert admin.get_by_text("0 of 2 seats left.").is_visible()
    admin.screenshot(path=str(SCREENSHOTS / "enrolment-2-decided.png"), full_page=True)

    leaving = fellows[1][0]
    leaving.goto(session_url)
    assert leaving.get_by_text("Your application: accepted.").is_visible()
    leaving.get_by_role("link", name="Withdraw my application…").click()
    leaving.get_by_role("button", name="Withdraw the application").click()

    waiting = fellows[2][0]
    waiting.goto(session_url)
    assert waiting.get_by_text("Your application: accepted.").is_visible()
    waiting.screenshot(path=str(SCREENSHOTS / "enrolment-3-promoted.png"), full_page=True)
    with live_app.app_context():
        deliver_due()  # what the worker or `notifications send` does, outside the requests
    mails = live_mail.to(fellows[2][1])
    assert any("A seat is free for you" in m["Subject"] for m in mails)
