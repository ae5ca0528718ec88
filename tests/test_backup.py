"""Backup and restore as docs/deploying.md says: pg_dump, pg_restore into a fresh
database, the same instance folder — and an issued certificate still verifies."""

import os
import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from institute import create_app
from institute.certificates import services as certificates
from institute.certificates.offline import check_bytes
from institute.certificates.signing import private_key
from institute.config import database_uri
from institute.database import transaction
from institute.extensions import db

from .builders import create_finished_session
from .conftest import TEST_CONFIG

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="backup and restore are shown on PostgreSQL (TEST_DATABASE_URL)")


def test_restore_into_a_fresh_database_and_verify_a_certificate(tmp_path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools are needed"
    base = sa.engine.make_url(database_uri(os.environ["TEST_DATABASE_URL"], ""))
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    names = [f"gdi_backup_{uuid.uuid4().hex[:8]}", f"gdi_restore_{uuid.uuid4().hex[:8]}"]
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    original, restored = (base.set(database=n) for n in names)
    instance = tmp_path / "instance"
    try:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": original.render_as_string(False)},
                         instance_path=str(instance))
        with app.app_context():
            upgrade()
            with transaction():
                data = create_finished_session()
                result = certificates.issue_session(data["session"], data["admin"], processes=1)
            issued = result.issued[2]
            serial, code, pdf = issued.serial, issued.code, issued.pdf
            db.engine.dispose()

        dump = tmp_path / "gdi.dump"
        libpq = {"PGHOST": base.host or "127.0.0.1", "PGPORT": str(base.port or 5432),
                 "PGUSER": base.username or "postgres", **os.environ}
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", names[0]],  # noqa: S603,S607
                       check=True, env=libpq)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={names[1]}", str(dump)],  # noqa: S603,S607
                       check=True, env=libpq)

        again = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": restored.render_as_string(False)},
                           instance_path=str(instance))
        with again.app_context():
            upgrade()  # nothing to do, but a restore of an older dump would be brought up to date
            status = certificates.verification(code)
            assert status["status"] == "valid" and status["serial"] == serial
            assert status["holder"] == "فاطمة الزهراء"
            restored_pdf = certificates.get(serial).pdf
            assert restored_pdf == pdf
            assert check_bytes(restored_pdf, private_key().public_key()).ok
            db.engine.dispose()
        page = again.test_client().get(f"/verify/{code}")
        assert page.status_code == 200 and "Valid." in page.get_data(as_text=True)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
