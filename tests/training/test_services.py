from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.errors import Conflict, Forbidden, Invalid, NotFound
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.training import services as training
from institute.training.enrolment import enrol_csv
from institute.training.labels import missing_text
from institute.training.models import Application
from institute.training.progress import cohort_progress, completion

from ..builders import (
    MOTIVATION,
    complete_modules,
    create_application,
    create_course,
    create_session,
    create_user,
    enrol,
    enrol_cohort,
)


def outbox(kind=None):
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def test_create_session_checks_every_field(ctx):
    with pytest.raises(Invalid) as caught:
        training.create_session({"title": "", "year": "x", "sequence": 3, "seats": 0,
                                 "starts_on": "2026-09-10", "ends_on": "2026-09-01",
                                 "courses": ["nope"], "instructors": ["nobody@example.org"]})
    fields = {d["field"] for d in caught.value.details}
    assert fields == {"title", "year", "sequence", "seats", "ends_on", "courses", "instructors"}


def test_create_session_with_courses_and_instructors(ctx):
    create_course(slug="dldd")
    create_user(email="teacher@example.org", roles="instructor")
    session = create_session(courses=["dldd"], instructors=["teacher@example.org"])
    assert session.seats == 15 and [c.slug for c in session.courses] == ["dldd"]
    assert [u.email for u in session.instructors] == ["teacher@example.org"]
    with pytest.raises(Conflict):
        create_session()  # 2026-1 again


def test_apply_once_inside_the_window(ctx):
    session = create_session()
    fellow = create_user()
    application = training.apply(session, fellow, MOTIVATION)
    assert application.status == "applied" and application.country == "KG"
    assert outbox("application-received")[0].recipient == fellow.email
    with pytest.raises(Conflict):
        training.apply(session, fellow, MOTIVATION)


def test_apply_outside_the_window_or_closed_or_short(ctx):
    session = create_session()
    fellow = create_user()
    with pytest.raises(Conflict):
        training.apply(session, fellow, MOTIVATION, today=date.today() + timedelta(days=31))
    with pytest.raises(Conflict):
        training.apply(session, fellow, MOTIVATION, today=date.today() - timedelta(days=2))
    with pytest.raises(Invalid):
        training.apply(session, fellow, "too short")
    training.close_session(session)
    with pytest.raises(Conflict):
        training.apply(session, fellow, MOTIVATION)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_only_fellows_apply(ctx):
    with pytest.raises(Forbidden):
        training.apply(create_session(), create_user(roles="instructor"), MOTIVATION)


def test_accept_up_to_the_limit_waitlist_the_rest_and_promote_on_withdrawal(ctx):
    admin = create_user(roles="admin")
    session = create_session(seats=3)
    apps = [create_application(session) for _ in range(5)]
    for a in apps[:3]:
        training.decide(a, "accept", admin)
    with pytest.raises(Conflict):
        training.decide(apps[3], "accept", admin)
    training.decide(apps[4], "waitlist", admin)
    training.decide(apps[3], "waitlist", admin)  # waitlisted later, but applied earlier
    assert training.accepted_count(session) == 3
    training.withdraw(apps[1], apps[1].user)
    assert apps[1].status == "withdrawn"
    assert apps[3].status == "accepted"  # the oldest waitlisted application
    assert apps[4].status == "waitlisted"
    promoted = outbox("application-promoted")
    assert [m.recipient for m in promoted] == [apps[3].user.email]


def test_bulk_decisions_are_all_or_nothing(ctx):
    admin = create_user(roles="admin")
    session = create_session(seats=2)
    apps = [create_application(session) for _ in range(3)]
    with pytest.raises(Conflict):
        training.decide_many(session, [a.id for a in apps], "accept", admin)
    assert training.accepted_count(session) == 0
    training.decide_many(session, [apps[0].id, apps[1].id], "accept", admin)
    assert training.accepted_count(session) == 2


def test_withdraw_rules(ctx):
    session = create_session()
    application = create_application(session)
    with pytest.raises(Forbidden):
        training.withdraw(application, create_user())
    training.withdraw(application, create_user(roles="admin"))
    with pytest.raises(Conflict):
        training.withdraw(application, application.user)
    with pytest.raises(Conflict):
        training.decide(application, "accept", create_user(roles="admin"))


def test_unknown_decision_is_invalid(ctx):
    application = create_application()
    with pytest.raises(Invalid):
        training.decide(application, "maybe", create_user(roles="admin"))


