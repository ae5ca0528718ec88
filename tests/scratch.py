"""Scratch PostgreSQL databases, for the test suite and the benchmarks alike."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from institute.config import database_uri


def fresh_postgresql(url: str) -> str:
    """Empty the database's schema ``public``, whatever an earlier run left in it, and
    return the URL in the form the app uses. Give only a scratch database."""
    url = database_uri(url, "")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@contextmanager
def new_postgresql_database(url: str, prefix: str) -> Iterator[str]:
    """A database of its own beside ``url``'s, for tests of committed, concurrent
    transactions; dropped afterwards. Yields its URL."""
    base = sa.engine.make_url(database_uri(url, ""))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
