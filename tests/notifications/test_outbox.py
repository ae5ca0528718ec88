import socket

import sqlalchemy as sa

from institute.database import utcnow
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.notifications.services import deliver_due, notify


def unsent():
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))))


def test_without_mail_server_messages_stay_in_the_outbox(ctx):
    notify("a@example.org", "Hello", "Body")
    assert deliver_due() == (0, 0)
    assert len(unsent()) == 1


def test_failed_send_is_kept_and_retried(app, ctx, smtp, monkeypatch):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_PORT", dead)
    notify("fellow@example.org", "Your application", "Body text")
    assert deliver_due() == (0, 1)
    message = unsent()[0]
    assert message.attempts == 1 and "ConnectionRefused" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert deliver_due() == (0, 0)  # not due yet
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    message.next_attempt_at = utcnow()
    assert deliver_due() == (1, 0)
    assert unsent() == []
    assert smtp.to("fellow@example.org")[0].get_content().strip() == "Body text"


def test_cli_send(app, runner, smtp):
    with app.app_context():
        notify("x@example.org", "S", "B")
        db.session.commit()
    result = runner.invoke(args=["notifications", "send"])
    assert "Sent 1, failed 0." in result.output
