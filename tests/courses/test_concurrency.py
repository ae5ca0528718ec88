"""Uploads that add the same new file at the same moment all succeed on PostgreSQL.

Files are stored once by content hash, so twenty uploads of different courses
sharing one new asset race to insert the same blob. This needs real, committed
transactions on separate connections, on a PostgreSQL database created for the
test and dropped after (SQLite writes one at a time, so it has no such race).
"""

import os
import threading

import pytest
import sqlalchemy as sa

from institute.accounts.models import User
from institute.courses import services
from institute.courses.bundle import Bundle
from institute.courses.models import CourseBlob, RevisionFile
from institute.database import transaction
from institute.extensions import db

from ..builders import course_files, create_user
from ..conftest import migrated_app
from ..scratch import new_postgresql_database

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="needs PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture
def committed_app(tmp_path):
    with new_postgresql_database(os.environ["TEST_DATABASE_URL"], "gdi_blobs") as url, \
            migrated_app(url, tmp_path) as app:
        yield app


def test_twenty_uploads_sharing_a_new_asset_all_succeed(committed_app):
    app = committed_app
    asset = os.urandom(4096)  # new to the library: no upload finds it stored
    with app.app_context(), transaction():
        admin_id = create_user(roles="admin").id

    count = 20
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def upload(number: int) -> None:
        files = {**course_files(slug_title=f"Course {number}"), "images/shared.png": asset}
        with app.app_context():
            barrier.wait()
            try:
                with transaction():
                    services.upload(Bundle(f"course-{number}", files), db.session.get(User, admin_id))
                result = "uploaded"
            except Exception as exc:  # noqa: BLE001 - reported below, the test fails on it
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == ["uploaded"] * count, outcomes
    with app.app_context():
        sha = db.session.scalar(sa.select(RevisionFile.blob_sha256)
                                .where(RevisionFile.path == "images/shared.png").limit(1))
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(CourseBlob)
                                   .where(CourseBlob.sha256 == sha))
        shared = db.session.scalar(sa.select(sa.func.count()).select_from(RevisionFile)
                                   .where(RevisionFile.blob_sha256 == sha))
    assert (stored, shared) == (1, count)