def csv_rows(n, bad_line=None):
    lines = ["email,name,country,partner"]
    for i in range(n):
        lines.append(f"fellow{i}@example.org,Fellow {i},KG,UCA")
    if bad_line:
        lines[bad_line - 1] = "not-an-email,,XX,NOPE"
    return "\n".join(lines) + "\n"


def test_csv_with_one_bad_row_among_30_enrols_nobody(ctx):
    admin = create_user(roles="admin")
    session = create_session(seats=40)
    with pytest.raises(Invalid) as caught:
        enrol_csv(session, csv_rows(30, bad_line=17), admin)
    lines = {d["line"] for d in caught.value.details}
    assert lines == {17}
    messages = " ".join(d["message"] for d in caught.value.details)
    assert "not a valid email" in messages and "country" in messages and "partner" in messages
    assert training.accepted_count(session) == 0


def test_csv_enrols_and_invites_with_a_set_password_link(ctx):
    admin = create_user(roles="admin")
    existing = create_user(email="fellow3@example.org")
    session = create_session(seats=5)
    result = enrol_csv(session, csv_rows(4).encode(), admin)
    assert len(result.enrolled) == 4 and len(result.invited) == 3
    assert existing in result.enrolled
    assert training.accepted_count(session) == 4
    invite = next(m for m in outbox("enrolled") if m.recipient == "fellow0@example.org")
    assert "/set-password/" in invite.body


def test_csv_checks_seats_duplicates_and_header(ctx):
    admin = create_user(roles="admin")
    session = create_session(seats=2)
    with pytest.raises(Invalid) as caught:
        enrol_csv(session, csv_rows(3), admin)
    assert "seat" in caught.value.details[-1]["message"]
    duplicate = "email,name,country,partner\na@example.org,A,KG,\nA@example.org,A,KG,\n"
    with pytest.raises(Invalid) as caught:
        enrol_csv(session, duplicate, admin)
    assert caught.value.details[0]["line"] == 3
    with pytest.raises(Invalid) as caught:
        enrol_csv(session, "mail,name\nx@example.org,X\n", admin)
    assert caught.value.details[0]["line"] == 1


def test_progress_and_completion_by_modules(ctx):
    course = create_course(slug="no-quiz", quiz=False).course
    quizzed = create_course(slug="with-quiz").course
    session = create_session(courses=["no-quiz"])
    fellow = enrol(session)
    progress = completion(session, fellow)
    assert not progress.completed and progress.modules_total == 2
    assert progress.courses[0].next_module == ("module-1", "Module 1")
    complete_modules(fellow, course)
    assert completion(session, fellow).completed
    # A course with a quiz is not complete by its modules alone.
    training.update_session(session, {**_fields(session), "courses": ["no-quiz", "with-quiz"]})
    complete_modules(fellow, quizzed)
    progress = completion(session, fellow)
    assert not progress.completed
    assert [missing_text(m) for m in progress.missing] == [
        "Quiz “Check” of “Test Course” not taken yet (pass mark 60%)"]
    assert completion(session, create_user()) is None


def _fields(session):
    return {k: getattr(session, k) for k in ("title", "year", "sequence", "seats", "starts_on",
                                             "ends_on", "applications_open", "applications_close")}


def test_cohort_progress_queries_do_not_grow_with_fellows(ctx):
    create_course(slug="c1", quiz=False)
    session = create_session(courses=["c1"], seats=30)

    def count_queries():
        statements = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            cohort_progress(session)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    enrol_cohort(session, 2)
    few = count_queries()
    enrol_cohort(session, 20)
    assert count_queries() == few
    # Past the 500 rows a batched loader would take in one query.
    from institute.training.models import Application

    session.seats = 600
    users = [create_user() for _ in range(520)]
    db.session.add_all(Application(session_id=session.id, user=u, status="accepted") for u in users)
    db.session.flush()
    assert count_queries() == few


def test_unknown_session_and_application(ctx):
    with pytest.raises(NotFound):
        training.get_session(999999)
    with pytest.raises(NotFound):
        training.get_application(999999)


def test_once_the_session_has_started_only_an_admin_withdraws_a_fellow(ctx):
    session = create_session()
    fellow = create_user()
    application = create_application(session, fellow, "accepted")
    assert training.may_withdraw(fellow, application)
    session.starts_on = date.today()  # the session has begun
    assert not training.may_withdraw(fellow, application)
    with pytest.raises(Forbidden, match="write to the institute"):
        training.withdraw(application, fellow)
    assert application.status == "accepted"
    admin = create_user(roles="admin")
    assert training.may_withdraw(admin, application)
    assert training.withdraw(application, admin).status == "withdrawn"
