"""Bulk enrolment: what it does, invited people without a password, and its queries."""

import re
from contextlib import contextmanager

import sqlalchemy as sa

from institute.accounts import services as accounts
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.training import services as training
from institute.training.enrolment import enrol_csv

from ..builders import PASSWORD, create_application, create_session, create_user
from ..conftest import login

HEADER = "email,name,country,partner\n"


def enrolled_messages() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "enrolled")
                                   .order_by(OutboxMessage.id)))


def test_enrolment_enrols_existing_people_and_invites_new_ones(ctx):
    admin = create_user(email="admin@example.org", roles="admin")
    teacher = create_user(email="teacher@example.org", roles="instructor", name="Teacher T")
    waiting = create_user(email="waiting@example.org", country="KZ")
    session = create_session(seats=10)
    waitlisted = create_application(session, waiting, "waitlisted", admin, country="KZ", institution="Own Institute")
    result = enrol_csv(session, HEADER + "Teacher@Example.org,Teacher T,KG,\n"
                       "new.one@example.org,New One,PE,unalm\n"
                       "waiting@example.org,Waiting,KZ,UCA\n"
                       "new.two@example.org, New Two ,kg,\n", admin)
    emails = ["teacher@example.org", "new.one@example.org", "waiting@example.org", "new.two@example.org"]
    assert [u.email for u in result.enrolled] == emails
    assert [u.email for u in result.invited] == ["new.one@example.org", "new.two@example.org"]
    new_one, new_two = result.invited
    assert (new_one.name, new_one.country, new_one.partner.code, new_one.roles) == \
        ("New One", "PE", "UNALM", {"trainee"})
    assert (new_two.name, new_two.country, new_two.partner, new_two.roles) == ("New Two", "KG", None, {"trainee"})
    assert teacher.roles == {"instructor", "trainee"} and waiting.roles == {"trainee"}
    db.session.expire_all()
    applications = {a.user.email: a for a in training.applications_of(session)}
    assert set(applications) == set(emails)
    for application in applications.values():
        assert application.status == "accepted" and application.decided_by_id == admin.id
        assert application.decided_at is not None
    assert applications["waiting@example.org"].id == waitlisted.id
    assert (applications["waiting@example.org"].country,
            applications["waiting@example.org"].institution) == ("KZ", "Own Institute")
    assert (applications["new.one@example.org"].country, applications["new.one@example.org"].institution,
            applications["new.one@example.org"].motivation) == \
        ("PE", new_one.partner.name, "Enrolled by the institute.")
    assert (applications["teacher@example.org"].country, applications["teacher@example.org"].institution) == \
        ("KG", "")
    assert training.accepted_count(session) == 4
    messages = enrolled_messages()
    assert [m.recipient for m in messages] == emails
    assert ["/set-password/" in m.body for m in messages] == [False, True, False, True]
    assert all(session.title in m.subject for m in messages)


def test_invited_people_cannot_log_in_until_they_set_a_password_through_the_link(app, client):
    with app.app_context():
        admin = create_user(roles="admin")
        enrol_csv(create_session(), HEADER + "new@example.org,New Fellow,PE,\n", admin)
        user = accounts.user_by_email("new@example.org")
        assert user.password_hash == accounts.UNUSABLE_PASSWORD
        for guess in ("", "!", accounts.UNUSABLE_PASSWORD, PASSWORD, "scrypt", "x" * 40):
            assert accounts.authenticate("new@example.org", guess) is None
        token = re.search(r"/set-password/(\S+)", enrolled_messages()[-1].body).group(1)
        db.session.commit()
    for guess in ("", "!", PASSWORD):
        assert login(client, "new@example.org", guess).status_code == 200  # the form again
        assert client.post("/api/v1/auth/token", json={"email": "new@example.org",
                                                       "password": guess}).status_code == 401
    assert client.post(f"/set-password/{token}", data={"password": "my new long password"}).status_code == 302
    assert login(app.test_client(), "new@example.org", "my new long password").status_code == 302
    assert login(app.test_client(), "new@example.org", "!").status_code == 200


def test_enrolment_hashes_no_password(ctx, monkeypatch):
    admin = create_user(roles="admin")
    session = create_session(seats=20)

    def refuse(*_args, **_kwargs):
        raise AssertionError("an invited person got a password hash")

    monkeypatch.setattr(accounts, "generate_password_hash", refuse)
    result = enrol_csv(session, HEADER + "".join(f"f{i}@example.org,F {i},KG,UCA\n" for i in range(12)), admin)
    assert len(result.invited) == 12


@contextmanager
def statements():
    seen: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def test_enrolment_runs_as_many_statements_for_50_rows_as_for_5(ctx):
    admin = create_user(roles="admin")
    counts = []
    for n, rows in enumerate((5, 50)):
        session = create_session(title=f"Session {n}", sequence=n + 1, seats=60)
        known = create_user(email=f"known{n}@example.org")  # one existing account in each file
        create_application(session, known, "waitlisted", admin)
        data = HEADER + f"known{n}@example.org,Known,KG,\n" + "".join(
            f"s{n}-{i}@example.org,Fellow {i},KG,{('UCA', 'CICA', '')[i % 3]}\n" for i in range(rows - 1))
        db.session.flush()
        with statements() as seen:
            result = enrol_csv(session, data, admin)
            db.session.flush()
        assert len(result.enrolled) == rows
        counts.append(seen)
    selects = [[s for s in seen if s == "SELECT"] for seen in counts]
    assert len(selects[0]) == len(selects[1]) <= 10, counts  # no lookup per row
    if db.engine.dialect.name == "postgresql":
        # Inserts too go in one statement a table there; SQLAlchemy cannot batch SQLite's
        # INSERT … RETURNING, but a statement on SQLite is a call in the process, not a round trip.
        assert len(counts[0]) == len(counts[1]), counts
