"""Fixtures: an app per database backend, a clean database per test, clients and logins.

The database is made once per backend by running the migrations; each test runs
inside a transaction that is rolled back, so tests never see each other's data.
The whole suite runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

import os
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session

from institute import create_app, page_cache
from institute.extensions import db, limiter

from .builders import PASSWORD, create_user
from .scratch import fresh_postgresql


class ConnectionSession(Session):
    """Flask-SQLAlchemy's session picks an engine per model; in tests, use our connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,  # tests/accounts/test_security.py turns it back on
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_SERVER": None,
}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite")
    return fresh_postgresql(os.environ["TEST_DATABASE_URL"])


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _isolated(request):
    """Every test that touches the app gets a clean database and fresh rate limits."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # Each app context (the test's, each request's) gets its own session on this
        # connection; their commits only release SAVEPOINTs inside the outer transaction.
        db.session = db._make_scoped_session(
            {"bind": connection, "class_": ConnectionSession,
             "join_transaction_mode": "create_savepoint", "expire_on_commit": False}
        )
    app.extensions["institute.read_connection"] = connection  # database.read, too
    limiter.reset()
    page_cache.clear()  # the generation rolls back with each test: forget what was kept
    try:
        yield
    finally:
        app.extensions.pop("institute.read_connection", None)
        with app.app_context():
            db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@contextmanager
def migrated_app(url: str, instance_path):
    """An app of its own on the database at ``url``, migrated; for tests whose threads
    commit on connections of their own (no rolled-back transaction to share)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url}, instance_path=str(instance_path))
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def computed_pages(app, monkeypatch):
    """Every page computed, none kept (institute/page_cache.py): for tests that count what
    computing a page costs."""
    monkeypatch.setitem(app.config, "KEPT_PAGES", False)


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create and commit a user outside any request; returns the (detached) user."""

    def make(**kwargs):
        with app.app_context():
            user = create_user(**kwargs)
            db.session.commit()
            return user

    return make


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def bearer(client, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


class _Inbox:
    """What a real local SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def start_smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port: (inbox, controller)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server set as the app's MAIL_SERVER for one test."""
    inbox, controller = start_smtp_server()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", inbox.port)
    yield inbox
    controller.stop()


@contextmanager
def real_redis(app, monkeypatch, url: str):
    """The real Redis at ``url`` (a database number of the test module's own), emptied
    before and after, set as the app's REDIS_URL."""
    import redis

    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    try:
        yield connection
    finally:
        connection.flushdb()


def page_words(html: str) -> str:
    """A page's text as a reader reads it: tags dropped, whitespace made single spaces."""
    import re
    from html import unescape
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
