"""The rules of a session's discussion: who reads, posts, edits and moderates; unread
marks; subscriptions and the emails they bring (each post, or a daily digest)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..accounts.models import User
from ..database import utcnow
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from ..links import external_url
from ..markdown import render_inline
from ..notifications.services import notify_user
from ..training.models import Application, ApplicationStatus, TrainingSession
from ..training.services import may_manage_cohort, session_for, takes_part, taught_session_ids
from .models import Delivery, Post, Subscription, Thread, ThreadRead

ThreadPurpose = Literal["read", "post", "moderate"]
PostPurpose = Literal["edit", "hide"]

EDIT_WINDOW = timedelta(minutes=30)  # a fellow corrects a typo; a conversation is not rewritten later
LONGEST_POST = 20_000
LONGEST_TITLE = 200
LONGEST_REASON = 500


# ------------------------------------------------------------------- access


def forum_for(session_id: int, actor: User | None) -> TrainingSession:
    """A session whose forum the actor takes part in: its cohort, its teachers (guests while
    their exchange lasts) and admins."""
    return session_for(session_id, actor, "take-part")


def may_moderate(actor: User | None, session: TrainingSession) -> bool:
    """Hide and unhide posts, lock and unlock threads: the session's teachers and admins."""
    return may_manage_cohort(actor, session)


def session_of(thread: Thread) -> TrainingSession:
    session = db.session.get(TrainingSession, thread.session_id)
    assert session is not None  # the foreign key holds it
    return session


def thread_for(thread_id: int, actor: User | None, purpose: ThreadPurpose = "read") -> Thread:
    """Load a thread for the actor: the session's people read it and post in it (unless it
    is locked); its teachers and admins moderate it."""
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        raise NotFound(_("No such thread."))
    session = session_of(thread)
    if not takes_part(actor, session):
        raise Forbidden(_("Only the session's fellows, instructors and admins take part in its discussion."))
    if purpose == "moderate" and not may_moderate(actor, session):
        raise Forbidden(_("Only the session's instructors and admins moderate its discussion."))
    if purpose == "post" and thread.locked_at is not None:
        raise Conflict(_("This thread is locked: it takes no new posts."))
    return thread


def post_for(post_id: int, actor: User | None, purpose: PostPurpose, now: datetime | None = None) -> Post:
    """Load a post for the actor: its author edits it for ``EDIT_WINDOW`` after posting;
    the session's teachers and admins hide and unhide it."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound(_("No such post."))
    thread = thread_for(post.thread_id, actor, "moderate" if purpose == "hide" else "read")
    if purpose == "edit":
        refusal = edit_refusal(post, thread, actor, now)
        if refusal is not None:
            raise refusal
    return post


def edit_refusal(post: Post, thread: Thread, actor: User | None, now: datetime | None = None) -> DomainError | None:
    """Why the actor may not edit the post now, or None: only its author, within
    ``EDIT_WINDOW`` of posting, while it is shown and its thread open."""
    if actor is None or not actor.is_authenticated or post.author_id != actor.id:
        return Forbidden(_("Only its author edits a post."))
    if post.hidden_at is not None:
        return Conflict(_("This post was hidden by a moderator; it cannot be edited."))
    if thread.locked_at is not None:
        return Conflict(_("This thread is locked: its posts cannot be edited."))
    if (now or utcnow()) - post.created_at > EDIT_WINDOW:
        return Conflict(_("A post can be edited for %(n)s minutes after posting; this time is over.",
                          n=int(EDIT_WINDOW.total_seconds() // 60)))
    return None


def may_edit(post: Post, thread: Thread, actor: User | None, now: datetime | None = None) -> bool:
    """Whether pages offer to edit the post: the same rule as ``post_for``'s."""
    return edit_refusal(post, thread, actor, now) is None


# ------------------------------------------------------------------- writing


def _text(data: dict, name: str, longest: int, details: list[dict], required_message: str) -> str:
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        details.append({"field": name, "message": required_message})
    elif len(value) > longest:
        details.append({"field": name, "message": _("At most %(n)s characters.", n=longest)})
    return value


def _title(data: dict, details: list[dict]) -> str:
    title = _text(data, "title", LONGEST_TITLE, details, _("A title is required."))
    if "\n" in title or "\r" in title:
        details.append({"field": "title", "message": _("A title is one line.")})
    return title


def _body(data: dict, details: list[dict]) -> str:
    return _text(data, "body", LONGEST_POST, details, _("Write something first."))


def _post(thread: Thread, author: User, body: str, now: datetime) -> Post:
    """A post with its Markdown rendered once, here, and sanitised as modules are."""
    post = Post(thread_id=thread.id, author_id=author.id, body=body, html=render_inline(body), created_at=now)
    db.session.add(post)
    thread.last_post_at = now
    db.session.flush()
    return post


