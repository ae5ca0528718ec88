"""A partner's draft reviewed in Chromium: the diff marks the changed words, an admin
requests changes with a comment, the partner reads it on the dashboard and by email,
uploads a new revision, and the admin publishes it."""

import pytest

from institute.courses.bundle import write_zip
from institute.database import transaction

from ..builders import course_files, create_course, create_staff, create_user
from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser
SLUG = "review-journey"


def _files(text: str) -> dict[str, bytes]:
    files = course_files(slug_title="Review Journey Course", partner="GDI")
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", text.encode())
    return files


def test_draft_diffed_sent_back_revised_and_published(live_app, live_server, live_mail, page, new_page,
                                                      shoot, tmp_path):
    from institute.notifications.delivery import deliver_due

    with live_app.app_context(), transaction():
        create_user(email="rj-admin@example.org", roles="admin", password=PASSWORD, name="Rita Reviewer")
        partner = create_staff("GDI", email="rj-partner@example.org", password=PASSWORD, name="Pablo Partner")
        create_course(SLUG, author=partner, files=_files("sand dunes"))
        create_course(SLUG, author=partner, publish=False, files=_files("moving gravel plains"))

    log_in(page, live_server, "rj-admin@example.org")
    page.goto(f"{live_server}/courses/{SLUG}/revisions/2/diff")
    assert page.locator("ins.word-ins").first.is_visible()
    assert page.locator("del.word-del").first.is_visible()
    assert page.locator(".review-previews").get_by_text("moving gravel plains").first.is_visible()
    shoot("1-diff-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("2-diff-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Request changes").click()  # empty: the browser asks first
    assert "/diff" in page.url
    page.get_by_label("What should change (required)").fill("Say which plains: the Alashan ones?")
    page.get_by_role("button", name="Request changes").click()
    assert page.get_by_text("is sent back to GDI").is_visible()

    with live_app.app_context():
        deliver_due()
    [mail] = [m for m in live_mail.to("rj-partner@example.org") if "Changes requested" in m["Subject"]]
    assert "Say which plains: the Alashan ones?" in mail.get_body(("plain",)).get_content()

    staff = new_page()
    log_in(staff, live_server, "rj-partner@example.org")
    staff.goto(live_server + "/dashboard")
    item = staff.locator("#queue-drafts ul a", has_text="changes requested").first
    assert item.is_visible()
    item.click()
    assert staff.get_by_text("Say which plains: the Alashan ones?").is_visible()
    staff.screenshot(path=str(shoot("3-admin-after")).replace("3-admin-after", "4-partner-course-1280"),
                     full_page=True)
    staff.set_viewport_size({"width": 375, "height": 800})
    staff.screenshot(path=str(shoot("3-admin-after")).replace("3-admin-after", "5-partner-course-375"),
                     full_page=True)
    bundle = tmp_path / f"{SLUG}.zip"
    bundle.write_bytes(write_zip(SLUG, _files("moving gravel plains of Alashan")))
    staff.goto(live_server + "/courses/upload")
    staff.locator("input[type=file]").set_input_files(str(bundle))
    staff.get_by_role("button", name="Upload").click()
    assert staff.get_by_text("Revision 3 of review-journey is uploaded as a draft").is_visible()

    page.goto(f"{live_server}/courses/{SLUG}/revisions/3/diff")
    assert page.locator("ins.word-ins", has_text="of Alashan").first.is_visible()
    page.get_by_role("button", name="Publish revision 3").click()
    assert page.get_by_text("Revision 3 of review-journey is published.").is_visible()
