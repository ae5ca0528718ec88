"""database.read: one statement on a driver connection, outside any transaction."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from institute import create_app
from institute.accounts.logins import start_login
from institute.accounts.models import User
from institute.accounts.session_user import load_session_user
from institute.database import read, reads_seen_by
from institute.extensions import db

from .builders import create_user
from .conftest import TEST_CONFIG


def _straight_to_the_driver(app):
    """Undo the test fixture's redirection of ``read`` to the test's own connection."""
    return app.extensions.pop("institute.read_connection")


def test_parameters_literals_and_listeners_on_each_backend(app):
    statement = sa.select(
        (sa.bindparam("a", type_=sa.Integer) + sa.bindparam("b", type_=sa.Integer)).label("sum"),
        sa.bindparam("text", type_=sa.String), sa.literal(7, sa.Integer))
    shared = _straight_to_the_driver(app)
    seen = []
    try:
        with app.app_context(), reads_seen_by(seen.append):
            assert read(statement, {"a": 2, "b": 3, "text": "sable"}) == [(5, "sable", 7)]
            assert read(statement, {"a": 1, "b": 1, "text": "dune"}) == [(2, "dune", 7)]
    finally:
        app.extensions["institute.read_connection"] = shared
    assert len(seen) == 2 and seen[0].lstrip().upper().startswith("SELECT")


def test_a_failed_read_changes_nothing_and_the_next_one_works(app):
    shared = _straight_to_the_driver(app)
    broken = sa.select(sa.column("nothing")).select_from(sa.table("no_such_table"))
    one = sa.select(sa.bindparam("n", type_=sa.Integer))
    try:
        with app.app_context():
            with pytest.raises(db.engine.dialect.loaded_dbapi.Error):  # the driver's own
                read(broken)
            assert [read(one, {"n": n}) for n in (1, 2)] == [[(1,)], [(2,)]]
    finally:
        app.extensions["institute.read_connection"] = shared


def test_read_stays_outside_the_request_transaction(app):
    shared = _straight_to_the_driver(app)
    count = sa.select(sa.func.count()).select_from(User).where(
        User.email == sa.bindparam("email"))
    try:
        with app.test_request_context():
            create_user(email="uncommitted@example.org")
            db.session.flush()  # written in the request's transaction, not committed
            assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
                User.email == "uncommitted@example.org")) == 1
            assert read(count, {"email": "uncommitted@example.org"}) == [(0,)]
            db.session.rollback()
    finally:
        app.extensions["institute.read_connection"] = shared


def test_committed_rows_through_the_driver(tmp_path):
    """A separate app on its own SQLite file, with no test redirection at all."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'read.sqlite'}"},
                     instance_path=str(tmp_path / "instance"))
    try:
        with app.app_context():
            upgrade()
            made = create_user(email="reader@example.org", name="Reader",
                               roles=("partner", "instructor"), partner="GDI")
            db.session.commit()
            made_id, version = made.id, made.session_version
            session_id = start_login(made)
            db.session.commit()
        assert "institute.read_connection" not in app.extensions
        with app.test_request_context():
            user = load_session_user(session_id)
            assert (user.name, user.roles, user.active) == (
                "Reader", {"partner", "instructor"}, True)
            assert user.active is True  # SQLite's 1, made a boolean
            assert load_session_user(session_id.replace(f"{made_id}:{version}:", f"{made_id}:{version + 1}:")) is None
    finally:
        with app.app_context():
            db.engine.dispose()
