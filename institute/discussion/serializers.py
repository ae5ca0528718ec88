"""Threads and posts as the API gives them; a hidden post's words only to moderators."""

from ..links import external_url
from .models import Post, Thread
from .services import ThreadLine


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def thread_json(thread: Thread, line: ThreadLine | None = None) -> dict:
    return {
        "id": thread.id, "session": thread.session_id, "title": thread.title, "author": _person(thread.author),
        "created_at": thread.created_at.isoformat(), "last_post_at": thread.last_post_at.isoformat(),
        "locked": thread.locked_at is not None,
        "post_count": line.posts if line else None, "unread": line.unread if line else None,
        "url": external_url("discussion.thread", thread_id=thread.id),
    }


def post_json(post: Post, moderator: bool) -> dict:
    hidden = post.hidden_at is not None
    shown = not hidden or moderator
    return {
        "id": post.id, "thread": post.thread_id, "author": _person(post.author),
        "body": post.body if shown else None, "html": post.html if shown else None,
        "created_at": post.created_at.isoformat(),
        "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        "hidden": hidden,
        "hidden_by": _person(post.hidden_by) if hidden and moderator else None,
        "hidden_at": post.hidden_at.isoformat() if hidden and moderator and post.hidden_at else None,
        "hidden_reason": post.hidden_reason if hidden and moderator else None,
    }
