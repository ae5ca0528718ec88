"""Accepting never exceeds the seat limit, even when many admins accept at once.

These tests need real, committed transactions on separate connections, so they
run on a database of their own (a SQLite file; a PostgreSQL database created
for the test and dropped after), not inside the rolled-back test transaction.
"""

import os
import threading
import time
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from institute.accounts.models import User
from institute.database import transaction
from institute.errors import Conflict
from institute.extensions import db
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
            url = f"sqlite:///{tmp_path / 'concurrency.sqlite'}"
        else:
            url = stack.enter_context(new_postgresql_database(os.environ["TEST_DATABASE_URL"], "gdi_concurrency"))
        yield stack.enter_context(migrated_app(url, tmp_path))


def test_twenty_concurrent_accepts_against_fifteen_seats(committed_app, monkeypatch):
    app = committed_app
    count = training.accepted_count

    def slow_count(session):
        # Widen the gap between counting seats and taking one, so that without the
        # lock the threads would overbook; with it they wait their turn.
        seats = count(session)
        time.sleep(0.02)
        return seats

    monkeypatch.setattr(training, "accepted_count", slow_count)
    with app.app_context(), transaction():
        admin = create_user(roles="admin")
        session = create_session(seats=15)
        ids = [create_application(session).id for _ in range(20)]
        admin_id, session_id = admin.id, session.id

    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(application_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    admin = db.session.get(User, admin_id)
                    training.decide(training.get_application(application_id), "accept", admin)
                result = "accepted"
            except Conflict:
                result = "full"
            except Exception as exc:  # noqa: BLE001 - reported below, the test fails on it
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted"] * 15 + ["full"] * 5, outcomes
    with app.app_context():
        accepted = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
            Application.session_id == session_id, Application.status == "accepted"))
    assert accepted == 15
