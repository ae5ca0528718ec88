"""The outbox: every notification is a row first, written in the same transaction
as the change it tells about, then delivered outside any request; a failed send is
retried with a growing delay until ``MAIL_MAX_ATTEMPTS``, then kept as failed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import CreatedMixin, UTCDateTime, utcnow
from ..extensions import BaseModel


class OutboxMessage(CreatedMixin, BaseModel):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(50), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)  # failed ones
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A sender that takes the message holds it until then; after a crash it is due again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given up after MAIL_MAX_ATTEMPTS failures; an admin may still send it again.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
