"""Scratch PostgreSQL databases, for the test suite and the benchmarks alike."""

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
