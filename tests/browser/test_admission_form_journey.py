"""An admin adds a CV question (PDF) and a text question to a session; a fellow applies on
a phone with a real PDF and a passport name in Chinese script; the admin filters, opens
the application, downloads the CV, scores it 4 with a note, and rejects another applicant
with a reason that applicant then reads."""

from pathlib import Path

import pytest

from institute.accounts.services import create_user, user_by_email
from institute.database import transaction
from institute.training.services import get_session

from ..builders import MOTIVATION, create_application, create_session, free_year_and_sequence, pdf_bytes
from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

SHOTS = Path("/work/notes/shots-forms")
PHONE = {"width": 375, "height": 800}
DESK = {"width": 1280, "height": 900}
PASSPORT = "王小明"
REASON = "We look for field experience in drylands this year."


def snap(page, name: str, size: dict) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(size)
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name


def test_an_application_form_from_questions_to_a_decision(live_app, live_server, new_page, tmp_path):
    with live_app.app_context(), transaction():
        create_user("forms-admin@adm.example", "Saule Admin", PASSWORD, ("admin",), "GDI", "CN")
        create_user("wang@adm.example", "Wang Xiaoming", PASSWORD, ("trainee",), None, "CN")
        create_user("amina@adm.example", "Amina Diallo", PASSWORD, ("trainee",), None, "SN")
        session = create_session(title="Admission form journey", **free_year_and_sequence())
        session_id = session.id
    admin = new_page()
    log_in(admin, live_server, "forms-admin@adm.example")
    admin.goto(f"{live_server}/admin/sessions/{session_id}/edit")
    admin.get_by_text("How to write the questions, with examples").click()
    admin.get_by_label("Application questions").fill(
        "cv | CV | file: pdf | required | 2 MB\n"
        "current-work | Your current work on land restoration | text | required")
    snap(admin, "session-form-questions", DESK)
    snap(admin, "session-form-questions", PHONE)
    admin.get_by_role("button", name="Save session").click()
    assert admin.get_by_text("The session is saved.").is_visible()
    with live_app.app_context(), transaction():
        create_application(get_session(session_id), user_by_email("amina@adm.example"), motivation=MOTIVATION,
                           answers={"current-work": "Great Green Wall nurseries in Louga"},
                           files={"cv": ("cv.pdf", pdf_bytes("Amina Diallo"))})

    cv = tmp_path / "wang-cv.pdf"
    cv.write_bytes(pdf_bytes("Wang Xiaoming, sand fixation"))
    fellow = new_page()
    fellow.set_viewport_size(PHONE)
    log_in(fellow, live_server, "wang@adm.example")
    fellow.goto(f"{live_server}/sessions/{session_id}")
    fellow.get_by_label("Why do you apply?").fill(MOTIVATION)
    fellow.get_by_label("Name as in your passport").fill(PASSPORT)
    assert fellow.get_by_label("Nationality").input_value() == "CN"
    fellow.get_by_label("Your current work on land restoration").fill("Checkerboards of straw on the Kubuqi dunes")
    fellow.set_input_files("input[name=answer-cv]", str(cv))
    snap(fellow, "apply-form", PHONE)
    fellow.get_by_role("button", name="Apply").click()
    assert fellow.get_by_text("Your application is received.").is_visible()
    fellow.get_by_text("Your application as you sent it").click()
    assert fellow.get_by_text(PASSPORT).first.is_visible()
    snap(fellow, "applied", PHONE)
    snap(fellow, "applied", DESK)

    admin.goto(f"{live_server}/admin/sessions/{session_id}/applications")
    admin.get_by_label("Name, email or institution").fill("wang")
    admin.get_by_role("button", name="Filter").click()
    assert "q=wang" in admin.url
    assert admin.get_by_text("Amina Diallo").count() == 0
    snap(admin, "applications-filtered", DESK)
    snap(admin, "applications-filtered", PHONE)
    admin.get_by_role("link", name="Open and review").click()
    with admin.expect_download() as downloading:
        admin.get_by_role("link", name="wang-cv.pdf").click()
    download = downloading.value
    assert download.suggested_filename == "wang-cv.pdf"
    assert Path(download.path()).read_bytes() == cv.read_bytes()
    admin.get_by_label("Your score (1 to 5)").select_option("4")
    admin.get_by_label("Your private note").fill("Hands-on dune work; strong CV.")
    admin.get_by_role("button", name="Save my review").click()
    assert admin.get_by_text("Mean score: 4.0").is_visible()
    snap(admin, "review", DESK)
    snap(admin, "review", PHONE)

    admin.goto(f"{live_server}/admin/sessions/{session_id}/applications?sort=score")
    admin.get_by_label("Amina Diallo").check()
    admin.get_by_label("Decision for the selected").select_option("reject")
    admin.get_by_label("Reason, for a rejection").fill(REASON)
    admin.get_by_role("button", name="Decide").click()
    assert admin.get_by_text("1 application decided.").is_visible()
    snap(admin, "applications-decided", DESK)

    rejected = new_page()
    rejected.set_viewport_size(PHONE)
    log_in(rejected, live_server, "amina@adm.example")
    rejected.goto(f"{live_server}/sessions/{session_id}")
    assert rejected.get_by_text(REASON).is_visible()
    snap(rejected, "rejected-reason", PHONE)
