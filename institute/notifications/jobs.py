"""Delivery in the background worker, when ``REDIS_URL`` is set.

Once a request's transaction has committed, ``request_delivery`` queues one
delivery job on ``QUEUE``, which the one background worker (``flask --app
institute certificates worker``) takes before any certificate job. A key in
Redis stands for "a job is waiting": while it exists no second job is queued,
and the job removes it before it looks at the outbox, so a message committed
later queues a job of its own. Queueing never fails a request: a Redis that is
down or slow (``TIMEOUT``) is logged, and the message waits in
the outbox for the next job, ``notifications send`` from cron, or the loop.
After its pass the job schedules the next one for when the earliest retry is
due (the worker runs RQ's scheduler).
"""

import logging
import math
from datetime import UTC, datetime, timedelta

from flask import current_app
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.exceptions import DuplicateJobError

from ..database import utcnow
from . import delivery

QUEUE = "notifications"
WAITING = "gdi:notifications:job-waiting"
WAITING_TTL = 300  # should the job be lost, the next message queues another after this
TIMEOUT = 0.25  # seconds a request may wait for each step with Redis (it answers in a millisecond)
JOB_TIMEOUT = 3600
RETRY_NOT_BEFORE = timedelta(seconds=5)  # a server that drops connections is not hammered

logger = logging.getLogger(__name__)


def _redis() -> Redis:
    """One client (and connection pool) per process and URL; short timeouts and no retries,
    so that a Redis that is away costs a request at most a moment."""
    url = current_app.config["REDIS_URL"]
    clients = current_app.extensions.setdefault("institute.notifications.redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT,
                                      retry=Retry(NoBackoff(), 0))
    return clients[url]


def request_delivery() -> None:
    """Ask the worker to deliver the outbox; runs after commit and never raises."""
    config = current_app.config
    if not config.get("REDIS_URL") or not config.get("MAIL_SERVER"):
        return  # the loop or cron delivers; without a server the outbox only records
    try:
        connection = _redis()
        if connection.set(WAITING, "1", nx=True, ex=WAITING_TTL):
            try:
                Queue(QUEUE, connection=connection).enqueue_call(
                    deliver, timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=86400)
            except BaseException:
                connection.delete(WAITING)
                raise
    except Exception:
        logger.warning("Could not queue mail delivery; the message waits in the outbox for the next "
                       "delivery job or `notifications send`.", exc_info=True)


def deliver() -> tuple[int, int, int]:
    """The job: one delivery pass, then a job for when the next retry is due."""
    connection = _redis()
    connection.delete(WAITING)  # from now on a committed message queues a job of its own
    outcome = delivery.deliver_due()
    if current_app.config.get("MAIL_SERVER"):  # else nothing is ever sent: no retry to wait for
        schedule_retry()
    return outcome.sent, outcome.failed, outcome.given_up


def schedule_retry() -> None:
    """Queue a delivery for when the earliest message left is due; one per moment."""
    due = delivery.next_due()
    if due is None:
        return
    # Whole seconds, rounded up: RQ's scheduler counts in seconds, and a pass that came
    # early would find nothing due.
    second = math.ceil(max(due, utcnow() + RETRY_NOT_BEFORE).timestamp())
    try:
        Queue(QUEUE, connection=_redis()).enqueue_at(
            datetime.fromtimestamp(second, UTC), deliver, job_id=f"gdi-notifications-retry-{second}", unique=True,
            job_timeout=JOB_TIMEOUT, result_ttl=0, failure_ttl=86400)
    except DuplicateJobError:
        pass  # another pass scheduled this moment already
