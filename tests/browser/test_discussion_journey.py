"""A session's discussion in Chromium, without JavaScript of its own: a fellow starts a
thread, another fellow who follows the forum replies, the first fellow's email arrives at
a real SMTP server, and the instructor hides a post with a reason; at 1280 and 375 px."""

import re

import pytest

from institute.database import transaction
from institute.notifications.delivery import deliver_due

from ..builders import create_session, create_user, enrol, free_year_and_sequence
from .conftest import PASSWORD, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def test_a_thread_a_reply_an_email_and_a_hidden_post(live_app, live_server, live_mail, page, new_page, shoot):
    with live_app.app_context(), transaction():
        teacher = create_user(email="teacher@discussion.example", name="Li Wei", roles="instructor",
                              password=PASSWORD)
        session = create_session(title="Discussion session", instructors=[teacher], **free_year_and_sequence())
        enrol(session, create_user(email="aigerim@discussion.example", name="Aigerim Saparova",
                                   password=PASSWORD))
        enrol(session, create_user(email="jose@discussion.example", name="José Ñúñez", password=PASSWORD))
        session_id = session.id
    forum = f"{live_server}/sessions/{session_id}/discussion"

    replier = new_page()  # the second fellow follows the whole forum, an email per post
    log_in(replier, live_server, "jose@discussion.example")
    replier.goto(forum)
    replier.get_by_label("An email per post").check()
    replier.get_by_role("button", name="Follow by email").click()
    assert replier.get_by_text("You get an email for each new post.").is_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "aigerim@discussion.example")
    page.goto(f"{live_server}/sessions/{session_id}")
    page.get_by_role("link", name="Discussion", exact=True).click()
    assert page.url == forum
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Goggles for the Dalate field trip?")
    page.get_by_label("Your post").fill("Is a **sun hat** enough, or do we need goggles for the sand?")
    page.get_by_role("button", name="Start the thread").click()
    assert page.get_by_text("Your thread is started.").is_visible()
    assert page.locator("article.post strong", has_text="sun hat").is_visible()
    thread_url = page.url.split("#")[0]

    replier.goto(forum)
    assert replier.get_by_text("1 new post").is_visible()
    replier.get_by_role("link", name="Goggles for the Dalate field trip?").click()
    replier.get_by_label("Your reply").fill("Goggles help when the wind rises. *Bring two litres of water.*")
    replier.get_by_role("button", name="Post the reply").click()
    assert replier.get_by_text("Your reply is posted.").is_visible()
    replier.get_by_label("Your reply").fill("Buy cheap sand goggles at http://spam.example")
    replier.get_by_role("button", name="Post the reply").click()

    with live_app.app_context():
        deliver_due()  # what the worker or `notifications send` does, outside the requests
    mails = [m for m in live_mail.to("aigerim@discussion.example") if "Goggles for the Dalate" in m["Subject"]]
    assert len(mails) == 2 and all("José Ñúñez" in m["Subject"] for m in mails)
    text = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Goggles help when the wind rises" in text and f"{thread_url}#post-" in text
    assert f"{thread_url}/unsubscribe" in text
    # The follower of the forum heard of the new thread, and never of his own replies.
    [told] = [m for m in live_mail.to("jose@discussion.example") if "Goggles for the Dalate" in m["Subject"]]
    assert "Aigerim Saparova" in told["Subject"]

    page.goto(forum)
    assert page.get_by_text("2 new posts").is_visible()
    shoot("forum-1280")
    page.goto(thread_url)
    shoot("thread-1280")

    moderator = new_page()
    moderator.set_viewport_size({"width": 375, "height": 800})
    log_in(moderator, live_server, "teacher@discussion.example")
    moderator.goto(thread_url)
    moderator.locator("article.post", has_text="spam.example").get_by_role("link", name="Hide…").click()
    moderator.get_by_role("button", name="Hide the post").click()  # no reason: refused
    assert moderator.get_by_text("Say why the post is hidden.").is_visible()
    moderator.screenshot(path=str(SCREENSHOTS / "discussion-hide-form-375.png"), full_page=True)
    moderator.get_by_label("Why is it hidden?").fill("Advertising, not part of the discussion.")
    moderator.get_by_role("button", name="Hide the post").click()
    assert moderator.get_by_text("Hidden by Li Wei: Advertising, not part of the discussion.").is_visible()
    moderator.screenshot(path=str(SCREENSHOTS / "discussion-moderator-375.png"), full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(thread_url)
    assert page.get_by_text("A post was hidden by a moderator.").is_visible()
    assert page.get_by_text("spam.example").count() == 0
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths  # nothing wider than the phone
    shoot("thread-375")
    page.goto(forum)
    shoot("forum-375")
    assert re.search(r"/threads/\d+$", thread_url)
