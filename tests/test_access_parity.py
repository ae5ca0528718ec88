"""Each resource is loaded for an actor by one service function, so the web page, the API
and (where one reaches the resource) the CLI refuse the same people in the same words.

Sessions: the cohort, the gradebook and the admin's pages (the CLI: ``training enrol``);
applications: withdrawing; quizzes: taking, statistics and the preview; attempts: reading, answering,
grading. Exchanges, certificates and course revisions: tests/<domain>/test_access_parity.py.
"""

import html

import pytest

from institute.extensions import db
from institute.training import services as training

from .builders import MOTIVATION, create_quiz, create_session, create_user
from .conftest import bearer, login

ACTORS = ("fellow", "outsider", "other-teacher", "partner")


@pytest.fixture
def year(app, tmp_path):
    """A session with a quiz course, its teacher, an enrolled fellow with an attempt and
    an application; people with no part in it."""
    with app.app_context():
        quiz = create_quiz()
        course = quiz.revision.course
        create_user(email="teacher@example.org", roles="instructor")
        admin = create_user(email="admin@example.org", roles="admin")
        session = create_session(courses=[course.slug], instructors=["teacher@example.org"])
        fellow = create_user(email="fellow@example.org")
        application = training.apply(session, fellow, MOTIVATION)
        training.decide(application, "accept", admin)
        create_user(email="outsider@example.org")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_user(email="partner@example.org", roles="partner", partner="GDI")
        db.session.commit()
        ids = {"session": session.id, "quiz": quiz.id, "application": application.id}
    client = app.test_client()
    started = client.post(f"/api/v1/quizzes/{ids['quiz']}/attempts", headers=bearer(client, "fellow@example.org"))
    ids["attempt"] = started.get_json()["id"]
    csv_file = tmp_path / "fellows.csv"
    csv_file.write_text("email,name,country,partner\nnew@example.org,New Fellow,KG,\n")
    ids["csv"] = str(csv_file)
    return ids


def api_refusal(client, email: str, method: str, url: str, kwargs=None) -> tuple[int, str]:
    kwargs = kwargs or {}
    response = client.open(url, method=method, headers=bearer(client, email), **kwargs)
    return response.status_code, response.get_json()["error"]["message"]


def page_refusal(app, email: str, method: str, url: str, kwargs=None) -> tuple[int, str]:
    kwargs = kwargs or {}
    client = app.test_client()
    login(client, email)
    response = client.open(url, method=method, **kwargs)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def assert_same(app, client, email, page: tuple, api: tuple):
    page_status, page_text = page_refusal(app, email, *page)
    api_status, api_message = api_refusal(client, email, *api)
    assert page_status == api_status and api_status in (403, 404), (email, page, api_status, api_message)
    assert api_message in page_text, (email, page, api_message)
    return api_status, api_message


@pytest.mark.parametrize("who", ACTORS)
def test_a_sessions_cohort_and_gradebook(app, client, year, who):
    email = f"{who}@example.org"
    session = year["session"]
    for what in ("cohort", "gradebook"):
        status, message = assert_same(app, client, email, ("GET", f"/sessions/{session}/{what}"),
                                      ("GET", f"/api/v1/sessions/{session}/{what}"))
        assert status == 403 and what in message


@pytest.mark.parametrize("who", ACTORS + ("teacher",))
def test_managing_a_session(app, client, runner, year, who):
    email = f"{who}@example.org"
    session = year["session"]
    status, message = assert_same(app, client, email, ("GET", f"/admin/sessions/{session}/enrol"),
                                  ("POST", f"/api/v1/sessions/{session}/enrolments",
                                   {"data": b"email,name\n", "content_type": "text/csv"}))
    assert status == 403
    result = runner.invoke(args=["training", "enrol", str(session), year["csv"], "--admin", email])
    assert result.exit_code != 0 and message in result.output


def test_an_unknown_session_reads_the_same_everywhere(app, client, runner, year):
    status, message = assert_same(app, client, "teacher@example.org", ("GET", "/sessions/999999/cohort"),
                                  ("GET", "/api/v1/sessions/999999/cohort"))
    assert status == 404
    result = runner.invoke(args=["training", "enrol", "999999", year["csv"], "--admin", "admin@example.org"])
    assert result.exit_code != 0 and message in result.output


@pytest.mark.parametrize("who", ("outsider", "teacher", "partner"))
def test_withdrawing_someone_elses_application(app, client, year, who):
    application = year["application"]
    roles_reach = who == "outsider"  # fellows reach the withdraw route; others stop at its role
    status, message = assert_same(app, client, f"{who}@example.org",
                                  ("POST", f"/applications/{application}/withdraw"),
                                  ("POST", f"/api/v1/applications/{application}/withdraw"))
    assert status == 403
    assert ("Only the applicant" in message) == roles_reach


@pytest.mark.parametrize("who", ("outsider", "teacher", "other-teacher", "partner"))
def test_taking_a_quiz(app, client, year, who):
    quiz = year["quiz"]
    status, _message = assert_same(app, client, f"{who}@example.org", ("POST", f"/quizzes/{quiz}/start"),
                                   ("POST", f"/api/v1/quizzes/{quiz}/attempts"))
    assert status == 403


@pytest.mark.parametrize("who", ("fellow", "outsider", "other-teacher"))
def test_previewing_a_quiz(app, client, year, who):
    """The course's institution (GDI: partner@example.org) and its teachers preview it; no one else."""
    quiz = year["quiz"]
    status, message = assert_same(app, client, f"{who}@example.org", ("GET", f"/quizzes/{quiz}/preview"),
                                  ("GET", f"/api/v1/quizzes/{quiz}/preview"))
    assert status == 403 and "preview its quizzes" in message


@pytest.mark.parametrize("who", ("outsider", "other-teacher", "partner"))
def test_reading_answering_and_grading_an_attempt(app, client, year, who):
    email = f"{who}@example.org"
    attempt = year["attempt"]
    assert_same(app, client, email, ("GET", f"/attempts/{attempt}"), ("GET", f"/api/v1/attempts/{attempt}"))
    assert_same(app, client, email, ("POST", f"/attempts/{attempt}/submit"),
                ("POST", f"/api/v1/attempts/{attempt}/submit"))
    status, message = assert_same(app, client, email, ("POST", f"/attempts/{attempt}/questions/3/grade",
                                                       {"data": {"points": "1"}}),
                                  ("POST", f"/api/v1/attempts/{attempt}/grades",
                                   {"json": {"question": 3, "points": 1}}))
    assert status == 403


def test_the_teacher_reads_and_grades_but_does_not_answer(app, client, year):
    attempt = year["attempt"]
    teacher = bearer(client, "teacher@example.org")
    assert client.get(f"/api/v1/attempts/{attempt}", headers=teacher).status_code == 200
    assert_same(app, client, "teacher@example.org", ("POST", f"/attempts/{attempt}/submit"),
                ("POST", f"/api/v1/attempts/{attempt}/submit"))
