"""Queueing and delivering notifications.

``notify`` writes the message in the caller's transaction and asks for a
delivery once that transaction has committed; ``deliver_due`` sends what is
due over SMTP (when ``MAIL_SERVER`` is set) and reschedules failures with a
growing delay. ``flask --app institute notifications send`` runs it by hand
or from cron, so nothing waits for the next request.
"""

import smtplib
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from ..database import after_commit, utcnow
from ..extensions import db
from .models import OutboxMessage

MAX_BACKOFF = timedelta(hours=6)


def notify(recipient: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Record a message to send; it is delivered after the current transaction commits."""
    # Due from now, not from whenever it is written with the rest of the transaction
    # (no flush per message: issuing a session records hundreds).
    message = OutboxMessage(recipient=recipient, subject=subject[:300], body=body, kind=kind,
                            next_attempt_at=utcnow())
    db.session.add(message)
    after_commit(deliver_due)
    return message


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@{config['MAIL_DEFAULT_SENDER'].split('@')[-1]}>"
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def deliver_due(limit: int = 50) -> tuple[int, int]:
    """Send the messages that are due; returns (sent, failed). Commits each outcome."""
    if not current_app.config.get("MAIL_SERVER"):
        return 0, 0  # recorded in the outbox only; admins read it there
    stmt = (sa.select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # two workers never send one message twice
    sent = failed = 0
    for message in db.session.scalars(stmt).all():
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = utcnow() + min(timedelta(minutes=2 ** message.attempts),
                                                     MAX_BACKOFF)
            failed += 1
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
    db.session.commit()
    return sent, failed


def outbox(page: int = 1, per_page: int = 50):
    return db.paginate(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def retry_now(message_id: int) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.sent_at is None:
        message.next_attempt_at = utcnow()
        after_commit(deliver_due)
