"""Shared column types and mixins, engine tuning, and the one place a request commits."""

import json
import re
import weakref
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use institute.database.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def check_in(column: str, values: type[StrEnum], name: str | None = None) -> sa.CheckConstraint:
    """A CHECK that ``column`` holds one of the enumeration's values (or NULL), named
    ``known_<column>`` unless told; the metadata's naming convention prefixes the table.

    The values are written into the SQL, so the database refuses what the code does not
    know; a test compares the migrated constraints with the enumerations."""
    listed = ", ".join("'" + member.value.replace("'", "''") + "'" for member in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name or f"known_{column}", info={"enum": values})


def _tune_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and real transactions for SAVEPOINTs.

    pysqlite opens transactions lazily and on its own terms, which breaks
    SAVEPOINT; we take over emitting BEGIN ourselves. Every transaction begins
    IMMEDIATE: in WAL mode a transaction that has read cannot later take the
    write lock if another wrote meanwhile, so rules such as "never more
    accepted fellows than seats" need the lock from the start. Writers queue
    (busy timeout) instead of failing; PostgreSQL locks rows instead.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read(statement: sa.Executable, params: dict | None = None) -> Sequence[tuple]:
    """Run one statement that only reads, outside any transaction; its rows as tuples.

    For the hottest reads (the logged-in user, the module page), where one statement's
    own snapshot is all the consistency needed. The statement is compiled once and run
    on a pooled driver connection: no BEGIN or COMMIT (on PostgreSQL one round trip
    instead of three), no Core result or ORM objects to build, and the request's own
    transaction, if it has one, is left alone. Parameters and values pass to and from
    the driver as they are, so keep to plain columns (integers, text; booleans come
    back from SQLite as 0 and 1)."""
    params = params or {}
    shared = current_app.extensions.get("institute.read_connection")
    if shared is not None:  # tests: the one connection whose transaction they roll back
        return [tuple(row) for row in shared.execute(statement, params)]
    engine = db.engine
    sql, order, defaults = _compiled(engine.dialect, statement)
    values = tuple(params[name] if name in params else defaults[name] for name in order)
    for listener in _READ_LISTENERS:
        listener(sql)
    connection = engine.raw_connection()
    postgresql = engine.dialect.name == "postgresql"
    try:
        assert connection.driver_connection is not None  # just taken from the pool, not yet closed
        if postgresql:  # pysqlite runs outside transactions already (_tune_sqlite)
            connection.driver_connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute(sql, values)
        rows = cursor.fetchall()
        cursor.close()
        if postgresql:
            connection.driver_connection.autocommit = False
    except BaseException:
        # The driver connection may be broken (a restarted server): never hand it out
        # again. SQLAlchemy's own execution paths do the same on a disconnect.
        connection.invalidate()
        raise
    finally:
        connection.close()  # back to the pool, or away if invalidated
    return rows


_COMPILED: dict = {}
# Called with each statement ``read`` sends to the driver (which SQLAlchemy's
# cursor events do not see): for benchmarks that count a page's statements.
_READ_LISTENERS: list = []


@contextmanager
def reads_seen_by(listener):
    _READ_LISTENERS.append(listener)
    try:
        yield
    finally:
        _READ_LISTENERS.remove(listener)


def _compiled(dialect, statement) -> tuple[str, tuple[str, ...], dict]:
    """The statement's SQL for this dialect, its parameters' names in order, and the
    values of those the statement itself holds (literals)."""
    key = (dialect.name, statement)
    compiled = _COMPILED.get(key)
    if compiled is None:
        sql = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        if sql.positiontup is not None:  # qmark (SQLite)
            compiled = sql.string, tuple(sql.positiontup), sql.params
        else:  # pyformat (psycopg): make it positional
            order = []

            def positional(match):
                order.append(match.group(1))
                return "%s"
            compiled = re.sub(r"%\((\w+)\)s", positional, sql.string), tuple(order), sql.params
        _COMPILED[key] = compiled
    return compiled


# Every engine of every app built in this process, for ``after_fork``.
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def after_fork() -> None:
    """In a worker forked from a process that built the app (gunicorn's ``preload_app``):
    forget the connections the parent's pools hold, without closing them (they are the
    parent's), so that each worker opens its own on first use."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


def init_database(app: Flask) -> None:
    """Tune engines and commit each request's work at its end, or roll it back."""
    with app.app_context():
        for engine in db.engines.values():
            _ENGINES.add(engine)
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine)

    @app.after_request
    def commit_on_success(response):
        if not db.session.registry.has():  # the request never touched the database
            return response
        keep = g.pop("keep_writes", False)
        if response.status_code < 400 or keep:
            db.session.commit()
            _run_after_commit()
        else:
            db.session.rollback()
            g.pop("after_commit", None)
        return response


def keep_writes() -> None:
    """Commit what the transaction wrote even though a refusal follows: for writes that
    stand whatever the answer says (an expired attempt is submitted, then the late save
    is refused). Call it just before raising."""
    if has_app_context():
        g.keep_writes = True


def after_commit(callback) -> None:
    """Run ``callback()`` once the current request's (or CLI block's) work has committed.

    Used to deliver notifications only for changes that really happened.
    """
    if not has_app_context():
        return
    callbacks = g.setdefault("after_commit", [])
    if callback not in callbacks:
        callbacks.append(callback)


def _run_after_commit() -> None:
    for callback in g.pop("after_commit", []):
        callback()


def lock_row(model, row_id: int) -> None:
    """Take one row for the rest of the transaction, so that rules which read, count and
    then write (seats, serials, overlapping exchanges, an attempt's totals) run one at a
    time. PostgreSQL locks the row; SQLite transactions already hold the write lock from
    their start (``_tune_sqlite``), so nothing more is needed there."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())


@contextmanager
def transaction():
    """Commit the block's work, or roll it all back: for the CLI and background jobs."""
    try:
        yield db.session
        g.pop("keep_writes", None)
        db.session.commit()
    except BaseException:
        if g.pop("keep_writes", False):
            db.session.commit()
            _run_after_commit()
        else:
            db.session.rollback()
            g.pop("after_commit", None)
        raise
    _run_after_commit()


def among(column, values) -> sa.ColumnElement[bool]:
    """``column IN values``, for a list that grows with the data (a cohort's user ids),
    as one parameter whatever its length: an array on PostgreSQL (``= ANY``), JSON read by
    ``json_each`` on SQLite. An expanding IN renders one parameter per value, on
    PostgreSQL with a cast each, at every execution, and the driver parses each new
    length of it anew; this statement's text, compiled once, stays the same."""
    values = list(values)
    if db.engine.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(values), type_=sa.String)).table_valued("value")
    return column.in_(sa.select(listed.c.value))
