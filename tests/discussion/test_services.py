"""The discussion's rules: who reads, posts, edits and moderates; the edit window; hidden
posts kept; locked threads; unread counts; one email per subscriber per post; digests."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from institute.database import utcnow
from institute.discussion import services as discussion
from institute.discussion.models import Post, Subscription
from institute.errors import Conflict, Forbidden, Invalid, NotFound
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import create_guest_teacher, create_session, create_staff, create_user, enrol


@pytest.fixture
def people(ctx):
    instructor = create_user(email="teacher@example.org", roles="instructor", name="Li Wei")
    session = create_session(instructors=[instructor])
    other = create_session(title="Another session", sequence=2)
    second = enrol(session, email="second@example.org", name="Bakyt")
    second.locale = "fr"
    return {
        "session": session, "other_session": other, "instructor": instructor,
        "fellow": enrol(session, email="fellow@example.org", name="Aigerim"),
        "second": second,
        "admin": create_user(email="admin@example.org", roles="admin"),
        "outsider": enrol(other, email="outsider@example.org"),
        "partner": create_staff("UCA", email="staff@uca.example"),
        "other_instructor": create_user(email="other@example.org", roles="instructor"),
        "stranger": create_user(email="stranger@example.org"),
    }


def start(people, who="fellow", title="Goggles for the field trip?", body="Is a **hat** enough?"):
    return discussion.start_thread(people["session"], people[who], {"title": title, "body": body})


def mails(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


REFUSED = ("outsider", "partner", "other_instructor", "stranger")


def test_the_sessions_people_take_part_and_nobody_else(people):
    session = people["session"]
    thread = start(people)
    for who in ("fellow", "second", "instructor", "admin"):
        assert discussion.forum_for(session.id, people[who]) is session
        assert discussion.thread_for(thread.id, people[who]) is thread
        assert discussion.thread_for(thread.id, people[who], "post") is thread
    for who in REFUSED:
        with pytest.raises(Forbidden):
            discussion.forum_for(session.id, people[who])
        with pytest.raises(Forbidden):
            discussion.thread_for(thread.id, people[who])
    with pytest.raises(Forbidden):
        discussion.thread_for(thread.id, None)
    with pytest.raises(NotFound):
        discussion.thread_for(thread.id + 1000, people["admin"])
    post = discussion.posts_of(thread)[0]
    for who in REFUSED:
        with pytest.raises(Forbidden):
            discussion.post_for(post.id, people[who], "edit")
        with pytest.raises(Forbidden):
            discussion.post_for(post.id, people[who], "hide")
    with pytest.raises(NotFound):
        discussion.post_for(post.id + 1000, people["admin"], "hide")


def test_only_its_teachers_and_admins_moderate(people):
    thread = start(people)
    post = discussion.posts_of(thread)[0]
    for who in ("instructor", "admin"):
        assert discussion.thread_for(thread.id, people[who], "moderate") is thread
        assert discussion.post_for(post.id, people[who], "hide") is post
    for who in ("fellow", "second", *REFUSED):
        with pytest.raises(Forbidden):
            discussion.thread_for(thread.id, people[who], "moderate")
        with pytest.raises(Forbidden):
            discussion.post_for(post.id, people[who], "hide")


def test_a_guest_teacher_moderates_while_the_exchange_lasts(ctx):
    guest = create_guest_teacher()
    session = create_session(instructors=[guest])
    fellow = enrol(session)
    thread = discussion.start_thread(session, fellow, {"title": "Hello", "body": "Hi all"})
    assert discussion.thread_for(thread.id, guest, "moderate") is thread


def test_a_thread_and_a_reply_are_checked_and_nothing_is_written(people):
    with pytest.raises(Invalid) as refused:
        discussion.start_thread(people["session"], people["fellow"], {"title": "", "body": "  "})
    assert {d["field"] for d in refused.value.details} == {"title", "body"}
    with pytest.raises(Invalid):
        discussion.start_thread(people["session"], people["fellow"], {"title": "x" * 201, "body": "ok"})
    with pytest.raises(Invalid):
        discussion.start_thread(people["session"], people["fellow"], {"title": "ok", "body": "x" * 20_001})
    assert discussion.threads_of(people["session"], people["fellow"]) == []
    thread = start(people)
    with pytest.raises(Invalid):
        discussion.reply(thread, people["second"], {"body": ""})
    with pytest.raises(Invalid):
        discussion.reply(thread, people["second"], {"body": ["not", "text"]})
    assert len(discussion.posts_of(thread)) == 1


def test_markdown_is_rendered_once_and_sanitised(people):
    thread = start(people, body="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    post = discussion.posts_of(thread)[0]
    assert "<strong>bold</strong>" in post.html
    assert "<script" not in post.html and "javascript:" not in post.html
    assert post.body.startswith("**bold**")  # the source is kept beside the HTML


def test_the_author_edits_for_thirty_minutes_then_not(people):
    thread = start(people)
    post = discussion.posts_of(thread)[0]
    soon = post.created_at + timedelta(minutes=29)
    assert discussion.post_for(post.id, people["fellow"], "edit", now=soon) is post
    edited = discussion.edit_post(post, people["fellow"], {"body": "Is a *hat* enough? Edited."}, now=soon)
    assert edited.id == post.id and edited.edited_at == soon and "<em>hat</em>" in edited.html
    late = post.created_at + timedelta(minutes=31)
    with pytest.raises(Conflict) as refused:
        discussion.post_for(post.id, people["fellow"], "edit", now=late)
    assert "30 minutes" in refused.value.message
    with pytest.raises(Conflict):
        discussion.edit_post(post, people["fellow"], {"body": "Rewritten"}, now=late)
    assert post.body == "Is a *hat* enough? Edited."
    for who in ("second", "instructor", "admin"):  # nobody edits another's post, moderators included
        with pytest.raises(Forbidden):
            discussion.post_for(post.id, people[who], "edit", now=soon)


def test_hiding_keeps_the_post_with_who_when_and_why(people):
    thread = start(people)
    post = discussion.reply(thread, people["second"], {"body": "Buy my kits"})
    with pytest.raises(Invalid):
        discussion.hide_post(post, people["instructor"], "  ")
    assert post.hidden_at is None
    discussion.hide_post(post, people["instructor"], "Advertising")
    db.session.flush()
    kept = db.session.get(Post, post.id)
    assert kept.body == "Buy my kits" and kept.hidden_by_id == people["instructor"].id
    assert kept.hidden_reason == "Advertising" and kept.hidden_at is not None
    with pytest.raises(Conflict):  # its author cannot edit it back into view
        discussion.post_for(post.id, people["second"], "edit")
    discussion.unhide_post(post)
    assert post.hidden_at is None and post.hidden_reason == ""


def test_a_locked_thread_takes_no_posts(people):
    thread = start(people)
    discussion.lock_thread(thread, people["instructor"])
    for who in ("fellow", "second", "instructor", "admin"):
        with pytest.raises(Conflict):
            discussion.thread_for(thread.id, people[who], "post")
        with pytest.raises(Conflict):
            discussion.reply(thread, people[who], {"body": "Still here?"})
    assert discussion.thread_for(thread.id, people["fellow"]) is thread  # still read
    discussion.unlock_thread(thread)
    assert discussion.reply(thread, people["second"], {"body": "Open again"}).id


def test_unread_counts_and_opening_marks_read(people):
    thread = start(people)
    second_thread = start(people, who="second", title="Welcome", body="Hello")
    for text in ("One", "Two"):
        discussion.reply(thread, people["instructor"], {"body": text})
    lines = {line.thread.id: line for line in discussion.threads_of(people["session"], people["fellow"])}
    assert lines[thread.id].unread == 2 and lines[thread.id].posts == 3
    assert lines[second_thread.id].unread == 1
    assert dict((s.id, n) for s, n in discussion.unread_by_session(people["fellow"])) == {people["session"].id: 3}
    discussion.mark_read(thread, people["fellow"])
    lines = {line.thread.id: line for line in discussion.threads_of(people["session"], people["fellow"])}
    assert lines[thread.id].unread == 0 and lines[second_thread.id].unread == 1
    hidden = discussion.reply(second_thread, people["instructor"], {"body": "x"})
    discussion.hide_post(hidden, people["instructor"], "test")
    assert discussion.unread_in(second_thread, people["fellow"]) == 1  # a hidden post is not news
    assert discussion.unread_by_session(people["outsider"]) == [(people["other_session"], 0)]
    assert discussion.unread_by_session(people["stranger"]) == []


def test_one_email_per_subscriber_per_post_never_to_the_author(people):
    session = people["session"]
    thread = start(people)  # the author follows it
    discussion.subscribe(people["second"], session, None, "each-post")
    discussion.subscribe(people["instructor"], session, None, "each-post")
    discussion.subscribe(people["instructor"], session, thread, "each-post")  # both: still one email
    discussion.subscribe(people["admin"], session, None, "daily-digest")  # waits for the digest
    mails_before = len(mails("discussion-post"))
    discussion.reply(thread, people["second"], {"body": "A *reply*"})
    sent = mails("discussion-post")[mails_before:]
    assert sorted(m.recipient for m in sent) == ["fellow@example.org", "teacher@example.org"]
    to_fellow = next(m for m in sent if m.recipient == "fellow@example.org")
    assert "Bakyt" in to_fellow.subject and "A *reply*" in to_fellow.body
    assert f"/threads/{thread.id}#post-" in to_fellow.body and f"/threads/{thread.id}/unsubscribe" in to_fellow.body
    assert to_fellow.body.startswith("Hello Aigerim")
    discussion.reply(thread, people["fellow"], {"body": "Merci"})
    french = mails("discussion-post")[-1]
    assert french.recipient in ("second@example.org", "teacher@example.org")
    to_second = [m for m in mails("discussion-post") if m.recipient == "second@example.org"]
    assert len(to_second) == 1 and to_second[0].body.startswith("Bonjour Bakyt")  # in their language
    assert f"/sessions/{session.id}/discussion/unsubscribe" in to_second[0].body


def test_a_fellow_who_left_gets_no_more_emails(people):
    thread = start(people)
    discussion.subscribe(people["outsider"], people["session"], None, "each-post")  # not one of its people
    discussion.reply(thread, people["second"], {"body": "Hello"})
    assert [m.recipient for m in mails("discussion-post")] == ["fellow@example.org"]


def test_unsubscribing_stops_the_emails(people):
    thread = start(people)
    assert discussion.unsubscribe(people["fellow"], people["session"], thread) is True
    assert discussion.unsubscribe(people["fellow"], people["session"], thread) is False
    discussion.reply(thread, people["second"], {"body": "Anyone?"})
    assert mails("discussion-post") == []
    with pytest.raises(Invalid):
        discussion.subscribe(people["fellow"], people["session"], thread, "hourly")


def test_the_digest_tells_what_is_new_once(people):
    session = people["session"]
    before = start(people, title="Before the digest")  # older than the subscription: not in it
    discussion.subscribe(people["second"], session, None, "daily-digest")
    discussion.subscribe(people["admin"], session, None, "daily-digest")
    discussion.subscribe(people["instructor"], session, before, "daily-digest")
    discussion.reply(before, people["fellow"], {"body": "First news"})
    second_thread = start(people, title="Second thread", body="Second news")
    discussion.reply(second_thread, people["second"], {"body": "Own post"})
    assert discussion.send_digests() == 3
    digests = {m.recipient: m for m in mails("discussion-digest")}
    assert set(digests) == {"second@example.org", "admin@example.org", "teacher@example.org"}
    assert "First news" in digests["second@example.org"].body and "Second news" in digests["second@example.org"].body
    assert "Own post" not in digests["second@example.org"].body  # not one's own posts
    assert "Own post" in digests["admin@example.org"].body
    assert "Second news" not in digests["teacher@example.org"].body  # a thread's digest holds that thread
    assert discussion.send_digests() == 0  # nothing new: nothing sent
    discussion.reply(second_thread, people["fellow"], {"body": "Later news"})
    assert discussion.send_digests() == 2  # the second fellow and the admin
    assert len(mails("discussion-digest")) == 5


def test_the_author_is_subscribed_to_their_thread(people):
    thread = start(people)
    sub = db.session.scalar(sa.select(Subscription).where(Subscription.user_id == people["fellow"].id))
    assert sub.thread_id == thread.id and sub.delivery == "each-post"


def test_a_post_edited_late_in_its_window_at_exactly_now(people):
    thread = start(people)
    post = discussion.posts_of(thread)[0]
    assert discussion.may_edit(post, thread, people["fellow"], now=utcnow())
    assert not discussion.may_edit(post, thread, people["second"], now=utcnow())
