"""Certificates: what was certified, to whom, the stored PDF and the signed credential.

A certificate keeps everything as it was at issue (the holder's name, the
courses, the hours), so a later change of name or course never alters it. Its
PDF is stored with its hash; re-rendering keeps the old file.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import CreatedMixin, UTCDateTime, check_in
from ..extensions import BaseModel
from ..training.models import weeks_between


class CertificateKind(StrEnum):
    SESSION = "session"  # a fellow completed a training session
    TEACHING = "teaching"  # a teacher completed an exchange


class Certificate(BaseModel):
    __tablename__ = "certificates"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),  # one per fellow and session
        sa.UniqueConstraint("exchange_id"),  # one per exchange
        check_in("kind", CertificateKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(30), unique=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the public verification code
    kind: Mapped[str] = mapped_column(sa.String(10))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_sessions.id"), index=True)
    exchange_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exchanges.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    number: Mapped[int]  # the NNNN of the serial, gap-free per session (or per year of teaching)
    holder_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    hours: Mapped[float | None]
    on_site_days: Mapped[int | None]  # the session's days on site, as recorded at issue
    courses: Mapped[list] = mapped_column(sa.JSON)  # titles as they were at issue
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The credential and the PDF are read only to be downloaded: lists leave them behind.
    credential: Mapped[dict] = mapped_column(sa.JSON, deferred=True)  # the signed Open Badges 3.0 credential
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Its bit in the published revocation lists (status_list.py): list index // LIST_SIZE + 1,
    # bit index % LIST_SIZE. Chosen at random among the free ones, so a list tells nothing of
    # who was certified when.
    status_index: Mapped[int] = mapped_column(unique=True)

    holder: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def weeks(self) -> int:
        return weeks_between(self.starts_on, self.ends_on)


class CertificateFile(CreatedMixin, BaseModel):
    """A PDF a certificate had before it was re-rendered: never thrown away."""

    __tablename__ = "certificate_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id", ondelete="CASCADE"),
                                                index=True)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class CertificateStatusList(BaseModel):
    """A published W3C Bitstring Status List of revocations: the signed credential as served,
    signed again in the transaction that revokes a certificate in it."""

    __tablename__ = "certificate_status_lists"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # its number, in its URL
    credential: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
