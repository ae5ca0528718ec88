"""Issuing twice at once gives nobody a second certificate, and serials stay gap-free."""

import threading

import sqlalchemy as sa

from institute.certificates import services as certificates
from institute.certificates.models import Certificate
from institute.database import transaction
from institute.errors import Conflict
from institute.extensions import db
from institute.training import services as training

from ..builders import complete_modules, create_course, create_session, enrol_cohort
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
