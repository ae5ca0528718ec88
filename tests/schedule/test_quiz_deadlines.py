"""A deadline on the schedule may close a quiz of the session's courses: checked when
set, shown on the event, and known to quizzes through the port schedule registers."""

from datetime import UTC, datetime, timedelta

import pytest

from institute.errors import Invalid
from institute.quizzes import roster
from institute.schedule import services as schedule

from ..builders import create_event, create_quiz, create_session, create_user, enrol
from ..conftest import bearer

CLOSES = datetime(2026, 10, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def quizzes(ctx):
    quiz = create_quiz(slug="dunes", title="Dune ecology")
    other = create_quiz(slug="elsewhere", title="Elsewhere")
    session = create_session(courses=["dunes"])
    fellow = enrol(session, email="fellow@example.org")
    return {"quiz": quiz, "other": other, "session": session, "fellow": fellow,
            "admin": create_user(roles="admin")}


def test_a_deadline_closes_a_quiz_of_the_sessions_courses_only(quizzes):
    session, admin = quizzes["session"], quizzes["admin"]
    deadline = schedule.create_event(session, admin, {"title": "Quiz closes", "kind": "deadline",
                                                      "starts_at": CLOSES, "quiz": quizzes["quiz"].id})
    assert deadline.quiz_key == f"{quizzes['quiz'].revision.course_id}:quiz.gift"
    assert schedule.quiz_closes_at(quizzes["fellow"], quizzes["quiz"]) == CLOSES
    assert schedule.quiz_closes_at(quizzes["fellow"], quizzes["other"]) is None
    assert schedule.quiz_closes_at(create_user(), quizzes["quiz"]) is None  # not in the session
    with pytest.raises(Invalid) as refused:
        schedule.create_event(session, admin, {"title": "x", "kind": "deadline", "starts_at": CLOSES,
                                               "quiz": quizzes["other"].id})
    assert [d["field"] for d in refused.value.details] == ["quiz"]
    with pytest.raises(Invalid) as refused:
        schedule.create_event(session, admin, {"title": "x", "kind": "lecture", "starts_at": CLOSES,
                                               "ends_at": CLOSES + timedelta(hours=1), "quiz": quizzes["quiz"].id})
    assert [d["field"] for d in refused.value.details] == ["quiz"]
    schedule.update_event(deadline, {"starts_at": CLOSES + timedelta(days=2)})
    assert schedule.quiz_closes_at(quizzes["fellow"], quizzes["quiz"]) == CLOSES + timedelta(days=2)
    schedule.cancel_event(deadline)
    assert schedule.quiz_closes_at(quizzes["fellow"], quizzes["quiz"]) is None


def test_quizzes_hear_of_the_deadline_through_their_port(quizzes):
    create_event(quizzes["session"], kind="deadline", hours=0, starts_at=CLOSES, quiz=quizzes["quiz"].id)
    assert roster.closes_at(quizzes["fellow"], quizzes["quiz"]) == CLOSES
    assert roster.closes_at(None, quizzes["quiz"]) is None


def test_the_api_takes_and_gives_the_quiz(app, client):
    from ..builders import committed

    with committed(app):
        quiz = create_quiz(slug="dunes", title="Dune ecology")
        session = create_session(courses=["dunes"])
        create_user(email="admin@example.org", roles="admin")
        quiz_id, session_id = quiz.id, session.id
    admin = bearer(client, "admin@example.org")
    body = {"title": "Quiz closes", "kind": "deadline", "starts_at": CLOSES.isoformat(), "quiz": quiz_id}
    created = client.post(f"/api/v1/sessions/{session_id}/events", headers=admin, json=body)
    assert created.status_code == 201 and created.get_json()["quiz"] == quiz_id
    wrong = client.post(f"/api/v1/sessions/{session_id}/events", headers=admin, json={**body, "quiz": 999999})
    assert wrong.status_code == 422


def test_no_attempt_starts_after_the_quiz_closes_and_one_ends_when_it_closes(quizzes):
    from institute.errors import Conflict
    from institute.quizzes import attempts

    create_event(quizzes["session"], kind="deadline", hours=0, starts_at=CLOSES, quiz=quizzes["quiz"].id)
    attempt, _started = attempts.start(quizzes["quiz"], quizzes["fellow"], now=CLOSES - timedelta(hours=1))
    assert attempt.deadline == CLOSES
    other = enrol(quizzes["session"], email="late@example.org")
    with pytest.raises(Conflict) as refused:
        attempts.start(quizzes["quiz"], other, now=CLOSES + timedelta(minutes=1))
    assert "closed" in refused.value.message


def test_the_quiz_page_says_until_when_and_that_it_closed(app, client):
    from ..builders import committed
    from ..conftest import login

    with committed(app):
        quiz = create_quiz(slug="dunes", title="Dune ecology")
        session = create_session(courses=["dunes"])
        enrol(session, email="fellow@example.org")
        soon = datetime.now(UTC) + timedelta(days=3)
        event = create_event(session, kind="deadline", hours=0, starts_at=soon, quiz=quiz.id)
        quiz_id, event_id = quiz.id, event.id
    login(client, "fellow@example.org")
    page = client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "Open until" in page and "Start an attempt" in page
    with committed(app):
        schedule.update_event(schedule.event_for(event_id, create_user(roles="admin"), "plan"),
                              {"starts_at": datetime.now(UTC) - timedelta(hours=1)})
    page = client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "This quiz closed on" in page and "Start an attempt" not in page
