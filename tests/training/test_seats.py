"""Seats left: one rule (training.services.seats_left), its batched form for lists, and
the pages, the API and the decisions that use it."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.accounts.services import partner_by_code
from institute.errors import Conflict
from institute.exchanges.models import Exchange
from institute.extensions import db
from institute.training import services as training
from institute.training.models import Application

from ..builders import MOTIVATION, create_course, create_session, create_user
from ..conftest import bearer, login


@contextmanager
def statements():
    seen: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def fill(session, statuses):
    for status in statuses:
        db.session.add(Application(session_id=session.id, user=create_user(), status=status, motivation="m"))
    db.session.flush()


def test_seats_left_counts_only_the_accepted_and_never_goes_below_zero(ctx):
    session = create_session(seats=3)
    assert training.seats_left(session) == 3
    fill(session, ["accepted", "applied", "waitlisted", "rejected", "withdrawn"])
    assert training.seats_left(session) == 2
    fill(session, ["accepted", "accepted"])
    assert training.seats_left(session) == 0
    session.seats = 1  # fewer seats than fellows (the services refuse it; the data may not)
    assert training.seats_left(session) == 0


def test_seats_left_of_many_sessions_is_one_statement_with_the_same_answers(ctx):
    sessions = [create_session(title=f"S{i}", year=2030 + i, seats=4) for i in range(6)]
    for i, session in enumerate(sessions):
        fill(session, ["accepted"] * i + ["waitlisted"])  # the last has more fellows than seats
    with statements() as seen:
        left = training.seats_left_of(sessions)
    assert len(seen) == 1
    assert left == {s.id: training.seats_left(s) for s in sessions}
    assert sorted(left.values()) == [0, 0, 1, 2, 3, 4]
    assert training.accepted_counts(sessions) == {s.id: i for i, s in enumerate(sessions)}
    assert training.seats_left_of([]) == {}


def test_accepting_fills_at_most_the_seats_left(ctx):
    admin = create_user(roles="admin")
    session = create_session(seats=2)
    applications = [training.apply(session, create_user(), MOTIVATION) for _ in range(3)]
    with pytest.raises(Conflict, match="2 seat"):
        training.decide_many(session, [a.id for a in applications], "accept", admin)
    training.decide_many(session, [a.id for a in applications[:2]], "accept", admin)
    with pytest.raises(Conflict, match="0 seat"):
        training.decide(applications[2], "accept", admin)
    training.decide(applications[2], "waitlist", admin)
    training.withdraw(applications[0], admin)  # the freed seat goes to the waiting list
    assert applications[2].status == "accepted" and training.seats_left(session) == 0


def test_pages_and_api_show_the_same_seats_left(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    with app.app_context():
        full = create_session(title="Full", seats=2)
        roomy = create_session(title="Roomy", sequence=2, seats=5)
        fill(full, ["accepted", "accepted", "accepted"])  # more than the seats, as data may be
        fill(roomy, ["accepted", "applied"])
        db.session.commit()
        ids = {"Full": full.id, "Roomy": roomy.id}
    token = bearer(client, "admin@example.org")
    listed = {s["title"]: s["seats_left"] for s in client.get("/api/v1/sessions", headers=token).get_json()["sessions"]}
    assert listed == {"Full": 0, "Roomy": 4}
    for title, left in listed.items():
        assert client.get(f"/api/v1/sessions/{ids[title]}", headers=token).get_json()["seats_left"] == left
    login(client, "admin@example.org")
    assert "(4 left)" in client.get(f"/sessions/{ids['Roomy']}").get_data(as_text=True)
    assert "4 of 5 seats left." in client.get(f"/admin/sessions/{ids['Roomy']}/applications").get_data(as_text=True)
    admin_list = client.get("/admin/sessions").get_data(as_text=True)
    assert "<td>3 / 2</td>" in admin_list and "<td>1 / 5</td>" in admin_list


def test_a_session_checks_its_courses_and_teachers_in_as_many_statements_for_eight_as_for_one(ctx):
    today = date.today()
    uca, cica = partner_by_code("UCA"), partner_by_code("CICA")
    counts = []
    for n in (1, 8):
        slugs = [f"c{n}-{i}" for i in range(n)]
        for slug in slugs:
            create_course(slug=slug, quiz=False)
        emails = []
        for i in range(n):
            emails.append(create_user(email=f"i{n}-{i}@example.org", roles="instructor").email)
            guest = create_user(email=f"g{n}-{i}@uca.example", roles="partner", partner="UCA")
            db.session.add(Exchange(teacher=guest, home=uca, host=cica, starts_on=today + timedelta(days=50),
                                    ends_on=today + timedelta(days=90), status="approved",
                                    purpose="Teach remote sensing practicals."))
            emails.append(guest.email)
        db.session.flush()
        with statements() as seen:
            session = create_session(title=f"With {n}", year=2040 + n, courses=slugs, instructors=emails)
        assert [c.slug for c in session.courses] == slugs
        assert [u.email for u in session.instructors] == emails
        assert all((link.exchange_id is None) == link.user.has_role("instructor")
                   for link in session.instructor_links)
        counts.append(len([s for s in seen if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1], counts
