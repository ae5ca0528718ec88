"""Threads, posts, what each person last read, and who follows what by email."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import CreatedMixin, UTCDateTime, check_in, utcnow
from ..extensions import BaseModel


class Delivery(StrEnum):
    """How a subscriber hears of new posts."""

    EACH_POST = "each-post"
    DAILY_DIGEST = "daily-digest"


class Thread(CreatedMixin, BaseModel):
    """A conversation in a session's forum; its first post says what it is about."""

    __tablename__ = "discussion_threads"
    __table_args__ = (sa.Index("ix_discussion_threads_session_last", "session_id", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class Post(CreatedMixin, BaseModel):
    """A post, stored as its Markdown and as the sanitised HTML rendered once from it. A
    hidden post is kept, with who hid it, when and why."""

    __tablename__ = "discussion_posts"
    __table_args__ = (sa.Index("ix_discussion_posts_thread", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])


class ThreadRead(BaseModel):
    """The last post of a thread that a person has seen: what is newer is unread."""

    __tablename__ = "discussion_reads"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("discussion_threads.id", ondelete="CASCADE"),
                                           primary_key=True)
    last_post_id: Mapped[int] = mapped_column(default=0)


class Subscription(CreatedMixin, BaseModel):
    """A person following one thread, or (``thread_id`` empty) a session's whole forum. A
    thread's own subscription wins over the forum's for that thread."""

    __tablename__ = "discussion_subscriptions"
    __table_args__ = (
        sa.Index("ix_discussion_subscriptions_scope", "session_id", "thread_id"),
        sa.Index("ix_discussion_subscriptions_user", "user_id"),
        check_in("delivery", Delivery),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    delivery: Mapped[str] = mapped_column(sa.String(20), default=Delivery.EACH_POST)
    # The newest post a daily digest has covered (or that existed when subscribing).
    digested_post_id: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
