"""Writes that must outlive a refusal are committed: a save after the time is up submits
the attempt (with what was saved in time) and is then refused with 409. Shown with
real commits, on each database."""

from datetime import timedelta

from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.database import transaction, utcnow
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.models import Attempt

from ..builders import course_files, enrol_in_course
from ..conftest import bearer, login
from ..training.test_concurrency import committed_app  # noqa: F401 - the fixture


def expired_attempt(app) -> tuple[int, str]:
    """An attempt of a 10-minute quiz started two hours ago, one answer saved in time."""
    with app.app_context(), transaction():
        files = course_files(quiz=False, extra_front="quizzes:\n  - file: quiz.gift\n    title: Timed\n"
                                                     "    time_limit_minutes: 10\n")
        files["quiz.gift"] = b"::TF::Sand moves.{T}\n\n::TF2::Dunes stand still.{F}\n"
        quiz = import_bundle(Bundle("timed", files), None, publish=True).revision.quizzes[0]
        fellow = enrol_in_course(quiz)
        started = utcnow() - timedelta(hours=2)
        attempt, _ = attempts.start(quiz, fellow, now=started)
        attempts.save(attempt, fellow, {"0": True}, now=started + timedelta(minutes=5))
        return attempt.id, fellow.email


def submitted(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        db.session.expunge(attempt)
        return attempt


def test_a_late_api_save_is_refused_and_the_attempt_stays_submitted(committed_app):  # noqa: F811
    attempt_id, email = expired_attempt(committed_app)
    client = committed_app.test_client()
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=bearer(client, email),
                          json={"answers": {"1": False}})
    assert response.status_code == 409
    assert "time is up" in response.get_json()["error"]["message"]
    attempt = submitted(committed_app, attempt_id)
    assert attempt.submitted_at is not None
    assert attempt.score == 1  # the answer saved in time counts; the late one is not kept
    with committed_app.app_context():
        assert [a.question for a in db.session.get(Attempt, attempt_id).answers] == [0]


def test_a_late_autosave_from_the_page_is_refused_and_the_attempt_stays_submitted(committed_app):  # noqa: F811
    attempt_id, email = expired_attempt(committed_app)
    client = committed_app.test_client()
    login(client, email)
    response = client.post(f"/attempts/{attempt_id}/save", data={"q1": "false"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert submitted(committed_app, attempt_id).submitted_at is not None


def test_other_refusals_still_roll_back(committed_app):  # noqa: F811
    attempt_id, email = expired_attempt(committed_app)
    client = committed_app.test_client()
    headers = bearer(client, email)
    # An unreadable answer in time would be refused with nothing written; here the time is
    # up, so the submission is the only write, and a second late save changes nothing.
    client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=headers, json={"answers": {"1": False}})
    first = submitted(committed_app, attempt_id).submitted_at
    again = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=headers, json={"answers": {"1": False}})
    assert again.status_code == 409
    assert submitted(committed_app, attempt_id).submitted_at == first
