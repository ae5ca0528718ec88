"""Announcements of a training session."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import CreatedMixin
from ..extensions import BaseModel


class Announcement(CreatedMixin, BaseModel):
    __tablename__ = "announcements"
    __table_args__ = (sa.Index("ix_announcements_session_created", "session_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown, as written
    html: Mapped[str] = mapped_column(sa.Text)  # rendered and sanitised once, when posted
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(lazy="joined")
