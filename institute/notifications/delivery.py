"""Delivering the outbox over SMTP, outside any request.

A pass claims the messages that are due, ``MAIL_BATCH`` at a time, in a short
transaction: PostgreSQL skips rows another sender has locked, SQLite runs one
writer at a time, and the claim (``claimed_until``) keeps every other sender
away until it ends, so two senders never send one message twice. The batch
goes over one SMTP connection with no transaction open (on SQLite an open one
would hold the write lock while a slow server answers), and each outcome is
recorded at once, so a crash re-sends at most the message in flight; if the
sender dies, its claim ends and the messages are due again.

A failure waits ``MAIL_RETRY_FIRST`` seconds, twice as long after each further
failure up to ``MAIL_RETRY_MAX``; after ``MAIL_MAX_ATTEMPTS`` failures the
message is marked failed for good (``failed_at``) and shown so on the outbox page.

Run by the RQ job (``jobs.deliver``) and by ``flask --app institute
notifications send [--loop]``. These functions commit: each step is a
transaction of its own.
"""

import html
import re
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from ..database import transaction, utcnow
from ..extensions import db
from .models import OutboxMessage

# Errors that concern one message only (the server refused it, or it cannot be
# written); the connection goes on with the next. Any other error ends the batch.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                  smtplib.SMTPNotSupportedError, ValueError)
# A claim lasts this many SMTP timeouts per message, and no message is started with
# less than this many left: a server may take one timeout per step of a message.
STEPS = 3


class Pass(NamedTuple):
    sent: int = 0
    failed: int = 0  # to be tried again
    given_up: int = 0

    def __add__(self, other):
        return Pass(*(a + b for a, b in zip(self, other, strict=True)))


@dataclass(frozen=True)
class _Letter:
    """What a sender needs of a message, read while it was claimed."""

    id: int
    recipient: str
    subject: str
    body: str


def _due(now: datetime):
    return sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                   OutboxMessage.next_attempt_at <= now,
                   sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))


def retry_delay(failures: int) -> timedelta:
    """How long a message waits after its ``failures``-th failure."""
    config = current_app.config
    return timedelta(seconds=min(config["MAIL_RETRY_FIRST"] * 2 ** (failures - 1), config["MAIL_RETRY_MAX"]))


def deliver_due() -> Pass:
    """Send every message that is due; what fails waits for its next attempt."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return Pass()  # recorded in the outbox only; admins read it there
    total = Pass()
    while True:
        letters, deadline = claim(config["MAIL_BATCH"])
        if not letters:
            return total
        outcome, go_on = _send(letters, deadline)
        total += outcome
        if not go_on:  # the server does not answer: the rest waits for the next pass
            return total


def claim(limit: int) -> tuple[list[_Letter], float]:
    """Take up to ``limit`` due messages for this sender; and the monotonic time its claim ends."""
    hold = STEPS * current_app.config["MAIL_TIMEOUT"] * (limit + 1)
    now = utcnow()
    stmt = sa.select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    with transaction():
        messages = db.session.scalars(stmt).all()
        for message in messages:
            message.claimed_until = now + timedelta(seconds=hold)
        letters = [_Letter(m.id, m.recipient, m.subject, m.body) for m in messages]
    return letters, time.monotonic() + hold


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _email(letter: _Letter) -> EmailMessage:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = letter.recipient
    email["Subject"] = letter.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    # Stable per outbox row: a message sent again after a lost answer is the same message.
    email["Message-ID"] = f"<outbox-{letter.id}@{sender.split('@')[-1]}>"
    email.set_content(letter.body)
    email.add_alternative(html_of(letter.body), subtype="html")
    return email


_LINK = re.compile(r"https?://[^\s<>\"]+")


def html_of(text: str) -> str:
    """The HTML part of an email, from its text: paragraphs, line breaks and links, escaped;
    each paragraph in the direction of its own words (an Arabic email reads right to left)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block)
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append('<p dir="auto">' + linked.replace("\n", "<br>\n") + "</p>")
    return ("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">"
            + "\n".join(paragraphs) + "</body></html>")


def _send(letters: list[_Letter], deadline: float) -> tuple[Pass, bool]:
    """Send one claimed batch; whether the pass may go on with another."""
    try:
        smtp = _connect()
    except Exception as exc:  # whatever it is, every message of the batch waits
        return _failed(letters, exc), False
    outcome, go_on = Pass(), True
    waiting = list(letters)
    try:
        while waiting:
            if deadline - time.monotonic() < STEPS * current_app.config["MAIL_TIMEOUT"]:
                break  # the claim ends soon: released below, claimed afresh by the next batch
            letter = waiting.pop(0)
            try:
                smtp.send_message(_email(letter))
            except MESSAGE_ERRORS as exc:
                outcome += _failed([letter], exc)
            except Exception as exc:  # the connection is lost
                outcome += _failed([letter], exc)
                go_on = False
                break
            else:
                _sent(letter)
                outcome += Pass(sent=1)
    finally:
        _release(waiting)  # also when interrupted: due again at once, not when the claim ends
        try:
            smtp.quit()
        except Exception:  # the outcomes are recorded; the goodbye does not matter
            smtp.close()
    return outcome, go_on


def _sent(letter: _Letter) -> None:
    with transaction():
        message = db.session.get_one(OutboxMessage, letter.id)  # claimed: it is there
        message.sent_at = utcnow()
        message.claimed_until = None
        message.last_error = ""


def _failed(letters: list[_Letter], exc: BaseException) -> Pass:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    give_up_after = current_app.config["MAIL_MAX_ATTEMPTS"]
    outcome = Pass()
    with transaction():
        now = utcnow()
        for letter in letters:
            message = db.session.get_one(OutboxMessage, letter.id)  # claimed: it is there
            message.attempts += 1
            message.last_error = error
            message.claimed_until = None
            if message.attempts >= give_up_after:
                message.failed_at = now
                outcome += Pass(given_up=1)
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                outcome += Pass(failed=1)
    return outcome


def _release(letters: list[_Letter]) -> None:
    if letters:
        with transaction():
            db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_([x.id for x in letters]))
                               .values(claimed_until=None))


def next_due() -> datetime | None:
    """When the earliest message still to send is due (for a retry), or None."""
    due_at = sa.case((OutboxMessage.claimed_until > OutboxMessage.next_attempt_at, OutboxMessage.claimed_until),
                     else_=OutboxMessage.next_attempt_at)
    with transaction():
        return db.session.scalar(sa.select(sa.func.min(due_at)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)))
