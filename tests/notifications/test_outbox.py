"""The outbox's delivery: what is due goes out; failures wait longer each time, then
are given up and shown so; admins may send a message again; the command line."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from institute.database import utcnow
from institute.extensions import db
from institute.notifications import cli
from institute.notifications.delivery import deliver_due, retry_delay
from institute.notifications.models import OutboxMessage
from institute.notifications.services import notify, retry_now

from ..builders import create_user
from ..conftest import login
from .conftest import free_port


def unsent():
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                   .order_by(OutboxMessage.id)))


def test_without_mail_server_messages_stay_in_the_outbox(ctx):
    notify("a@example.org", "Hello", "Body")
    assert deliver_due() == (0, 0, 0)
    assert len(unsent()) == 1


def test_notify_only_writes_the_outbox(app, ctx, smtp):
    notify("a@example.org", "Hello", "Body")
    db.session.commit()
    assert smtp.messages == []  # nothing is sent until a sender runs
    assert deliver_due() == (1, 0, 0)
    assert smtp.to("a@example.org")[0]["Message-ID"].startswith("<outbox-")


def test_retry_delay_doubles_up_to_its_cap(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_FIRST", 60)
    monkeypatch.setitem(app.config, "MAIL_RETRY_MAX", 600)
    assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]
    assert retry_delay(1000) == timedelta(seconds=600)


def test_a_failure_waits_longer_each_time_then_is_given_up(app, ctx, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # refused
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    notify("fellow@example.org", "Your application", "Body text")
    [message] = unsent()
    for failures in (1, 2):
        before = utcnow()
        assert deliver_due() == (0, 1, 0)
        assert message.attempts == failures and "ConnectionRefused" in message.last_error
        assert before + retry_delay(failures) <= message.next_attempt_at <= utcnow() + retry_delay(failures)
        assert message.claimed_until is None and message.failed_at is None
        assert deliver_due() == (0, 0, 0)  # not due yet
        message.next_attempt_at = utcnow()  # time passes
    assert deliver_due() == (0, 0, 1)
    assert message.attempts == 3 and message.failed_at is not None
    message.next_attempt_at = utcnow()
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    assert deliver_due() == (0, 0, 0)  # given up: never tried again by itself
    assert smtp.messages == []


def test_given_up_is_shown_and_an_admin_sends_it_again(app, client, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
    with app.app_context():
        create_user(email="admin@example.org", roles="admin")
        notify("fellow@example.org", "Your application", "Body text")
        assert deliver_due() == (0, 0, 1)
        message_id = unsent()[0].id
    login(client, "admin@example.org")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "given up after 1 attempt: ConnectionRefusedError" in page
    assert f"/admin/outbox/{message_id}/retry" in page
    assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 302
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message.failed_at is None and message.next_attempt_at <= utcnow()
        assert deliver_due() == (1, 0, 0)
    assert "sent " in client.get("/admin/outbox").get_data(as_text=True)
    assert len(smtp.to("fellow@example.org")) == 1


def test_retry_now_leaves_sent_messages_alone(app, ctx, smtp):
    notify("a@example.org", "S", "B")
    assert deliver_due() == (1, 0, 0)
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    retry_now(message.id)
    assert deliver_due() == (0, 0, 0)
    assert len(smtp.messages) == 1


def test_a_server_that_never_answers_costs_one_timeout_per_batch(app, ctx, black_hole, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.3)
    for n in range(3):
        notify(f"f{n}@example.org", "S", "B")
    started = time.perf_counter()
    assert deliver_due() == (0, 3, 0)
    assert time.perf_counter() - started < 2
    assert {(m.attempts, m.last_error) for m in unsent()} == {
        (1, "SMTPServerDisconnected: Connection unexpectedly closed: timed out")}


def test_a_refused_recipient_fails_alone(app, ctx, picky_smtp):
    for address in ("a@example.org", "refused@example.org", "b@example.org"):
        notify(address, "S", "B")
    assert deliver_due() == (2, 1, 0)
    [refused] = unsent()
    assert refused.recipient == "refused@example.org" and "SMTPRecipientsRefused" in refused.last_error
    assert sorted(m["To"] for m in picky_smtp.messages) == ["a@example.org", "b@example.org"]


def test_a_pass_sends_more_than_a_batch(app, ctx, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BATCH", 2)
    for n in range(5):
        notify(f"f{n}@example.org", "S", "B")
    assert deliver_due() == (5, 0, 0)
    assert unsent() == []


def test_cli_send(app, runner, smtp):
    with app.app_context():
        notify("x@example.org", "S", "B")
        db.session.commit()
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0
    assert "Sent 1, failed 0." in result.output


def test_cli_loop_sends_until_interrupted(app, runner, smtp, monkeypatch):
    with app.app_context():
        notify("first@example.org", "S", "B")
        db.session.commit()
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 1:  # a request commits a message while the loop waits
            with app.app_context():
                notify("second@example.org", "S", "B")
                db.session.commit()
        else:
            raise KeyboardInterrupt  # Ctrl-C

    monkeypatch.setattr(cli, "sleep", sleep)
    result = runner.invoke(args=["notifications", "send", "--loop", "--every", "0.5"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Sent 1, failed 0.", "Sent 1, failed 0.", "Stopped."]
    assert pauses == [0.5, 0.5]
    assert [m["To"] for m in smtp.messages] == ["first@example.org", "second@example.org"]


def test_cli_loop_without_a_server_says_so(app, runner, monkeypatch):
    monkeypatch.setattr(cli, "sleep", lambda seconds: (_ for _ in ()).throw(KeyboardInterrupt))
    result = runner.invoke(args=["notifications", "send", "--loop"])
    assert result.output.splitlines() == ["No MAIL_SERVER is set: messages stay in the outbox.", "Stopped."]


@pytest.mark.parametrize("every", ["0", "soon"])
def test_cli_loop_refuses_a_bad_interval(runner, every):
    assert runner.invoke(args=["notifications", "send", "--loop", "--every", every]).exit_code == 2
