"""Issuing a session's certificates from a request: in it, or in the background on RQ.

With ``REDIS_URL`` set, a request (the session page or the API) queues the work
when more than ``CERTIFICATE_BACKGROUND_OVER`` fellows wait for a certificate;
a worker (``flask --app institute certificates worker``) issues them in parts of
``CHUNK``, each part in its own transaction, and records its progress, which
the page shows. Without Redis, or for small sessions, issuing happens in the
request. :func:`issue_for_session` is that one decision. Issuing is idempotent,
so a job that stops half way can be queued again. The command line always
issues in its own process (``services.issue_session``). The same worker delivers
mail (``notifications/jobs.py``).
"""

from dataclasses import dataclass
from typing import cast

from flask import current_app
from redis import Redis
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from ..accounts.models import User
from ..database import transaction
from ..extensions import db
from ..notifications.jobs import QUEUE as MAIL_QUEUE
from ..training.models import TrainingSession
from ..training.services import get_session
from . import services

QUEUE = "certificates"
CHUNK = 25


def redis() -> Redis:
    return Redis.from_url(current_app.config["REDIS_URL"])


def _key(session_id: int) -> str:
    return f"gdi:certificates:session:{session_id}:job"


def waiting(session: TrainingSession) -> int:
    eligible, _ineligible = services.eligibility(session)
    issued = {c.user_id for c in services.of_session(session)}
    return sum(1 for fellow in eligible if fellow.user.id not in issued)


def start(session: TrainingSession, admin: User | None) -> str | None:
    """Queue the session's issuing and return the job id; None: issue it now, in-process."""
    if not current_app.config.get("REDIS_URL"):
        return None
    total = waiting(session)
    if total <= current_app.config["CERTIFICATE_BACKGROUND_OVER"]:
        return None
    connection = redis()
    job = Queue(QUEUE, connection=connection).enqueue_call(
        issue_in_parts, args=(session.id, admin.id if admin else None), timeout=3600, result_ttl=86400,
        meta={"done": 0, "total": total, "session": session.id})
    connection.set(_key(session.id), job.id, ex=86400)
    return job.id


@dataclass
class Issuing:
    """What a request's issuing did: issued now (``result``), or queued (``job``, its
    progress as :func:`progress` gives it, with the job's ``id``)."""

    result: services.IssueResult | None = None
    job: dict | None = None


def issue_for_session(session: TrainingSession, admin: User) -> Issuing:
    """Issue the session's certificates in this request, or queue them for a worker when
    Redis is configured and many fellows wait: what the page and the API both do."""
    job_id = start(session, admin)
    if job_id is not None:
        return Issuing(job={"id": job_id, **(progress(session) or {})})
    return Issuing(result=services.issue_session(session, admin))


def issue_in_parts(session_id: int, admin_id: int | None) -> int:
    """The job: issue ``CHUNK`` certificates at a time until none is left; returns how many."""
    job = get_current_job()
    done = 0
    while True:
        with transaction():
            admin = db.session.get(User, admin_id) if admin_id else None
            result = services.issue_session(get_session(session_id), admin, limit=CHUNK)
        if not result.issued:
            return done
        done += len(result.issued)
        if job is not None:
            job.meta["done"] = done
            job.save_meta()


def progress(session: TrainingSession) -> dict | None:
    """The state of the session's last background issuing, while Redis remembers it."""
    if not current_app.config.get("REDIS_URL"):
        return None
    connection = redis()
    job_id = cast(bytes | None, connection.get(_key(session.id)))  # bytes: no decode_responses
    if job_id is None:
        return None
    try:
        job = Job.fetch(job_id.decode(), connection=connection)
    except NoSuchJobError:
        return None
    return {"status": job.get_status(refresh=True).value, "done": job.meta.get("done", 0),
            "total": job.meta.get("total", 0)}


def queues(connection: Redis) -> list[Queue]:
    """What the one background worker serves, in order: mail first, its jobs are short."""
    return [Queue(name, connection=connection) for name in (MAIL_QUEUE, QUEUE)]


def work(burst: bool = False) -> None:
    """Run the background worker in this app (the CLI command calls it): mail and certificates.

    RQ's scheduler runs beside it, for the mail retries the delivery job schedules."""
    from rq import Worker

    connection = redis()
    Worker(queues(connection), connection=connection).work(burst=burst, with_scheduler=True)
