"""Offers of a seat: accepting makes an offer with a deadline; the fellow confirms or
declines it (pages, API); an unconfirmed offer lapses (on a late confirm, and by the
lapse command) and the seat goes to the oldest waitlisted; one reminder per offer."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from institute.admissions import offers
from institute.database import utcnow
from institute.errors import Conflict, Forbidden
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.training import services as training
from institute.training.models import Application, ApplicationStatus

from ..builders import committed, create_application, create_session, create_user
from ..conftest import bearer, login


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
                                   .order_by(OutboxMessage.id)))


def test_accepting_makes_an_offer_with_a_deadline_told_in_the_email(ctx):
    session = create_session(seats=2)
    application = create_application(session, create_user(email="a@example.org"), "offered")
    assert application.status == ApplicationStatus.ACCEPTED and application.confirmed_at is None
    assert offers.is_offer(application) and offers.offer_state(application) == "waiting"
    expected = application.decided_at + timedelta(days=14)
    assert abs((application.offer_expires_at - expected).total_seconds()) < 1
    body = mails_to("a@example.org")[-1].body
    assert "Please confirm your seat by" in body and f"/sessions/{session.id}" in body
    assert training.seats_left(session) == 1  # an offer holds its seat


def test_the_deadline_is_never_after_the_start_and_at_least_a_day():
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    session = training.TrainingSession(starts_on=date(2026, 3, 5), offer_days=14)
    assert training.offer_deadline(session, now) == datetime(2026, 3, 5, tzinfo=UTC)
    session.starts_on = date(2026, 6, 1)
    assert training.offer_deadline(session, now) == now + timedelta(days=14)
    session.starts_on = date(2026, 3, 1)  # accepted on the first day: still a day to confirm
    assert training.offer_deadline(session, now) == now + timedelta(days=1)


def test_confirming_takes_the_seat_and_a_second_answer_is_refused(ctx):
    application = create_application(status="offered")
    offers.confirm(application, application.user)
    assert offers.is_confirmed(application) and offers.offer_state(application) == "confirmed"
    with pytest.raises(Conflict):
        offers.confirm(application, application.user)
    with pytest.raises(Conflict):
        offers.decline(application, application.user)


def test_declining_frees_the_seat_for_the_oldest_waitlisted_who_gets_an_offer(ctx):
    admin = create_user(roles="admin", email="boss@example.org")
    session = create_session(seats=1)
    offered = create_application(session, status="offered", admin=admin)
    first = create_application(session, create_user(email="w1@example.org"), "waitlisted", admin)
    second = create_application(session, status="waitlisted", admin=admin)
    offers.decline(offered, offered.user)
    assert offered.status == ApplicationStatus.DECLINED
    assert first.status == ApplicationStatus.ACCEPTED and offers.is_offer(first)
    assert first.offer_expires_at > utcnow() + timedelta(days=13)
    assert second.status == ApplicationStatus.WAITLISTED
    assert "confirm your seat by" in mails_to("w1@example.org")[-1].body
    told = mails_to("boss@example.org")[-1]
    assert "declined" in told.body and first.user.name in told.body


def test_only_the_applicant_confirms_or_declines(ctx):
    application = create_application(status="offered")
    for someone in (create_user(), create_user(roles="admin"), create_user(roles="instructor"), None):
        for answer in (offers.confirm, offers.decline):
            with pytest.raises(Forbidden):
                answer(application, someone)
    assert offers.is_offer(application)


def test_not_an_offer_cannot_be_answered(ctx):
    session = create_session(seats=5)
    for status in ("applied", "waitlisted", "rejected", "withdrawn", "declined"):
        application = create_application(session, status=status)
        with pytest.raises(Conflict):
            offers.confirm(application, application.user)


def test_a_late_confirmation_lapses_the_offer_and_promotes(ctx):
    session = create_session(seats=1)
    late = create_application(session, status="offered")
    waiting = create_application(session, status="waitlisted")
    after = late.offer_expires_at + timedelta(minutes=1)
    with pytest.raises(Conflict, match="lapsed"):
        offers.confirm(late, late.user, now=after)
    assert late.status == ApplicationStatus.LAPSED and offers.offer_state(late) == "lapsed"
    assert waiting.status == ApplicationStatus.ACCEPTED and offers.is_offer(waiting)


def test_the_lapse_command_lapses_expired_offers_once_and_promotes(ctx, app):
    session = create_session(seats=3)
    expired = create_application(session, create_user(email="late@example.org"), "offered")
    kept = create_application(session, status="offered")
    confirmed = create_application(session, status="accepted")
    waiting = create_application(session, status="waitlisted")
    assert confirmed.confirmed_at is not None
    expired.offer_expires_at = utcnow() - timedelta(minutes=5)
    # kept's offer lapses later; confirmed never does; the seats stay within the limit.
    kept.offer_expires_at = utcnow() + timedelta(days=2)
    db.session.flush()
    result = offers.lapse_expired()
    assert result.lapsed == [expired] and result.promoted == [waiting]
    assert expired.status == ApplicationStatus.LAPSED and offers.is_offer(waiting)
    assert "has lapsed" in mails_to("late@example.org")[-1].subject
    assert offers.lapse_expired().lapsed == []  # idempotent
    assert training.accepted_count(session) == 3


def test_one_reminder_per_offer_near_its_deadline(ctx, app):
    session = create_session(seats=5)
    near = create_application(session, create_user(email="near@example.org"), "offered")
    far = create_application(session, create_user(email="far@example.org"), "offered")
    create_application(session, create_user(email="done@example.org"), "accepted")
    near.offer_expires_at = utcnow() + timedelta(days=2)
    db.session.flush()
    assert offers.remind_due() == [near]  # OFFER_REMINDER_DAYS = 3
    assert offers.remind_due() == []
    assert near.offer_reminded_at is not None and far.offer_reminded_at is None
    assert "Reminder" in mails_to("near@example.org")[-1].subject
    assert not any("Reminder" in m.subject for m in mails_to("far@example.org") + mails_to("done@example.org"))
    assert offers.remind_due(days=20) == [far]


def test_cli_commands(app, runner):
    with committed(app):
        application = create_application(status="offered")
        application.offer_expires_at = utcnow() - timedelta(seconds=1)
    result = runner.invoke(args=["admissions", "lapse-offers"])
    assert result.exit_code == 0 and "Lapsed 1 offer(s)" in result.output
    assert "Lapsed 0 offer(s)" in runner.invoke(args=["admissions", "lapse-offers"]).output
    result = runner.invoke(args=["admissions", "remind-offers", "--days", "2"])
    assert result.exit_code == 0 and "Sent 0 reminder(s)" in result.output


def test_api_confirm_and_decline(app, client, make_user):
    make_user(email="fellow@example.org")
    make_user(email="other@example.org")
    with committed(app):
        session = create_session(seats=2)
        fellow = db.session.scalar(sa.select(training.User).where(training.User.email == "fellow@example.org"))
        mine = create_application(session, fellow, "offered").id
        late = create_application(session, status="offered")
        late.offer_expires_at = utcnow() - timedelta(seconds=1)
        late_id, late_email = late.id, late.user.email
    fellow_h, other_h = bearer(client, "fellow@example.org"), bearer(client, "other@example.org")
    assert client.post(f"/api/v1/applications/{mine}/confirm", headers=other_h).status_code == 403
    assert client.post(f"/api/v1/applications/{mine}/decline", headers=other_h).status_code == 403
    assert client.post("/api/v1/applications/999999/confirm", headers=fellow_h).status_code == 404
    assert client.post(f"/api/v1/applications/{mine}/confirm").status_code == 401
    confirmed = client.post(f"/api/v1/applications/{mine}/confirm", headers=fellow_h)
    assert confirmed.status_code == 200 and confirmed.get_json()["confirmed_at"]
    again = client.post(f"/api/v1/applications/{mine}/decline", headers=fellow_h)
    assert again.status_code == 409
    refused = client.post(f"/api/v1/applications/{late_id}/confirm", headers=bearer(client, late_email))
    assert refused.status_code == 409 and "lapsed" in refused.get_json()["error"]["message"]
    with app.app_context():  # the lapse stands though the confirmation was refused
        assert db.session.get(Application, late_id).status == ApplicationStatus.LAPSED


def test_pages_confirm_and_decline_after_asking(app, make_user):
    make_user(email="fellow@example.org")
    make_user(email="admin@example.org", roles="admin")
    with committed(app):
        session = create_session(seats=1)
        fellow = db.session.scalar(sa.select(training.User).where(training.User.email == "fellow@example.org"))
        application = create_application(session, fellow, "offered")
        waiting = create_application(session, status="waitlisted")
        ids = application.id, waiting.id, session.id
    client = app.test_client()
    login(client, "fellow@example.org")
    page = client.get(f"/sessions/{ids[2]}").get_data(as_text=True)
    assert "Confirm your seat by" in page and "Confirm my seat" in page and "Decline…" in page
    assert "Confirm your seat by" in client.get("/dashboard").get_data(as_text=True)
    asked = client.get(f"/applications/{ids[0]}/decline")
    assert asked.status_code == 200 and "Decline the seat" in asked.get_data(as_text=True)
    assert client.post(f"/applications/{ids[0]}/decline").status_code == 200  # not confirmed: asks
    assert client.post(f"/applications/{ids[0]}/decline", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, ids[0]).status == ApplicationStatus.DECLINED
        assert offers.is_offer(db.session.get(Application, ids[1]))
    admin = app.test_client()
    login(admin, "admin@example.org")
    listing = admin.get(f"/admin/sessions/{ids[2]}/applications").get_data(as_text=True)
    assert "1 waiting to be confirmed, 0 confirmed, 1 declined, 0 lapsed" in listing
    assert "waiting for confirmation until" in listing


def test_page_confirm_then_the_letter_link(app, make_user):
    make_user(email="fellow@example.org")
    with committed(app):
        session = create_session(seats=1)
        fellow = db.session.scalar(sa.select(training.User).where(training.User.email == "fellow@example.org"))
        application_id, session_id = create_application(session, fellow, "offered").id, session.id
    client = app.test_client()
    login(client, "fellow@example.org")
    assert client.post(f"/applications/{application_id}/confirm").status_code == 302
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Seat confirmed on" in page and f"/applications/{application_id}/invitation.pdf?lang=zh" in page
    stranger = app.test_client()
    make_user(email="stranger@example.org")
    login(stranger, "stranger@example.org")
    assert stranger.post(f"/applications/{application_id}/confirm").status_code == 403
