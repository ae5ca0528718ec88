"""Certificate pages in Chromium: the admin's issue preview with each fellow's reasons
folded, the holder's page with the verification code and the LinkedIn link, and the
PDF as issued and as downloaded once revoked (rendered to PNG beside the screenshots)."""

import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from institute.database import transaction

from ..builders import (
    complete_modules,
    create_attempt,
    create_certificate,
    create_quiz,
    create_session,
    create_user,
    enrol,
    free_year_and_sequence,
)
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser
WIDTHS = (1280, 375)
TWO_QUESTIONS = """::MC::Capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::TF::Straw checkerboards fix moving sand.{T}
"""


def _pdf_to_png(pdf: bytes, name: str) -> list:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(SCREENSHOTS / name)], check=True)  # noqa: S603,S607
    path.unlink()
    return sorted(SCREENSHOTS.glob(f"{name}*.png"))


def test_issue_preview_and_the_holders_certificate_page(live_app, live_server, page, shoot):
    with live_app.app_context(), transaction():
        admin = create_user(email="cp-admin@example.org", roles="admin", password=PASSWORD)
        quiz = create_quiz(gift=TWO_QUESTIONS, slug="cp-sand-fixing", title="Dune ecology", pass_mark=60,
                           slug_title="Sand fixing")
        course = quiz.revision.course
        session = create_session(title="Certificate pages cohort", courses=[course], **free_year_and_sequence())
        session.on_site_days = 12
        done = enrol(session, admin=admin, email="cp-done@example.org", name="Gulnara Tashkentova",
                     password=PASSWORD)
        half = enrol(session, admin=admin, email="cp-half@example.org", name="Half Way Fellow", password=PASSWORD)
        enrol(session, admin=admin, email="cp-idle@example.org", name="Idle Fellow", password=PASSWORD)
        complete_modules(done, course)
        create_attempt(quiz, done, "submitted", {"0": 0, "1": True})
        complete_modules(half, course, ["module-1"])
        create_attempt(quiz, half, "submitted", {"0": 1, "1": True})
        session_id = session.id
        holder = create_user(email="cp-holder@example.org", name="Kwame Mensah", password=PASSWORD)
        certificate = create_certificate(fellow=holder, admin=admin)
        serial, code = certificate.serial, certificate.code

    log_in(page, live_server, "cp-admin@example.org")
    page.goto(f"{live_server}/admin/sessions/{session_id}/certificates/issue")
    folds = page.locator("details.reason-group")
    assert folds.count() == 2
    assert not folds.first.evaluate("d => d.open")  # folded until opened
    assert not page.get_by_text("not passed (best 50%").is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shoot(f"preview-folded-{width}")
    folds.first.locator("summary").click()
    assert page.get_by_text("Quiz “Dune ecology” of “Sand fixing” not passed (best 50%, pass mark 60%)").is_visible()
    assert folds.first.get_by_text("Module “Module 2” of “Sand fixing” not done").is_visible()
    folds.nth(1).locator("summary").click()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(f"preview-open-{width}")
    page.get_by_role("button", name="Issue 1 certificate").click()
    assert "/certificates" in page.url

    page.context.clear_cookies()
    log_in(page, live_server, "cp-holder@example.org")
    page.goto(f"{live_server}/dashboard")
    page.get_by_role("link", name=f"Certified training — {serial}").click()
    assert page.url.endswith(f"/certificates/{serial}")
    assert page.get_by_text(code, exact=True).is_visible()
    link = page.get_by_role("link", name="Add to LinkedIn profile")
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query["certId"] == [serial] and query["certUrl"][0].endswith(f"/verify/{code}")
    assert query["organizationName"] == ["Kubuqi Global Desert Institute"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(f"holder-page-{width}")
    pdf = page.request.get(f"{live_server}/certificates/{serial}/pdf")
    assert pdf.ok
    assert _pdf_to_png(pdf.body(), "certificate-pdf-issued")

    page.context.clear_cookies()
    log_in(page, live_server, "cp-admin@example.org")
    page.goto(f"{live_server}/certificates/{serial}")
    with live_app.app_context(), transaction():
        from institute.accounts.services import user_by_email
        from institute.certificates import services

        services.revoke(services.get(serial), user_by_email("cp-admin@example.org"), "Shown for the screenshots")
    revoked = page.request.get(f"{live_server}/certificates/{serial}/pdf")
    assert revoked.ok
    assert _pdf_to_png(revoked.body(), "certificate-pdf-revoked")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=revoked.body(), capture_output=True, check=True).stdout  # noqa: S607
        assert b"REVOKED on" in text
    page.goto(f"{live_server}/certificates/{serial}")
    assert page.get_by_text("Shown for the screenshots").is_visible()
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0
    shoot("holder-page-revoked-375")
