"""Background issuing with RQ on a real Redis, and the progress the admin sees."""

import pytest
from rq import Queue, SimpleWorker

from institute.certificates import jobs
from institute.certificates import services as certificates
from institute.extensions import db
from institute.training.models import TrainingSession

from ..conftest import bearer, login, real_redis

REDIS = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by the test


@pytest.fixture
def redis_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_BACKGROUND_OVER", 2)
    monkeypatch.setattr(jobs, "CHUNK", 3)
    with real_redis(app, monkeypatch, REDIS) as connection:
        yield connection


def test_large_session_is_issued_by_a_worker_with_progress(finished, redis_url):
    session = finished["session"]
    job_id = jobs.start(session, finished["admin"])
    assert job_id is not None
    assert jobs.progress(session) == {"status": "queued", "done": 0, "total": 4}
    db.session.flush()
    SimpleWorker([Queue(jobs.QUEUE, connection=redis_url)], connection=redis_url).work(burst=True)
    assert jobs.progress(session) == {"status": "finished", "done": 4, "total": 4}
    assert [c.serial for c in certificates.of_session(session)] == [f"GDI-2026-1-{n:04d}" for n in range(1, 5)]


def test_small_sessions_and_no_redis_issue_in_process(finished, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    assert jobs.start(finished["session"], finished["admin"]) is None
    assert jobs.progress(finished["session"]) is None


def test_small_session_stays_in_process_with_redis(finished, redis_url, app, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_BACKGROUND_OVER", 10)
    assert jobs.start(finished["session"], finished["admin"]) is None


def test_the_api_and_the_page_queue_alike(app, finished_web, redis_url):
    """One decision (jobs.issue_for_session) for both: a large session with Redis is queued;
    the API answers 202 with the job, the page says so; nothing is issued in the request."""
    client = app.test_client()
    session_id = finished_web["session_id"]
    queued = client.post(f"/api/v1/sessions/{session_id}/certificates", headers=bearer(client, "admin@example.org"))
    assert queued.status_code == 202
    body = queued.get_json()
    assert body["job"] and (body["status"], body["done"], body["total"]) == ("queued", 0, 4)
    login(client, "admin@example.org")
    page = client.post(f"/admin/sessions/{session_id}/certificates/issue", data={"confirmed": "1"},
                       follow_redirects=True)
    assert "being issued in the background" in page.get_data(as_text=True)
    with app.app_context():
        assert certificates.of_session(db.session.get(TrainingSession, session_id)) == []


def test_the_api_issues_in_the_request_below_the_threshold(app, finished_web, redis_url, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_BACKGROUND_OVER", 10)
    client = app.test_client()
    answer = client.post(f"/api/v1/sessions/{finished_web['session_id']}/certificates",
                         headers=bearer(client, "admin@example.org"))
    assert answer.status_code == 200 and len(answer.get_json()["issued"]) == 4
