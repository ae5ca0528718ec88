"""Requests only write to the outbox: a mail server that never answers slows no page,
and the mails go out once a sender runs against a server that does."""

from datetime import date, timedelta

import sqlalchemy as sa

from institute.database import utcnow
from institute.extensions import db
from institute.notifications.delivery import deliver_due
from institute.notifications.models import OutboxMessage

from ..builders import MOTIVATION, create_session, create_user
from ..conftest import bearer, login
from ..exchanges.conftest import exchange_people  # noqa: F401 - the fixture
from .conftest import timed

APPLY = {"motivation": MOTIVATION, "passport_name": "Test Fellow"}

SOON = date.today() + timedelta(days=20)


def open_session(app) -> int:
    with app.app_context():
        create_user(email="fellow@example.org")
        create_user(email="other@example.org")
        session_id = create_session().id
        db.session.commit()
        return session_id


def waiting(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))))


def test_applying_answers_at_once_while_the_mail_server_hangs(app, client, black_hole, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", black_hole)
    session_id = open_session(app)
    login(client, "fellow@example.org")
    page, seconds = timed(lambda: client.post(f"/sessions/{session_id}/apply", data=APPLY))
    assert page.status_code == 302
    assert seconds < 1, seconds
    api, seconds = timed(lambda: client.post(f"/api/v1/sessions/{session_id}/applications",
                                             headers=bearer(client, "other@example.org"),
                                             json=APPLY))
    assert api.status_code == 201
    assert seconds < 1, seconds
    assert sorted(m.recipient for m in waiting(app)) == ["fellow@example.org", "other@example.org"]
    assert smtp.messages == []

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)  # the server answers now
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert "Sent 2, failed 0." in result.output
    for email in ("fellow@example.org", "other@example.org"):
        [mail] = smtp.to(email)
        assert mail["Subject"].startswith("Application received")
    assert waiting(app) == []


def test_approving_an_exchange_answers_at_once_while_the_mail_server_hangs(app, black_hole, smtp, monkeypatch,
                                                                          exchange_people):  # noqa: F811
    monkeypatch.setitem(app.config, "MAIL_PORT", black_hole)
    client = app.test_client()
    home, host = bearer(client, "staff@uca.example"), bearer(client, "staff@cica.example")
    proposal = {"teacher": "teacher@uca.example", "home": "UCA", "host": "CICA", "starts_on": str(SOON),
                "ends_on": str(SOON + timedelta(days=10)), "courses": ["rs"],
                "purpose": "Teach remote sensing for monitoring and share Sentinel-2 practicals."}
    ids = [client.post("/api/v1/exchanges", headers=home, json=proposal).get_json()["id"]]
    proposal.update(teacher="staff@uca.example")
    ids.append(client.post("/api/v1/exchanges", headers=home, json=proposal).get_json()["id"])
    for exchange_id in ids:
        assert client.post(f"/api/v1/exchanges/{exchange_id}/decision", headers=host,
                           json={"decision": "confirm"}).status_code == 200
    with app.app_context():  # what the proposals and confirmations asked for goes first
        db.session.execute(sa.update(OutboxMessage).values(sent_at=utcnow()))
        db.session.commit()

    login(client, "admin@gdi.example")
    page, seconds = timed(lambda: client.post(f"/exchanges/{ids[0]}/decision", data={"decision": "approve"}))
    assert page.status_code == 302
    assert seconds < 1, seconds
    api, seconds = timed(lambda: client.post(f"/api/v1/exchanges/{ids[1]}/decision",
                                             headers=bearer(client, "admin@gdi.example"),
                                             json={"decision": "approve"}))
    assert api.get_json()["status"] == "approved"
    assert seconds < 1, seconds
    told = sorted(m.recipient for m in waiting(app))  # the teacher is staff at UCA, too
    assert told == sorted(2 * ["teacher@uca.example", "staff@uca.example", "staff@cica.example"])

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    with app.app_context():
        assert deliver_due() == (6, 0, 0)
    assert len(smtp.to("staff@cica.example")) == 2
    assert all("approved" in m["Subject"] for m in smtp.messages)