def start_thread(session: TrainingSession, actor: User, data: dict, now: datetime | None = None) -> Thread:
    """A new thread with its first post; the caller has loaded the session's forum for the
    actor. Its author follows it (an email per post) until they unsubscribe."""
    details: list[dict] = []
    title, body = _title(data, details), _body(data, details)
    if details:
        raise Invalid(details=details)
    now = now or utcnow()
    thread = Thread(session_id=session.id, title=title, author_id=actor.id, created_at=now, last_post_at=now)
    db.session.add(thread)
    db.session.flush()
    post = _post(thread, actor, body, now)
    subscribe(actor, session, thread, Delivery.EACH_POST)
    mark_read(thread, actor, post.id)
    _notify_each_post(post, thread, session, actor)
    return thread


def reply(thread: Thread, actor: User, data: dict, now: datetime | None = None) -> Post:
    """A reply; the caller has loaded the thread to post (which refuses a locked one)."""
    if thread.locked_at is not None:
        raise Conflict(_("This thread is locked: it takes no new posts."))
    details: list[dict] = []
    body = _body(data, details)
    if details:
        raise Invalid(details=details)
    post = _post(thread, actor, body, now or utcnow())
    mark_read(thread, actor, post.id)
    _notify_each_post(post, thread, session_of(thread), actor)
    return post


def edit_post(post: Post, actor: User, data: dict, now: datetime | None = None) -> Post:
    """Change a post's text: the same post (its id, its place), marked edited."""
    thread = db.session.get(Thread, post.thread_id)
    assert thread is not None  # the foreign key holds it
    refusal = edit_refusal(post, thread, actor, now)
    if refusal is not None:
        raise refusal
    details: list[dict] = []
    body = _body(data, details)
    if details:
        raise Invalid(details=details)
    if body != post.body:
        post.body, post.html, post.edited_at = body, render_inline(body), now or utcnow()
    return post


def hide_post(post: Post, actor: User, reason, now: datetime | None = None) -> Post:
    """Hide a post from the discussion, kept with who hid it, when and why (a reason is
    required: the author and the other moderators read it)."""
    details: list[dict] = []
    reason = _text({"reason": reason}, "reason", LONGEST_REASON, details, _("Say why the post is hidden."))
    if details:
        raise Invalid(details=details)
    post.hidden_at, post.hidden_by_id, post.hidden_reason = now or utcnow(), actor.id, reason
    return post


def unhide_post(post: Post) -> Post:
    post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, ""
    return post


def lock_thread(thread: Thread, actor: User) -> Thread:
    if thread.locked_at is None:
        thread.locked_at, thread.locked_by_id = utcnow(), actor.id
    return thread


def unlock_thread(thread: Thread) -> Thread:
    thread.locked_at, thread.locked_by_id = None, None
    return thread


# ------------------------------------------------------------------- reading


@dataclass
class ThreadLine:
    """A thread as the forum lists it: how many posts, how many new to the reader."""

    thread: Thread
    posts: int = 0
    unread: int = 0
    last_post_id: int = 0


def _unread_condition(user_id: int):
    """A post the user has not seen: newer than their mark, by someone else, not hidden."""
    return sa.and_(Post.id > sa.func.coalesce(ThreadRead.last_post_id, 0),
                   sa.or_(Post.author_id.is_(None), Post.author_id != user_id), Post.hidden_at.is_(None))


def _read_join(user_id: int):
    return sa.and_(ThreadRead.thread_id == Post.thread_id, ThreadRead.user_id == user_id)


def threads_of(session: TrainingSession, user: User) -> list[ThreadLine]:
    """The forum's threads, latest activity first, each with its counts (two statements)."""
    threads = db.session.scalars(sa.select(Thread).where(Thread.session_id == session.id)
                                 .options(sa.orm.selectinload(Thread.author))
                                 .order_by(Thread.last_post_at.desc(), Thread.id.desc())).all()
    lines = {thread.id: ThreadLine(thread) for thread in threads}
    if not lines:
        return []
    counts = db.session.execute(
        sa.select(Post.thread_id, sa.func.count(Post.id), sa.func.max(Post.id),
                  sa.func.sum(sa.case((_unread_condition(user.id), 1), else_=0)))
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(ThreadRead, _read_join(user.id))
        .where(Thread.session_id == session.id).group_by(Post.thread_id))
    for thread_id, posts, last, unread in counts:
        line = lines[thread_id]
        line.posts, line.last_post_id, line.unread = posts, last or 0, int(unread or 0)
    return list(lines.values())


