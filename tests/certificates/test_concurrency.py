"""Issuing twice at once gives nobody a second certificate, and serials stay gap-free; two
revocations at once both reach the status list."""

import threading

import sqlalchemy as sa

from institute.accounts.models import User
from institute.certificates import services as certificates
from institute.certificates.models import Certificate
from institute.database import transaction
from institute.errors import Conflict
from institute.extensions import db
from institute.training import services as training

from ..builders import complete_modules, create_course, create_session, create_user, enrol_cohort
from ..training.test_concurrency import committed_app  # noqa: F401 - the fixture


def test_issuing_twice_at_once(committed_app):  # noqa: F811
    app = committed_app
    with app.app_context(), transaction():
        course = create_course(slug="short", quiz=False).course
        session = create_session(courses=[course])
        for fellow in enrol_cohort(session, 4):
            complete_modules(fellow, course)
        session_id = session.id

    barrier = threading.Barrier(2)
    outcomes = []

    def issue():
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    result = certificates.issue_session(training.get_session(session_id), None, processes=1)
                outcomes.append(len(result.issued))
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with app.app_context():
        serials = sorted(db.session.scalars(sa.select(Certificate.serial)))
    assert serials == [f"GDI-2026-1-{n:04d}" for n in range(1, 5)], (serials, outcomes)
    assert sorted(map(str, outcomes)) in (["0", "4"], ["4", "conflict"])


def test_two_revocations_at_once_both_reach_the_status_list(committed_app, monkeypatch):  # noqa: F811
    """Each revocation signs the list again from the certificates: the list row is locked, so
    the second sees the first's revocation and neither bit is lost."""
    import time

    from institute.certificates import status_list

    app = committed_app
    read_bits = status_list._revoked_bits

    def slow_read(number):
        # Widen the gap between reading the revoked bits and committing the list: without
        # the lock each revocation would publish a list without the other's bit.
        bits = read_bits(number)
        time.sleep(0.2)
        return bits

    with app.app_context(), transaction():
        course = create_course(slug="short", quiz=False).course
        session = create_session(courses=[course])
        for fellow in enrol_cohort(session, 3):
            complete_modules(fellow, course)
        every = [c.serial for c in certificates.issue_session(session, None, processes=1).issued]
        serials = every[:2]
        status_list.published(1, certificates.base_url())  # the list exists: only its lock orders them
        admin_id = create_user(email="admin2@example.org", roles="admin").id
    monkeypatch.setattr(status_list, "_revoked_bits", slow_read)
    barrier = threading.Barrier(2)
    errors = []

    def revoke(serial):
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    certificates.revoke(certificates.get(serial), db.session.get(User, admin_id), "Issued in error")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=revoke, args=(serial,)) for serial in serials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        listed = status_list.published(1, certificates.base_url())["credentialSubject"]["encodedList"]
        revoked = [status_list.is_set(listed, status_list.position(c.status_index)[1])
                   for c in map(certificates.get, every)]
    assert revoked == [True, True, False]
