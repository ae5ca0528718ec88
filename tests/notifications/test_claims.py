"""A sender claims what it sends: two senders at once never send one message twice,
and what a sender took but did not send is due again."""

import threading
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from institute.database import transaction, utcnow
from institute.extensions import db
from institute.notifications import delivery
from institute.notifications.delivery import claim, deliver_due
from institute.notifications.models import OutboxMessage
from institute.notifications.services import notify

from ..training.test_concurrency import committed_app  # noqa: F401 - the fixture
from .conftest import PickyInbox, free_port, serve


def test_a_claimed_message_is_nobody_elses_until_the_claim_ends(app, ctx):
    for n in range(3):
        notify(f"f{n}@example.org", "S", "B")
    first, _deadline = claim(2)
    second, _deadline = claim(10)
    assert [x.recipient for x in first] == ["f0@example.org", "f1@example.org"]
    assert [x.recipient for x in second] == ["f2@example.org"]
    assert claim(10)[0] == []
    message = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert message.claimed_until > utcnow() + timedelta(seconds=app.config["MAIL_TIMEOUT"])
    message.claimed_until = utcnow() - timedelta(seconds=1)  # its sender died
    assert [x.recipient for x in claim(10)[0]] == ["f0@example.org"]


def test_what_was_claimed_but_not_sent_is_released(app, ctx, smtp, monkeypatch):
    for n in range(3):
        notify(f"f{n}@example.org", "S", "B")
    sent = []
    original = delivery._sent

    def interrupted(letter):
        original(letter)
        sent.append(letter.id)
        raise KeyboardInterrupt  # Ctrl-C while the batch goes out

    monkeypatch.setattr(delivery, "_sent", interrupted)
    try:
        deliver_due()
    except KeyboardInterrupt:
        pass
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.sent_at is not None, m.claimed_until) for m in rows] == [(True, None), (False, None), (False, None)]
    monkeypatch.setattr(delivery, "_sent", original)
    assert deliver_due() == (2, 0, 0)


def test_senders_at_once_send_each_message_once(committed_app):  # noqa: F811
    app = committed_app
    inbox = PickyInbox()
    inbox.delay = 0.01  # senders overlap while the server takes its time
    controller = serve(inbox)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, MAIL_BATCH=4)
    with app.app_context(), transaction():
        for n in range(40):
            notify(f"f{n}@example.org", f"Message {n}", "B")
    barrier = threading.Barrier(3)
    outcomes = []

    def send():
        with app.app_context():
            barrier.wait()
            outcomes.append(deliver_due())

    try:
        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        controller.stop()
    received = Counter(m["Message-ID"] for m in inbox.messages)
    assert len(received) == 40 and set(received.values()) == {1}, received.most_common(3)
    assert sum(o.sent for o in outcomes) == 40 and all(o.sent for o in outcomes), outcomes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))) == 0


def test_a_sender_that_is_refused_leaves_the_others_alone(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    notify("a@example.org", "S", "B")
    assert deliver_due() == (0, 1, 0)
    assert claim(10)[0] == []  # waiting for its retry, not claimed