def posts_of(thread: Thread) -> list[Post]:
    """The thread's posts in order, their authors and moderators loaded with them."""
    return list(db.session.scalars(sa.select(Post).where(Post.thread_id == thread.id)
                                   .options(sa.orm.selectinload(Post.author), sa.orm.selectinload(Post.hidden_by))
                                   .order_by(Post.id)))


def mark_read(thread: Thread, user: User, last_post_id: int | None = None) -> None:
    """The user has seen the thread up to ``last_post_id`` (its newest post unless told)."""
    if last_post_id is None:
        last_post_id = db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == thread.id)) or 0
    mark = db.session.get(ThreadRead, (user.id, thread.id))
    if mark is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_post_id=last_post_id))
    elif mark.last_post_id < last_post_id:
        mark.last_post_id = last_post_id


def unread_in(thread: Thread, user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(Post.id)).outerjoin(ThreadRead, _read_join(user.id))
                             .where(Post.thread_id == thread.id, _unread_condition(user.id))) or 0


def _sessions_followed(user: User) -> set[int]:
    """The sessions whose discussion is the user's: those they study in or teach, and those
    whose forum or threads they follow (an admin's, for instance)."""
    studied = db.session.scalars(sa.select(Application.session_id).where(
        Application.user_id == user.id, Application.status == ApplicationStatus.ACCEPTED))
    followed = db.session.scalars(sa.select(Subscription.session_id).where(Subscription.user_id == user.id))
    return set(studied) | set(followed) | taught_session_ids(user)


def unread_by_session(user: User) -> list[tuple[TrainingSession, int]]:
    """New posts for the user in each of their sessions' discussions, sessions with the
    most first (the dashboard's queue): four statements however many sessions."""
    if user is None or not user.is_authenticated:
        return []
    ids = _sessions_followed(user)
    if not ids:
        return []
    counts: dict[int, int] = dict(db.session.execute(  # type: ignore[arg-type]
        sa.select(Thread.session_id, sa.func.count(Post.id)).join(Post, Post.thread_id == Thread.id)
        .outerjoin(ThreadRead, _read_join(user.id))
        .where(Thread.session_id.in_(ids), _unread_condition(user.id)).group_by(Thread.session_id)).all())
    sessions = db.session.scalars(sa.select(TrainingSession).where(TrainingSession.id.in_(ids))
                                  .order_by(TrainingSession.starts_on.desc())).all()
    return sorted(((s, int(counts.get(s.id, 0))) for s in sessions), key=lambda pair: -pair[1])


# ------------------------------------------------------------ subscriptions


def subscription_of(user: User, session: TrainingSession, thread: Thread | None = None) -> Subscription | None:
    query = sa.select(Subscription).where(Subscription.user_id == user.id, Subscription.session_id == session.id)
    query = query.where(Subscription.thread_id == thread.id if thread else Subscription.thread_id.is_(None))
    return db.session.scalars(query.order_by(Subscription.id)).first()


def _newest_post_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(Post.id))) or 0


def subscribe(user: User, session: TrainingSession, thread: Thread | None, delivery) -> Subscription:
    """Follow a thread, or the whole forum (``thread`` None), by an email per post or a
    daily digest; a digest starts from now, not from the forum's first post."""
    if delivery not in set(Delivery):
        raise Invalid(details=[{"field": "delivery", "message": _("Choose an email per post or a daily digest.")}])
    existing = subscription_of(user, session, thread)
    if existing is None:
        existing = Subscription(user_id=user.id, session_id=session.id, thread_id=thread.id if thread else None,
                                delivery=delivery, digested_post_id=_newest_post_id())
        db.session.add(existing)
        db.session.flush()
    elif existing.delivery != delivery:
        existing.delivery = delivery
        existing.digested_post_id = _newest_post_id()
    return existing


def unsubscribe(user: User, session: TrainingSession, thread: Thread | None = None) -> bool:
    """Stop following; True if there was something to stop."""
    existing = subscription_of(user, session, thread)
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    return True


def unsubscribe_url(session_id: int, thread_id: int | None) -> str:
    if thread_id is None:
        return external_url("discussion.unsubscribe_forum", session_id=session_id)
    return external_url("discussion.unsubscribe_thread", thread_id=thread_id)


def post_url(post: Post) -> str:
    return external_url("discussion.thread", thread_id=post.thread_id) + f"#post-{post.id}"


def _followers(session_id: int, thread_ids: Iterable[int] | None = None) -> list[Subscription]:
    """The session's subscriptions to its forum and (when told) to those threads."""
    scope: sa.ColumnElement[bool] = Subscription.thread_id.is_(None)
    if thread_ids is not None:
        scope = sa.or_(scope, Subscription.thread_id.in_(list(thread_ids)))
    return list(db.session.scalars(sa.select(Subscription).where(Subscription.session_id == session_id, scope)
                                   .options(sa.orm.selectinload(Subscription.user)).order_by(Subscription.id)))


