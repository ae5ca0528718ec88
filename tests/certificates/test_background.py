"""Background issuing with RQ on a real Redis, and the progress the admin sees."""

import pytest
import redis as redis_client
from rq import Queue, SimpleWorker

from institute.certificates import jobs
from institute.certificates import services as certificates
from institute.extensions import db

REDIS = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by the test


@pytest.fixture
def redis_url(app, monkeypatch):
    connection = redis_client.Redis.from_url(REDIS)
    try:
        connection.ping()
    except redis_client.exceptions.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setitem(app.config, "CERTIFICATE_BACKGROUND_OVER", 2)
    monkeypatch.setattr(jobs, "CHUNK", 3)
    yield connection
    connection.flushdb()


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
