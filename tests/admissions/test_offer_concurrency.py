"""Declining offers while admins accept never gives more seats than the session has,
and the freed seat is given to the waiting list once: decline locks the session's row
and reads again after the lock, as accepting does. Real, committed transactions on
separate connections (a SQLite file; a PostgreSQL database of its own with
TEST_DATABASE_URL), as in tests/training/test_concurrency.py."""

import os
import threading
import time
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from institute.accounts.models import User
from institute.admissions import offers
from institute.database import transaction
from institute.errors import Conflict
from institute.extensions import db
from institute.notifications.models import OutboxMessage
from institute.training import services as training
from institute.training.models import Application

from ..builders import create_application, create_session, create_user
from ..conftest import migrated_app
from ..scratch import new_postgresql_database

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def committed_app(request, tmp_path):
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'offers.sqlite'}"
        else:
            url = stack.enter_context(new_postgresql_database(os.environ["TEST_DATABASE_URL"], "gdi_offers"))
        yield stack.enter_context(migrated_app(url, tmp_path))


SEATS = 3


@pytest.mark.parametrize("decliners", [1, 2])
def test_two_admins_accept_while_fellows_decline(committed_app, monkeypatch, decliners):
    app = committed_app
    count = training.accepted_count

    def slow_count(session):
        # Widen the gap between counting and writing: without the lock the threads
        # would overbook, or promote twice.
        found = count(session)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(training, "accepted_count", slow_count)
    with app.app_context(), transaction():
        admins = [create_user(roles="admin").id for _ in range(2)]
        session = create_session(seats=SEATS)
        offered_ids = [create_application(session, status="offered").id for _ in range(decliners)]
        for _ in range(SEATS - decliners - 1):
            create_application(session, status="accepted")
        first_waiting = create_application(session, create_user(email="w1@example.org"), "waitlisted")
        second_waiting = create_application(session, create_user(email="w2@example.org"), "waitlisted")
        candidates = [create_application(session).id for _ in range(2)]
        session_id = session.id
        waiting_ids = first_waiting.id, second_waiting.id
    # One seat is free: both admins try to take it while the fellows free theirs.

    barrier = threading.Barrier(2 + decliners)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(work) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    result = work()
            except Conflict:
                result = "full"
            except Exception as exc:  # noqa: BLE001 - reported below, the test fails on it
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)

    def accept(admin_id: int, application_id: int):
        def work():
            training.decide(training.get_application(application_id), "accept", db.session.get(User, admin_id))
            return "accepted"
        return work

    def decline(application_id: int):
        def work():
            application = training.get_application(application_id)
            offers.decline(application, application.user)
            return "declined"
        return work

    threads = [threading.Thread(target=run, args=(accept(admin, candidate),))
               for admin, candidate in zip(admins, candidates, strict=True)]
    threads += [threading.Thread(target=run, args=(decline(i),)) for i in offered_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Whatever the order: one admin gets the free seat, the other finds the session
    # full, and each declined seat goes to the oldest waitlisted then, once: with two
    # decliners, to both waitlisted (without the lock both would promote the first).
    assert sorted(outcomes) == ["accepted"] + ["declined"] * decliners + ["full"], outcomes
    with app.app_context():
        statuses = {row.id: row.status for row in db.session.execute(
            sa.select(Application.id, Application.status).where(Application.session_id == session_id))}
        assert list(statuses.values()).count("accepted") == SEATS
        assert all(statuses[i] == "declined" for i in offered_ids)
        assert statuses[waiting_ids[0]] == "accepted"
        assert statuses[waiting_ids[1]] == ("accepted" if decliners == 2 else "waitlisted")
        assert db.session.get(Application, waiting_ids[0]).offer_expires_at is not None
        promoted = list(db.session.scalars(sa.select(OutboxMessage.recipient).where(
            OutboxMessage.kind == "application-promoted").order_by(OutboxMessage.recipient)))
        assert promoted == ["w1@example.org", "w2@example.org"][:decliners]