def _effective(subscriptions: list[Subscription], thread_id: int) -> dict[int, Subscription]:
    """Per user, the subscription that decides for this thread: the thread's own wins over
    the forum's."""
    chosen: dict[int, Subscription] = {}
    for sub in subscriptions:
        if sub.thread_id not in (None, thread_id):
            continue
        if sub.user_id not in chosen or sub.thread_id == thread_id:
            chosen[sub.user_id] = sub
    return chosen


def _notify_each_post(post: Post, thread: Thread, session: TrainingSession, author: User) -> None:
    """One email to each person who follows the thread (or its forum) post by post; never
    to the author, never to someone no longer among the session's people."""
    for user_id, sub in _effective(_followers(session.id, [thread.id]), thread.id).items():
        if sub.delivery != Delivery.EACH_POST or user_id == author.id or not sub.user.active:
            continue
        if not takes_part(sub.user, session):
            continue
        notify_user(sub.user, "discussion-post", "discussion/email/post.txt",
                    _l("%(title)s: a new post by %(name)s", title=thread.title, name=author.name),
                    post=post, thread=thread, session=session, author_name=author.name, link=post_url(post),
                    forum_url=external_url("discussion.forum", session_id=session.id),
                    whole_forum=sub.thread_id is None,
                    unsubscribe_url=unsubscribe_url(session.id, sub.thread_id))


@dataclass
class Digest:
    """What one person's daily digest holds: posts grouped by thread, and the links to stop."""

    user: User
    threads: dict[int, tuple[Thread, list[Post]]] = field(default_factory=dict)
    sessions: dict[int, TrainingSession] = field(default_factory=dict)
    unsubscribe: dict[tuple[int, int | None], str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(posts) for _thread, posts in self.threads.values())


def collect_digests() -> list[Digest]:
    """Each digest subscriber's posts since their last digest (by others, not hidden, in
    their sessions), and marks them covered: run it again and it finds nothing new."""
    newest = _newest_post_id()
    subs = list(db.session.scalars(sa.select(Subscription).where(
        Subscription.delivery == Delivery.DAILY_DIGEST, Subscription.digested_post_id < newest)
        .options(sa.orm.selectinload(Subscription.user)).order_by(Subscription.user_id, Subscription.id)))
    own_threads: dict[int, set[int]] = {}
    for user_id, thread_id in db.session.execute(sa.select(Subscription.user_id, Subscription.thread_id).where(
            Subscription.user_id.in_({s.user_id for s in subs}), Subscription.thread_id.is_not(None))):
        own_threads.setdefault(user_id, set()).add(thread_id)
    digests: dict[int, Digest] = {}
    for sub in subs:
        session = db.session.get(TrainingSession, sub.session_id)
        since, sub.digested_post_id = sub.digested_post_id, newest
        if session is None or not sub.user.active or not takes_part(sub.user, session):
            continue
        query = (sa.select(Post, Thread).join(Thread, Thread.id == Post.thread_id)
                 .options(sa.orm.selectinload(Post.author))
                 .where(Thread.session_id == session.id, Post.id > since, Post.id <= newest,
                        Post.hidden_at.is_(None), sa.or_(Post.author_id.is_(None), Post.author_id != sub.user_id)))
        if sub.thread_id is not None:
            query = query.where(Post.thread_id == sub.thread_id)
        elif own_threads.get(sub.user_id):  # a thread followed on its own is told by its own subscription
            query = query.where(Post.thread_id.not_in(own_threads[sub.user_id]))
        rows = db.session.execute(query.order_by(Post.thread_id, Post.id)).all()
        if not rows:
            continue
        digest = digests.setdefault(sub.user_id, Digest(sub.user))
        digest.sessions[session.id] = session
        digest.unsubscribe[(session.id, sub.thread_id)] = unsubscribe_url(session.id, sub.thread_id)
        for post, thread in rows:
            posts = digest.threads.setdefault(thread.id, (thread, []))[1]
            if post not in posts:
                posts.append(post)
    return list(digests.values())


def send_digests() -> int:
    """One email to each digest subscriber with something new; how many were written."""
    digests = collect_digests()
    for digest in digests:
        notify_user(digest.user, "discussion-digest", "discussion/email/digest.txt",
                    _l("New posts in your sessions' discussions"), digest=digest,
                    post_url=post_url,
                    thread_url=lambda thread: external_url("discussion.thread", thread_id=thread.id))
    return len(digests)


def new_posts_label(count: int) -> str:
    return ngettext("%(num)s new post", "%(num)s new posts", count)
