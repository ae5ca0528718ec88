"""Issuing a large session's certificates in the background: RQ on Redis.

With ``REDIS_URL`` set, the session page queues the work when more than
``CERTIFICATE_BACKGROUND_OVER`` fellows wait for a certificate; a worker
(``flask --app institute certificates worker``) issues them in parts of
``CHUNK``, each part in its own transaction, and records its progress, which
the page shows. Without Redis, or for small sessions, issuing happens in the
request. Issuing is idempotent, so a job that stops half way can be queued
again.
"""

from typing import cast

from flask import current_app
from redis import Redis
from rq import Queue, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from ..accounts.models import User
from ..database import transaction
from ..extensions import db
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


def work(burst: bool = False) -> None:
    """Run a worker in this app (the CLI command calls it)."""
    from rq import Worker

    Worker([Queue(QUEUE, connection=redis())], connection=redis()).work(burst=burst)
