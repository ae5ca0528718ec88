"""Writing notifications to the outbox, and what admins do with it.

``notify`` only adds a row to the caller's transaction: no request waits for a
mail server. Delivery (``delivery.py``) runs in the background worker when
``REDIS_URL`` is set, asked for once the transaction has committed, and
otherwise from ``flask --app institute notifications send`` (cron) or its
``--loop``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytz
import sqlalchemy as sa
from flask import current_app, g
from flask_babel import force_locale

from ..database import after_commit, utcnow
from ..extensions import db
from ..links import external_url
from ..timezones import timezone_of
from .jobs import request_delivery
from .kinds import OPTIONAL, wants
from .models import OutboxMessage


def notify(recipient: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Record a message to send once the current transaction has committed."""
    # Due from now, not from whenever it is written with the rest of the transaction
    # (no flush per message: issuing a session records hundreds).
    message = OutboxMessage(recipient=recipient, subject=subject[:300], body=body, kind=kind,
                            next_attempt_at=utcnow())
    db.session.add(message)
    after_commit(request_delivery)
    return message


@contextmanager
def in_language_of(recipient) -> Iterator[None]:
    """Write a message in its recipient's language and time zone, not in those of whoever's
    request caused it (an admin working in Chinese writes to a Ghanaian fellow)."""
    locale = getattr(recipient, "locale", None)
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    # Flask-Babel keeps both on g and ignores an empty g (a worker's): give it one to use.
    g.writing_to = recipient
    babel_state = g.setdefault("_flask_babel", SimpleNamespace())
    saved_zone = getattr(babel_state, "babel_tzinfo", None)
    babel_state.babel_tzinfo = pytz.timezone(timezone_of(recipient))
    try:
        with force_locale(locale):
            yield
    finally:
        babel_state.babel_tzinfo = saved_zone
        g.pop("writing_to", None)


def render_email(template: str, **context) -> str:
    """An email's text from its template, without the page's context (no request needed:
    the background worker writes emails too)."""
    return current_app.jinja_env.get_template(template).render(**context)


def notify_user(user, kind: str, template: str, subject, to: str | None = None,
                **context) -> OutboxMessage | None:
    """Write one email to ``user`` from ``template`` (a text template extending
    ``notifications/email.txt``: greeting, what happened, what next, signature), in their
    language and time zone; ``subject`` is a lazy string, so it too is in their language.
    Nothing when it is an optional email they chose not to get. ``to``: another address of
    theirs (the old one, told of a change), else their email."""
    if not wants(user, kind):
        return None
    with in_language_of(user):
        body = render_email(template, user=user, optional=kind in OPTIONAL,
                            profile_url=external_url("accounts.profile"), **context)
        title = str(subject)
    return notify(to or user.email, title, body, kind=kind)


def outbox(page: int = 1, per_page: int = 50):
    return db.paginate(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def retry_now(message_id: int) -> None:
    """Make an unsent message due now, also one given up on (it gets one more attempt)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.sent_at is None:
        message.next_attempt_at = utcnow()
        message.failed_at = None
        after_commit(request_delivery)


def failed_count() -> int:
    """Messages given up on: the admin's queue (each can be sent again from the outbox)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_not(None))) or 0
