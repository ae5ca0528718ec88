"""With REDIS_URL, a committed message queues one delivery job for the background
worker; a Redis that is down or hangs never fails the request."""

import logging
import socket
from datetime import timedelta

import pytest
import rq
from rq import Queue, SimpleWorker
from rq.registry import ScheduledJobRegistry

from institute.certificates import jobs as worker
from institute.database import utcnow
from institute.extensions import db
from institute.notifications import jobs
from institute.notifications.delivery import deliver_due, next_due
from institute.notifications.services import notify

from ..builders import MOTIVATION, create_session, create_user
from ..conftest import bearer, login
from .conftest import free_port, timed

APPLY = {"motivation": MOTIVATION, "passport_name": "Test Fellow"}


@pytest.fixture
def session_id(app):
    with app.app_context():
        session_id = create_session().id
        db.session.commit()
        return session_id


def apply(app, client, session_id: int, email: str):
    with app.app_context():
        create_user(email=email)
        db.session.commit()
    return client.post(f"/api/v1/sessions/{session_id}/applications", headers=bearer(client, email),
                       json=APPLY)


def run_worker(app, connection, max_jobs=None):
    with app.app_context():
        SimpleWorker(worker.queues(connection), connection=connection).work(burst=True, max_jobs=max_jobs)


def test_requests_queue_one_job_that_the_worker_delivers(app, client, session_id, redis_url, smtp):
    assert apply(app, client, session_id, "a@example.org").status_code == 201
    assert apply(app, client, session_id, "b@example.org").status_code == 201
    queue = Queue(jobs.QUEUE, connection=redis_url)
    assert queue.count == 1  # one job waits for both
    assert smtp.messages == []
    run_worker(app, redis_url)
    assert sorted(m["To"] for m in smtp.messages) == ["a@example.org", "b@example.org"]
    assert queue.count == 0 and not redis_url.exists(jobs.WAITING)
    assert apply(app, client, session_id, "c@example.org").status_code == 201  # after the job: a new one
    assert queue.count == 1
    run_worker(app, redis_url)
    assert smtp.to("c@example.org")


def test_a_message_committed_while_the_job_runs_gets_a_job_of_its_own(app, ctx, redis_url, smtp, monkeypatch):
    notify("a@example.org", "S", "B")
    db.session.commit()
    jobs.request_delivery()
    pass_ = jobs.delivery.deliver_due

    def busy():
        jobs.request_delivery()  # what after_commit does for a message committed now
        return pass_()

    monkeypatch.setattr(jobs.delivery, "deliver_due", busy)
    run_worker(app, redis_url, max_jobs=1)  # the job removed its mark before it looked at the outbox
    assert Queue(jobs.QUEUE, connection=redis_url).count == 1


def test_without_a_mail_server_nothing_is_queued(app, client, session_id, redis_url):
    assert apply(app, client, session_id, "a@example.org").status_code == 201
    assert Queue(jobs.QUEUE, connection=redis_url).count == 0


def test_failures_schedule_one_job_for_the_next_retry(app, ctx, redis_url, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    notify("a@example.org", "S", "B")
    notify("b@example.org", "S", "B")
    db.session.commit()
    jobs.request_delivery()
    run_worker(app, redis_url)
    registry = ScheduledJobRegistry(jobs.QUEUE, connection=redis_url)
    [job_id] = registry.get_job_ids()
    due = next_due()
    assert due > utcnow() + timedelta(seconds=60)
    assert abs(registry.get_scheduled_time(job_id).timestamp() - due.timestamp()) < 1
    jobs.schedule_retry()  # a second pass wants the same moment: still one job
    assert registry.get_job_ids() == [job_id]
    assert deliver_due() == (0, 0, 0)


def test_a_worker_without_a_mail_server_schedules_nothing(app, ctx, redis_url):
    notify("a@example.org", "S", "B")
    db.session.commit()
    assert jobs.deliver() == (0, 0, 0)
    assert ScheduledJobRegistry(jobs.QUEUE, connection=redis_url).get_job_ids() == []


def test_the_worker_command_serves_mail_before_certificates(app, ctx, redis_url, smtp, monkeypatch):
    assert [q.name for q in worker.queues(redis_url)] == [jobs.QUEUE, worker.QUEUE]
    notify("a@example.org", "S", "B")
    db.session.commit()
    jobs.request_delivery()
    monkeypatch.setattr(rq, "Worker", SimpleWorker)  # in this process, on the test's database
    worker.work(burst=True)
    assert smtp.to("a@example.org")


@pytest.fixture
def black_hole_redis():
    """A Redis that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.parametrize("redis", ["refused", "hanging"])
def test_a_redis_that_fails_never_fails_the_request(app, client, session_id, smtp, monkeypatch, caplog, redis,
                                                   black_hole_redis):
    url = f"redis://127.0.0.1:{free_port()}/0" if redis == "refused" else black_hole_redis
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    with app.app_context():
        create_user(email="fellow@example.org")
        db.session.commit()
    login(client, "fellow@example.org")
    with caplog.at_level(logging.WARNING, logger=jobs.__name__):
        response, seconds = timed(lambda: client.post(f"/sessions/{session_id}/apply",
                                                      data=APPLY))
    assert response.status_code == 302
    assert seconds < 1, seconds
    assert "Could not queue mail delivery" in caplog.text
    result = app.test_cli_runner().invoke(args=["notifications", "send"])  # cron picks it up
    assert "Sent 1, failed 0." in result.output
    assert smtp.to("fellow@example.org")
