"""The discussion's routes (DESIGN §10 "Cohort life"): each role let in or refused,
errors that change nothing, the pages without JavaScript, emails in each language, the
digest command, and hostile Markdown neutralised in posts."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from institute.discussion.models import Post, Thread
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import committed, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login
from ..courses.test_markdown import HOSTILE

PEOPLE = ("fellow@example.org", "second@example.org", "teacher@example.org", "admin@example.org")
REFUSED = ("outsider@example.org", "staff@uca.example", "other-teacher@example.org", "stranger@example.org")


@pytest.fixture
def world(app):
    with committed(app):
        from institute.discussion import services as discussion

        instructor = create_user(email="teacher@example.org", roles="instructor", name="Li Wei")
        session = create_session(instructors=[instructor])
        fellow = enrol(session, email="fellow@example.org", name="Aigerim")
        enrol(session, email="second@example.org", name="Bakyt")
        enrol(create_session(title="Another", sequence=2), email="outsider@example.org")
        create_user(email="admin@example.org", roles="admin")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_user(email="stranger@example.org")
        create_staff("UCA", email="staff@uca.example")
        thread = discussion.start_thread(session, fellow, {"title": "Goggles?", "body": "Is a **hat** enough?"})
        post = discussion.posts_of(thread)[0]
        return {"session": session.id, "thread": thread.id, "post": post.id}


def outbox(app, kind: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                       .order_by(OutboxMessage.id)))


def test_the_sessions_people_read_and_write_through_the_api(client, world):
    threads = f"/api/v1/sessions/{world['session']}/threads"
    for who in PEOPLE:
        headers = bearer(client, who)
        listed = client.get(threads, headers=headers)
        assert listed.status_code == 200 and world["thread"] in [t["id"] for t in listed.get_json()["threads"]]
        one = client.get(f"/api/v1/threads/{world['thread']}", headers=headers)
        assert one.status_code == 200 and "<strong>hat</strong>" in one.get_json()["posts"][0]["html"]
        created = client.post(threads, headers=headers, json={"title": f"From {who}", "body": "Hello"})
        assert created.status_code == 201 and created.get_json()["posts"][0]["body"] == "Hello"
        replied = client.post(f"/api/v1/threads/{world['thread']}/posts", headers=headers, json={"body": "Me too"})
        assert replied.status_code == 201 and replied.get_json()["thread"] == world["thread"]


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_is_refused_by_the_api(app, client, world, who):
    headers = bearer(client, who)
    threads = f"/api/v1/sessions/{world['session']}/threads"
    assert client.get(threads, headers=headers).status_code == 403
    assert client.post(threads, headers=headers, json={"title": "x", "body": "y"}).status_code == 403
    assert client.get(f"/api/v1/threads/{world['thread']}", headers=headers).status_code == 403
    assert client.post(f"/api/v1/threads/{world['thread']}/posts", headers=headers,
                       json={"body": "y"}).status_code == 403
    assert client.patch(f"/api/v1/posts/{world['post']}", headers=headers, json={"body": "y"}).status_code == 403
    assert client.post(f"/api/v1/posts/{world['post']}/hide", headers=headers,
                       json={"reason": "y"}).status_code == 403
    assert client.post(f"/api/v1/threads/{world['thread']}/lock", headers=headers).status_code == 403
    with app.app_context():
        assert db.session.query(Post).count() == 1 and db.session.query(Thread).count() == 1


def test_no_token_is_401_and_unknown_ids_404(client, world):
    assert client.get(f"/api/v1/sessions/{world['session']}/threads").status_code == 401
    admin = bearer(client, "admin@example.org")
    assert client.get("/api/v1/sessions/999999/threads", headers=admin).status_code == 404
    assert client.get("/api/v1/threads/999999", headers=admin).status_code == 404
    assert client.patch("/api/v1/posts/999999", headers=admin, json={"body": "x"}).status_code == 404


def test_bad_input_is_422_and_nothing_is_written(app, client, world):
    headers = bearer(client, "fellow@example.org")
    threads = f"/api/v1/sessions/{world['session']}/threads"
    for body in ({"title": "", "body": "x"}, {"title": "x", "body": ""}, {"title": "x" * 201, "body": "x"},
                 {"title": "x", "body": "   "}, {"title": "x"}, {"title": "x", "body": "y", "extra": 1}):
        assert client.post(threads, headers=headers, json=body).status_code == 422, body
    assert client.post(f"/api/v1/threads/{world['thread']}/posts", headers=headers,
                       json={"body": 3}).status_code == 422
    with app.app_context():
        assert db.session.query(Post).count() == 1


def test_moderators_hide_with_a_reason_and_others_see_that_a_post_was_hidden(app, client, world):
    teacher = bearer(client, "teacher@example.org")
    fellow = bearer(client, "fellow@example.org")
    url = f"/api/v1/posts/{world['post']}/hide"
    assert client.post(url, headers=fellow, json={"reason": "mine"}).status_code == 403
    assert client.post(url, headers=teacher, json={"reason": ""}).status_code == 422
    assert client.post(url, headers=teacher, json={}).status_code == 422
    hidden = client.post(url, headers=teacher, json={"reason": "Off topic"})
    assert hidden.status_code == 200
    assert hidden.get_json()["hidden_by"]["name"] == "Li Wei" and hidden.get_json()["hidden_reason"] == "Off topic"
    seen = client.get(f"/api/v1/threads/{world['thread']}", headers=fellow).get_json()["posts"][0]
    assert seen["hidden"] is True and seen["body"] is None and seen["hidden_reason"] is None
    moderator_view = client.get(f"/api/v1/threads/{world['thread']}", headers=teacher).get_json()["posts"][0]
    assert moderator_view["body"] == "Is a **hat** enough?"
    with app.app_context():
        assert db.session.get(Post, world["post"]).body == "Is a **hat** enough?"  # kept
    assert client.post(f"/api/v1/posts/{world['post']}/unhide", headers=teacher).get_json()["hidden"] is False


def test_a_locked_thread_refuses_posts_with_409(client, world):
    teacher = bearer(client, "teacher@example.org")
    assert client.post(f"/api/v1/threads/{world['thread']}/lock", headers=bearer(client, "fellow@example.org")
                       ).status_code == 403
    locked = client.post(f"/api/v1/threads/{world['thread']}/lock", headers=teacher)
    assert locked.status_code == 200 and locked.get_json()["locked"] is True
    for who in ("fellow@example.org", "teacher@example.org"):
        assert client.post(f"/api/v1/threads/{world['thread']}/posts", headers=bearer(client, who),
                           json={"body": "Still?"}).status_code == 409
    assert client.post(f"/api/v1/threads/{world['thread']}/unlock", headers=teacher).get_json()["locked"] is False
    assert client.post(f"/api/v1/threads/{world['thread']}/posts", headers=teacher,
                       json={"body": "Open"}).status_code == 201


def test_the_author_edits_within_thirty_minutes(app, client, world):
    url = f"/api/v1/posts/{world['post']}"
    assert client.patch(url, headers=bearer(client, "second@example.org"), json={"body": "x"}).status_code == 403
    assert client.patch(url, headers=bearer(client, "teacher@example.org"), json={"body": "x"}).status_code == 403
    fellow = bearer(client, "fellow@example.org")
    edited = client.patch(url, headers=fellow, json={"body": "Is a *hat* enough?"})
    assert edited.status_code == 200 and edited.get_json()["id"] == world["post"]
    assert edited.get_json()["edited_at"] is not None
    with committed(app):
        post = db.session.get(Post, world["post"])
        post.created_at = post.created_at - timedelta(minutes=31)
    late = client.patch(url, headers=fellow, json={"body": "Too late"})
    assert late.status_code == 409 and "30 minutes" in late.get_json()["error"]["message"]


def test_subscriptions_through_the_api(client, world):
    second = bearer(client, "second@example.org")
    url = f"/api/v1/sessions/{world['session']}/subscription"
    assert client.put(url, headers=second, json={"delivery": "weekly"}).status_code == 422
    assert client.put(url, headers=second, json={"delivery": "daily-digest"}).get_json()["delivery"] == "daily-digest"
    assert client.delete(url, headers=second).get_json()["delivery"] is None
    assert client.put(url, headers=bearer(client, "outsider@example.org"),
                      json={"delivery": "each-post"}).status_code == 403
    thread_url = f"/api/v1/threads/{world['thread']}/subscription"
    followed = client.put(thread_url, headers=second, json={"delivery": "each-post"})
    assert followed.get_json()["thread"] == world["thread"]


def test_a_reply_emails_the_followers_in_their_language(app, client, world):
    login(client, "second@example.org")
    client.post(f"/sessions/{world['session']}/discussion/subscription", data={"delivery": "each-post"})
    client.post("/logout")
    with committed(app):
        from institute.accounts.services import user_by_email

        user_by_email("second@example.org").locale = "fr"
    login(client, "teacher@example.org")
    client.post(f"/threads/{world['thread']}/reply", data={"body": "Goggles **help**."})
    mails = outbox(app, "discussion-post")
    assert sorted(m.recipient for m in mails) == ["fellow@example.org", "second@example.org"]
    french = next(m for m in mails if m.recipient == "second@example.org")
    assert french.body.startswith("Bonjour Bakyt") and "Goggles **help**." in french.body
    assert "http://127.0.0.1:5000/sessions/" in french.body  # from BASE_URL


def test_the_pages_of_a_fellow(app, client, world):
    login(client, "second@example.org")
    session_page = client.get(f"/sessions/{world['session']}").get_data(as_text=True)
    assert f'href="/sessions/{world["session"]}/discussion"' in session_page
    forum = client.get(f"/sessions/{world['session']}/discussion").get_data(as_text=True)
    assert "Goggles?" in forum and "1 new post" in forum
    page = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert "<strong>hat</strong>" in page and 'name="body"' in page
    assert "1 new post" not in client.get(f"/sessions/{world['session']}/discussion").get_data(as_text=True)
    empty = client.post(f"/threads/{world['thread']}/reply", data={"body": " "})
    assert empty.status_code == 422 and "Write something first." in empty.get_data(as_text=True)
    posted = client.post(f"/threads/{world['thread']}/reply", data={"body": "Bring *goggles*"})
    assert posted.status_code == 302
    with app.app_context():
        mine = db.session.scalars(sa.select(Post).order_by(Post.id.desc())).first()
    assert client.get(f"/posts/{mine.id}/edit").status_code == 200
    assert client.post(f"/posts/{mine.id}/edit", data={"body": "Bring goggles"}).status_code == 302
    assert "edited" in client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert client.get(f"/posts/{world['post']}/edit").status_code == 403  # another's post
    for url in (f"/posts/{world['post']}/hide",):
        assert client.get(url).status_code == 403
    assert client.post(f"/threads/{world['thread']}/lock").status_code == 403
    new = client.post(f"/sessions/{world['session']}/discussion/new", data={"title": "", "body": ""})
    assert new.status_code == 200 and "A title is required." in new.get_data(as_text=True)
    started = client.post(f"/sessions/{world['session']}/discussion/new", data={"title": "Rooms", "body": "Who?"})
    assert started.status_code == 302 and "/threads/" in started.headers["Location"]


def test_the_edit_page_refuses_late_and_keeps_the_text(app, client, world):
    with committed(app):
        post = db.session.get(Post, world["post"])
        post.created_at = post.created_at - timedelta(minutes=45)
    login(client, "fellow@example.org")
    assert "30 minutes" in client.get(f"/posts/{world['post']}/edit").get_data(as_text=True)
    late = client.post(f"/posts/{world['post']}/edit", data={"body": "My long correction"})
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "30 minutes" in text and "My long correction" in text


def test_moderation_pages(app, client, world):
    login(client, "teacher@example.org")
    form = client.get(f"/posts/{world['post']}/hide")
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)
    refused = client.post(f"/posts/{world['post']}/hide", data={"reason": ""})
    assert "Say why the post is hidden." in refused.get_data(as_text=True)
    assert client.post(f"/posts/{world['post']}/hide", data={"reason": "Spam"}).status_code == 302
    moderator = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert "Hidden by Li Wei: Spam" in moderator
    assert client.post(f"/threads/{world['thread']}/lock").status_code == 302
    locked = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert "locked" in locked and "Unlock the thread" in locked and 'name="body"' not in locked
    client.post("/logout")
    login(client, "second@example.org")
    fellow_view = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert "A post was hidden" in fellow_view and "Spam" not in fellow_view and "hat" not in fellow_view
    assert "This thread is locked" in fellow_view
    refused = client.post(f"/threads/{world['thread']}/reply", data={"body": "Let me in"}, follow_redirects=True)
    assert "This thread is locked" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Post).count() == 1
    client.post("/logout")
    login(client, "teacher@example.org")
    client.post(f"/posts/{world['post']}/unhide")
    client.post(f"/threads/{world['thread']}/unlock")
    shown = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    assert "<strong>hat</strong>" in shown and "Lock the thread" in shown


@pytest.mark.parametrize("who", REFUSED)
def test_strangers_see_no_discussion_page(client, world, who):
    login(client, who)
    for url in (f"/sessions/{world['session']}/discussion", f"/sessions/{world['session']}/discussion/new",
                f"/threads/{world['thread']}", f"/threads/{world['thread']}/unsubscribe",
                f"/sessions/{world['session']}/discussion/unsubscribe"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/threads/{world['thread']}/reply", data={"body": "x"}).status_code == 403


def test_visitors_are_sent_to_log_in(client, world):
    assert client.get(f"/sessions/{world['session']}/discussion").status_code in (302, 401)


def test_the_emails_unsubscribe_link_asks_then_stops(app, client, world):
    login(client, "fellow@example.org")
    url = f"/threads/{world['thread']}/unsubscribe"
    asked = client.get(url).get_data(as_text=True)
    assert "Stop these emails" in asked
    done = client.post(url).get_data(as_text=True)
    assert "you no longer get these emails" in done
    client.post("/logout")
    login(client, "teacher@example.org")
    client.post(f"/threads/{world['thread']}/reply", data={"body": "Hello"})
    assert outbox(app, "discussion-post") == []


def test_the_digest_command_sends_once(app, client, world, runner):
    login(client, "second@example.org")
    client.post(f"/sessions/{world['session']}/discussion/subscription", data={"delivery": "daily-digest"})
    client.post("/logout")
    login(client, "teacher@example.org")
    client.post(f"/threads/{world['thread']}/reply", data={"body": "Goggles help."})
    first = runner.invoke(args=["discussion", "send-digests"])
    assert first.exit_code == 0 and "Wrote 1 digest" in first.output
    [digest] = outbox(app, "discussion-digest")
    assert digest.recipient == "second@example.org" and "Goggles help." in digest.body
    assert f"/threads/{world['thread']}#post-" in digest.body and "/discussion/unsubscribe" in digest.body
    second = runner.invoke(args=["discussion", "send-digests"])
    assert second.exit_code == 0 and "Wrote 0 digest" in second.output
    assert len(outbox(app, "discussion-digest")) == 1


def test_the_dashboard_counts_new_posts(client, world):
    login(client, "second@example.org")
    page = client.get("/dashboard").get_data(as_text=True)
    queue = re.search(r'id="queue-discussion">(.*?)</li>\s*</ul>', page, re.S)
    assert queue and "Training 2026: 1 new post" in queue.group(1) or "1 new post" in page
    client.get(f"/threads/{world['thread']}")
    assert "new post" not in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    login(client, "stranger@example.org")
    assert 'id="queue-discussion"' not in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_in_a_post_is_neutralised(client, world, source):
    fellow = bearer(client, "fellow@example.org")
    created = client.post(f"/api/v1/threads/{world['thread']}/posts", headers=fellow,
                          json={"body": f"Before\n\n{source}\n\nAfter"})
    assert created.status_code == 201
    login(client, "second@example.org")
    page = client.get(f"/threads/{world['thread']}").get_data(as_text=True)
    posts = "".join(re.findall(r'<article class="post.*?</article>', page, re.S))
    for html in (created.get_json()["html"], posts):
        lowered = html.lower()
        for needle in ("<script", "<iframe", "<object", "<embed", "<svg", "<math", "<style", "<meta",
                       "data:text", "style="):
            assert needle not in lowered, (source, needle)
        assert not re.search(r"\son\w+\s*=", lowered), source
        assert not re.search(r"=\s*[\"']?\s*javascript:", lowered), source
    assert "Before" in posts and "After" in posts
    assert not re.search(r"\son\w+\s*=", page.lower())  # nor anywhere on the page
