"""Offers in the browser: an admin accepts; a fellow on a phone sees the offer, confirms
and downloads the invitation letter; another declines after being asked, and the
oldest waitlisted fellow is promoted and told by email to confirm by the deadline."""

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from institute.accounts.services import create_user
from institute.database import transaction
from institute.notifications.delivery import deliver_due
from institute.training import services as training

from .conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")]

SHOTS = Path("/work/notes/shots-offers")
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}
MOTIVATION = "I restore degraded rangeland and want to learn sand fixation."


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_offer_journey(live_app, live_server, live_mail, new_page, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = date.today()
    people = {"ana": ("Ana Quispe", "Айгерим Сапарова"), "bakyt": ("Bakyt Osmonov", ""),
              "chen": ("Chen Jing", "")}
    with live_app.app_context(), transaction():
        admin = create_user("admin@offers.example", "Offers Admin", PASSWORD, ("admin",))
        session = training.create_session({
            "title": "Offers journey session", "year": 2047, "sequence": 1, "seats": 2, "place": "Kubuqi",
            "starts_on": today + timedelta(days=40), "ends_on": today + timedelta(days=54),
            "applications_open": today - timedelta(days=1), "applications_close": today + timedelta(days=20)})
        ids = {}
        for key, (name, passport) in people.items():
            fellow = create_user(f"{key}@offers.example", name, PASSWORD, ("trainee",), None, "KG")
            application = training.apply(session, fellow, MOTIVATION)
            application.passport_name = passport
            ids[key] = application.id
        training.decide(training.get_application(ids["chen"]), "waitlist", admin)
        session_url = f"{live_server}/sessions/{session.id}"
        applications_url = f"{live_server}/admin/sessions/{session.id}/applications"

    desk = new_page()
    desk.set_viewport_size(DESK)
    log_in(desk, live_server, "admin@offers.example")
    desk.goto(applications_url)
    for key in ("ana", "bakyt"):
        desk.locator("tr", has_text=f"{key}@offers.example").get_by_role("checkbox").check()
    desk.get_by_label("Decision for the selected").select_option("accept")
    desk.get_by_role("button", name="Decide").click()
    assert desk.get_by_text("2 waiting to be confirmed, 0 confirmed").is_visible()
    assert desk.locator("tr", has_text="ana@offers.example").get_by_text("waiting for confirmation until").is_visible()
    desk.screenshot(path=str(SHOTS / "1-admin-accepted-1280.png"), full_page=True)

    ana = new_page()
    ana.set_viewport_size(PHONE)
    log_in(ana, live_server, "ana@offers.example")
    ana.goto(session_url)
    assert ana.get_by_text("Confirm your seat by").is_visible()
    no_sideways_scroll(ana)
    ana.screenshot(path=str(SHOTS / "2-offer-375.png"), full_page=True)
    ana.goto(live_server + "/dashboard")
    assert ana.get_by_text("Confirm your seat by").is_visible()
    ana.screenshot(path=str(SHOTS / "3-dashboard-offer-375.png"), full_page=True)
    ana.get_by_role("button", name="Confirm my seat").click()
    assert ana.get_by_text("Your seat is confirmed.").is_visible()
    assert ana.get_by_text("Seat confirmed on").is_visible()
    no_sideways_scroll(ana)
    ana.screenshot(path=str(SHOTS / "4-confirmed-375.png"), full_page=True)
    for language in ("en", "zh"):
        with ana.expect_download() as download:
            ana.get_by_role("link", name="English" if language == "en" else "中文").click()
        path = tmp_path / f"letter-{language}.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,  # noqa: S603,S607
                              text=True, check=True).stdout
        assert "Айгерим Сапарова" in text and "Offers journey session" in " ".join(text.split())
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(path),  # noqa: S603,S607
                        str(SHOTS / f"5-letter-{language}")], check=True)

    bakyt = new_page()
    bakyt.set_viewport_size(PHONE)
    log_in(bakyt, live_server, "bakyt@offers.example")
    bakyt.goto(session_url)
    bakyt.get_by_role("link", name="Decline…").click()
    assert bakyt.get_by_role("heading", name="Decline your seat in Offers journey session?").is_visible()
    no_sideways_scroll(bakyt)
    bakyt.screenshot(path=str(SHOTS / "6-decline-asks-375.png"), full_page=True)
    bakyt.get_by_role("button", name="Decline the seat").click()
    assert bakyt.get_by_text("You have declined the seat.").is_visible()

    chen = new_page()
    chen.set_viewport_size(DESK)
    log_in(chen, live_server, "chen@offers.example")
    chen.goto(session_url)
    assert chen.get_by_text("Your application: accepted.").is_visible()
    assert chen.get_by_text("Confirm your seat by").is_visible()
    chen.screenshot(path=str(SHOTS / "7-promoted-offer-1280.png"), full_page=True)
    with live_app.app_context():
        deliver_due()  # what the worker or `notifications send` does, outside the requests
    promoted = [m for m in live_mail.to("chen@offers.example") if "A seat is free for you" in m["Subject"]]
    assert len(promoted) == 1
    body = promoted[0].get_payload(decode=True).decode() if not promoted[0].is_multipart() else \
        promoted[0].get_body(("plain",)).get_content()
    assert "Please confirm your seat by" in body and session_url in body

    desk.goto(applications_url)
    assert desk.get_by_text("1 waiting to be confirmed, 1 confirmed, 1 declined, 0 lapsed").is_visible()
    desk.screenshot(path=str(SHOTS / "8-admin-counts-1280.png"), full_page=True)
    desk.set_viewport_size(PHONE)
    desk.screenshot(path=str(SHOTS / "8-admin-counts-375.png"), full_page=True)
