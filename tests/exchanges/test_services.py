from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.errors import Conflict, Forbidden, Invalid
from institute.exchanges import services
from institute.exchanges.models import Exchange, ExchangeEvent
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import create_course, create_exchange, create_user

SOON = date.today() + timedelta(days=30)
PURPOSE = "Teach sand fixation to the 2027 cohort and share field methods."


@pytest.fixture
def people(ctx):
    return {
        "teacher": create_user(email="teacher@uca.example", roles="instructor", partner="UCA"),
        "home": create_user(email="staff@uca.example", roles="partner", partner="UCA"),
        "host": create_user(email="staff@cica.example", roles="partner", partner="CICA"),
        "other": create_user(email="staff@ufc.example", roles="partner", partner="UFC"),
        "admin": create_user(email="admin@gdi.example", roles="admin"),
        "trainee": create_user(email="fellow@example.org"),
    }


def propose(people, start=SOON, days=14, **kwargs):
    values = dict(teacher="teacher@uca.example", home="UCA", host="CICA", starts_on=start,
                  ends_on=start + timedelta(days=days), courses=[], purpose=PURPOSE)
    values.update(kwargs)
    return services.propose(people["home"], **values)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_full_life_with_history_and_notifications(people):
    create_course(slug="sand")
    exchange = propose(people, courses=["sand"])
    assert exchange.status == "proposed" and [c.slug for c in exchange.courses] == ["sand"]
    services.decide(exchange, "confirm", people["host"])
    services.decide(exchange, "approve", people["admin"])
    services.decide(exchange, "complete", people["teacher"], "Taught 12 fellows; field day at the dunes.",
                    today=exchange.starts_on + timedelta(days=1))
    assert exchange.status == "completed" and exchange.report.startswith("Taught")
    history = [(e.from_status, e.to_status, e.actor.email) for e in exchange.events]
    assert history == [(None, "proposed", "staff@uca.example"), ("proposed", "confirmed", "staff@cica.example"),
                       ("confirmed", "approved", "admin@gdi.example"),
                       ("approved", "completed", "teacher@uca.example")]
    sent = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.recipient)).all()
    # One email per person per change, none to whoever made it; the admins hear of the
    # confirmation, which waits for their approval.
    assert sorted(sent) == sorted(
        [("exchange-proposed", "teacher@uca.example"), ("exchange-proposed", "staff@cica.example"),
         ("exchange-confirmed", "teacher@uca.example"), ("exchange-confirmed", "staff@uca.example"),
         ("exchange-confirmed", "admin@gdi.example"),
         ("exchange-approved", "teacher@uca.example"), ("exchange-approved", "staff@uca.example"),
         ("exchange-approved", "staff@cica.example"),
         ("exchange-completed", "staff@uca.example"), ("exchange-completed", "staff@cica.example")])
    to_host = db.session.scalar(sa.select(OutboxMessage.body).where(
        OutboxMessage.kind == "exchange-proposed", OutboxMessage.recipient == "staff@cica.example"))
    assert "confirm or decline" in to_host and f"/exchanges/{exchange.id}" in to_host


def test_reversed_dates_same_host_unknown_course_past_start_all_at_once(people):
    with pytest.raises(Invalid) as caught:
        propose(people, start=date.today() - timedelta(days=3), days=-5, host="UCA", courses=["nope"],
                purpose="short")
    fields = {d["field"] for d in caught.value.details}
    assert fields == {"host", "ends_on", "starts_on", "courses", "purpose"}
    assert count(Exchange) == 0


def test_teacher_must_belong_to_home(people):
    with pytest.raises(Invalid):
        propose(people, teacher="staff@cica.example")


def test_the_proposals_errors_do_not_tell_who_has_an_account(people):
    with pytest.raises(Invalid) as elsewhere:
        propose(people, teacher="staff@cica.example")  # has an account, at another institution
    with pytest.raises(Invalid) as nobody:
        propose(people, teacher="nobody@cica.example")  # has none

    def read(caught):
        return [d["message"].replace("staff@", "x@").replace("nobody@", "x@") for d in caught.value.details]

    assert read(elsewhere) == read(nobody)


def test_trainee_and_other_institutions_cannot_propose(people):
    with pytest.raises(Forbidden):
        services.propose(people["trainee"], "teacher@uca.example", "UCA", "CICA", SOON,
                         SOON + timedelta(days=3), [], PURPOSE)
    with pytest.raises(Forbidden):
        services.propose(people["other"], "teacher@uca.example", "UCA", "CICA", SOON,
                         SOON + timedelta(days=3), [], PURPOSE)
    assert count(Exchange) == 0


def test_only_the_host_confirms(people):
    exchange = propose(people)
    for who in ("home", "other", "admin", "teacher"):
        with pytest.raises(Forbidden):
            services.decide(exchange, "confirm", people[who])
    assert exchange.status == "proposed" and count(ExchangeEvent) == 1


def test_approval_needs_confirmation_and_an_admin(people):
    exchange = propose(people)
    with pytest.raises(Conflict):
        services.decide(exchange, "approve", people["admin"])
    services.decide(exchange, "confirm", people["host"])
    with pytest.raises(Forbidden):
        services.decide(exchange, "approve", people["host"])


def test_overlapping_approval_is_refused(people):
    first = create_exchange("confirmed", teacher=people["teacher"])
    second = create_exchange("confirmed", teacher=people["teacher"], starts_on=SOON + timedelta(days=7))
    services.decide(first, "approve", people["admin"])
    with pytest.raises(Conflict):
        services.decide(second, "approve", people["admin"])
    assert second.status == "confirmed"
    later = create_exchange("confirmed", teacher=people["teacher"], starts_on=SOON + timedelta(days=30))
    services.decide(later, "approve", people["admin"])  # no overlap: fine


def test_reject_cancel_and_complete_rules(people):
    exchange = propose(people)
    services.decide(exchange, "reject", people["host"])
    with pytest.raises(Conflict):
        services.decide(exchange, "confirm", people["host"])
    approved = create_exchange("approved", teacher=people["teacher"], starts_on=SOON + timedelta(days=40))
    with pytest.raises(Invalid):
        services.decide(approved, "complete", people["teacher"], "", today=approved.starts_on)
    with pytest.raises(Conflict):
        services.decide(approved, "complete", people["teacher"], "Report", today=date.today())
    services.decide(approved, "cancel", people["home"])
    assert approved.status == "cancelled"
    with pytest.raises(Invalid):
        services.decide(approved, "teleport", people["admin"])


def test_visibility_and_statistics(people):
    exchange = create_exchange("approved", teacher=people["teacher"])
    assert services.visible(people["trainee"]) == []
    assert services.visible(people["other"]) == []
    assert services.visible(people["host"]) == [exchange]
    assert services.visible(people["teacher"]) == [exchange]
    assert services.visible(people["admin"], year=SOON.year) == [exchange]
    rows = {r["partner"].code: r for r in services.statistics()}
    assert (rows["UCA"]["sent"], rows["CICA"]["received"], rows["CICA"]["days"]) == (1, 1, 15)
    assert {r["country"] for r in services.by_country(list(rows.values()))} == {"KG", "TR"}


def test_attached_material(people):
    exchange = propose(people)
    item = services.attach_file(exchange, people["home"], "syllabus.pdf", b"%PDF-1.4 ...")
    assert item.content_type == "application/pdf"
    with pytest.raises(Invalid):
        services.attach_file(exchange, people["home"], "run.exe", b"MZ")
    with pytest.raises(Forbidden):
        services.attach_file(exchange, people["other"], "notes.txt", b"x")
