"""The whole admission in one go. An admin adds a CV question (PDF) and a text question to
a session; a fellow applies on a phone with a real PDF and a passport name in Chinese
script; the admin filters, opens the application, downloads the CV, scores it 4 with a
note, accepts it and rejects another applicant with a reason that applicant then reads;
the fellow confirms the offer and downloads the invitation letter, in English and in
Arabic (right to left), each holding the passport name. Every step is shot at 1280 and
375 px (/work/notes/shots-journey), with no page scrolling sideways."""

import shutil
import subprocess
from pathlib import Path

import pytest

from institute.accounts.services import create_user, user_by_email
from institute.database import transaction
from institute.training.services import get_session

from ..builders import MOTIVATION, create_application, create_session, free_year_and_sequence, pdf_bytes
from .conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")]

SHOTS = Path("/work/notes/shots-journey")
PHONE = {"width": 375, "height": 800}
DESK = {"width": 1280, "height": 900}
PASSPORT = "王小明"
REASON = "We look for field experience in drylands this year."


def snap(page, name: str, size: dict) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(size)
    # two frames after the resize, so that the page is laid out and painted at its new width
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name


def both(page, name: str) -> None:
    """A step at both widths, the phone last (the width the person goes on with)."""
    snap(page, name, DESK)
    snap(page, name, PHONE)


def letter_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,  # noqa: S603,S607
                          text=True, check=True).stdout


def test_the_whole_admission_from_questions_to_the_invitation_letter(live_app, live_server, new_page,
                                                                    tmp_path):
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
    both(admin, "01-session-form-questions")
    admin.get_by_role("button", name="Save session").click()
    assert admin.get_by_text("The session is saved.").is_visible()
    with live_app.app_context(), transaction():
        create_application(get_session(session_id), user_by_email("amina@adm.example"), motivation=MOTIVATION,
                           answers={"current-work": "Great Green Wall nurseries in Louga"},
                           files={"cv": ("cv.pdf", pdf_bytes("Amina Diallo"))})

    # The fellow applies with a CV, answering the session's questions.
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
    both(fellow, "02-apply-form")
    fellow.get_by_role("button", name="Apply").click()
    assert fellow.get_by_text("Your application is received.").is_visible()
    fellow.get_by_text("Your application as you sent it").click()
    assert fellow.get_by_text(PASSPORT).first.is_visible()
    both(fellow, "03-applied")

    # An admin, as a reviewer, finds it, downloads the CV and scores it.
    admin.goto(f"{live_server}/admin/sessions/{session_id}/applications")
    admin.get_by_label("Name, email or institution").fill("wang")
    admin.get_by_role("button", name="Filter").click()
    assert "q=wang" in admin.url
    assert admin.get_by_text("Amina Diallo").count() == 0
    both(admin, "04-applications-filtered")
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
    both(admin, "05-review")

    # The admin accepts it (an offer with a deadline) and rejects the other with a reason.
    admin.goto(f"{live_server}/admin/sessions/{session_id}/applications?sort=score")
    admin.get_by_label("Wang Xiaoming").check()
    admin.get_by_label("Decision for the selected").select_option("accept")
    admin.get_by_role("button", name="Decide").click()
    assert admin.get_by_text("1 application decided.").is_visible()
    assert admin.get_by_text("1 waiting to be confirmed, 0 confirmed").is_visible()
    assert admin.locator("tr", has_text="wang@adm.example").get_by_text("waiting for confirmation until").is_visible()
    both(admin, "06-admin-accepted")
    admin.get_by_label("Amina Diallo").check()
    admin.get_by_label("Decision for the selected").select_option("reject")
    admin.get_by_label("Reason, for a rejection").fill(REASON)
    admin.get_by_role("button", name="Decide").click()
    assert admin.get_by_text("1 application decided.").is_visible()
    both(admin, "07-applications-decided")

    rejected = new_page()
    rejected.set_viewport_size(PHONE)
    log_in(rejected, live_server, "amina@adm.example")
    rejected.goto(f"{live_server}/sessions/{session_id}")
    assert rejected.get_by_text(REASON).is_visible()
    both(rejected, "08-rejected-reason")

    # The fellow confirms the offer, then downloads the invitation letter.
    fellow.goto(f"{live_server}/sessions/{session_id}")
    assert fellow.get_by_text("Confirm your seat by").is_visible()
    both(fellow, "09-offer")
    fellow.get_by_role("button", name="Confirm my seat").click()
    assert fellow.get_by_text("Your seat is confirmed.").is_visible()
    assert fellow.get_by_text("Seat confirmed on").is_visible()
    both(fellow, "10-confirmed")
    for language, link, words in (("en", "English", "Letter of invitation"), ("ar", "العربية", "رسالة دعوة")):
        with fellow.expect_download() as downloading:
            fellow.get_by_role("link", name=link).click()
        letter = tmp_path / f"letter-{language}.pdf"
        downloading.value.save_as(letter)
        assert downloading.value.suggested_filename.endswith(f"-{language}.pdf")
        assert letter.read_bytes().startswith(b"%PDF")
        text = letter_text(letter)
        assert PASSPORT in text and words in " ".join(text.split())
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(letter),  # noqa: S603,S607
                        str(SHOTS / f"11-letter-{language}")], check=True)

    # In the Arabic interface the page runs right to left, and the letter links keep their languages.
    fellow.get_by_label("Language").select_option("ar")
    fellow.locator("footer").get_by_role("button").click()
    assert fellow.locator("html").get_attribute("dir") == "rtl"
    assert fellow.get_by_role("link", name="العربية").get_attribute("hreflang") == "ar"
    both(fellow, "12-confirmed-arabic")
