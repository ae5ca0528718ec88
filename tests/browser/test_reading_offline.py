"""Reading offline in Chromium: a module and the quiz a fellow opened are read again without a
connection, a page never opened says it is not saved, "Mark as done" pressed offline waits and
reaches the server once the connection returns, and logging out forgets it all."""

import time

import pytest
import sqlalchemy as sa

from institute.courses.models import ModuleCompletion
from institute.database import transaction
from institute.extensions import db

from .. import builders
from .conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

MODULE = "/courses/read-offline/modules/module-{n}"


def _marked(app, user_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(ModuleCompletion.module_slug)
                                      .where(ModuleCompletion.user_id == user_id)))


def _kept(page, path: str) -> bool:
    return page.evaluate("path => caches.match(location.origin + path).then(Boolean)", path)


def _wait(check, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "waited in vain"
        time.sleep(0.1)


def test_a_fellow_reads_offline_and_the_mark_waits_for_the_connection(live_app, live_server, new_page):
    from playwright.sync_api import expect

    with live_app.app_context(), transaction():
        course = builders.create_course(slug="read-offline", modules=3).course
        quiz_id = course.published.quizzes[0].id
        fellow = builders.create_user(email="offline-reader@example.org")
        builders.enrol_in_course(course, fellow)
        fellow_id = fellow.id

    page = new_page()
    log_in(page, live_server, "offline-reader@example.org", builders.PASSWORD)
    # The dashboard registers the worker, which takes over the page at once.
    _wait(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"))
    page.goto(live_server + MODULE.format(n=1))
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.goto(live_server + MODULE.format(n=1))
    _wait(lambda: _kept(page, MODULE.format(n=1)) and _kept(page, f"/quizzes/{quiz_id}"))
    assert not _kept(page, "/dashboard") and not _kept(page, MODULE.format(n=2))

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text("Text of module 1 about sand dunes.")).to_be_visible()
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 241, 231)"  # style.css

    page.get_by_role("button", name="Mark as done and continue").click()
    expect(page.get_by_text("Saved; it will be sent when you are back online.")).to_be_visible()
    assert page.url.endswith(MODULE.format(n=1))  # no page was asked for
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reading-offline-mark-queued.png"), full_page=True)
    assert _marked(live_app, fellow_id) == set()

    page.goto(f"{live_server}/quizzes/{quiz_id}")  # the quiz, read offline too
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check")
    page.goto(live_server + MODULE.format(n=2))  # never opened
    expect(page.get_by_role("heading", name="Not saved for reading offline")).to_be_visible()

    # The next page sends what waits. (Left on a page of ours, its `online` handler would
    # race the next page for it: the other test sends by that event.)
    page.goto("about:blank")
    page.context.set_offline(False)
    page.goto(live_server + MODULE.format(n=2))
    expect(page.get_by_text("Sent: the module is marked as done.")).to_be_visible()
    _wait(lambda: _marked(live_app, fellow_id) == {"module-1"})
    page.reload()
    expect(page.get_by_text("Sent: the module is marked as done.")).to_have_count(0)  # sent once
    assert (page.locator("details.outline li").first.text_content() or "").endswith("✓")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    _wait(lambda: page.evaluate("caches.keys()") == [])
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


def test_the_online_event_sends_a_mark_without_a_new_page(live_app, live_server, new_page):
    from playwright.sync_api import expect

    with live_app.app_context(), transaction():
        builders.create_course(slug="read-offline-2", modules=2, quiz=False)
        fellow = builders.create_user(email="offline-reader-2@example.org")
        fellow_id = fellow.id

    page = new_page()
    log_in(page, live_server, "offline-reader-2@example.org", builders.PASSWORD)
    _wait(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"))
    page.goto(f"{live_server}/courses/read-offline-2/modules/module-2")
    page.context.set_offline(True)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Saved; it will be sent when you are back online.")).to_be_visible()
    page.context.set_offline(False)
    expect(page.get_by_text("Sent: the module is marked as done.")).to_be_visible()
    _wait(lambda: _marked(live_app, fellow_id) == {"module-2"})


def test_without_javascript_the_mark_is_posted_as_before(live_app, live_server, browser):
    from playwright.sync_api import expect

    with live_app.app_context(), transaction():
        builders.create_course(slug="read-no-script", modules=2, quiz=False)
        fellow = builders.create_user(email="no-script-reader@example.org")
        fellow_id = fellow.id

    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "no-script-reader@example.org", builders.PASSWORD)
        page.goto(f"{live_server}/courses/read-no-script/modules/module-1")
        page.get_by_role("button", name="Mark as done and continue").click()
        expect(page).to_have_url(f"{live_server}/courses/read-no-script/modules/module-2")
        assert _marked(live_app, fellow_id) == {"module-1"}
    finally:
        context.close()
