"""Kept pages: a page rendered once is served again, byte for byte, until anything it
could show has changed.

What "anything" means is one number, the page generation, a single row that every
transaction which writes to the platform's tables raises by one, in the same transaction
(so a page can never be kept from before a write and shown after it). Each worker keeps
what it rendered, by everything the render reads besides the database: the address, the
reader, their session's CSRF secret (every page carries forms), language, time zone,
the generation, and the minute (pages say "in 3 days" and "closes at 14:00"). A kept
page costs two statements (the reader and the generation) instead of a dozen or more.

A page is kept only when nothing in its request wrote, no flashed message waits to be
shown, and the view did not say ``not_kept()``. The view's render runs its loader, with
the access check, inside: a refusal raises before anything is kept, and since roles,
enrolments and grants are rows, changing one raises the generation too.

Writes that no page shows (login sessions, tokens, the mail outbox, the generation
itself) do not raise it; nor do those a block marks ``unseen_by_pages()`` (a quiz's
autosave, shown only on the attempt page, which is never kept while in progress)."""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from time import time

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import BaseModel, db

# Tables whose rows no page shows: writing them leaves every kept page as it is. Offline
# packs are made from a published revision, which never changes, on its course page's
# first view (which shows their sizes).
UNSEEN_TABLES = frozenset({"page_generations", "login_sessions", "password_tokens", "api_tokens",
                           "outbox_messages", "offline_packs"})
KEPT_BYTES = 4 * 1024 * 1024  # per worker
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_WROTE = "institute.page_writes"  # on a connection's info: it wrote a table pages show


class PageGeneration(BaseModel):
    """One row (id 1): raised by one in every transaction that writes what pages show."""

    __tablename__ = "page_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # NOT NULL: Mapped[int]


_GENERATION = sa.select(PageGeneration.value).where(PageGeneration.id == 1)
_RAISE = sa.update(PageGeneration).where(PageGeneration.id == 1).values(value=PageGeneration.value + 1)
_unseen: ContextVar[bool] = ContextVar("institute.unseen_by_pages", default=False)


@contextmanager
def unseen_by_pages():
    """Writes inside this block do not change any kept page (the caller vouches that no
    kept page shows them)."""
    token = _unseen.set(True)
    try:
        yield
    finally:
        _unseen.reset(token)


def _on_statement(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    match = _WRITE.match(statement)
    if match is None or match.group(1).lower() in UNSEEN_TABLES or _unseen.get():
        return
    conn.info[_WROTE] = True
    if has_app_context():
        g.page_wrote = True


def _on_begin(_session, transaction, connection) -> None:
    # A new transaction starts unmarked; a savepoint inside one (``begin_nested``) keeps
    # what the transaction wrote before it.
    if not transaction.nested:
        connection.info.pop(_WROTE, None)


def _before_commit(session: Session) -> None:
    # With KEPT_PAGES off nothing is raised: servers and commands must share the setting
    # (instance/config.py or the environment of both).
    if not (has_app_context() and current_app.config.get("KEPT_PAGES")):
        return
    session.flush()  # the last writes first, so that they are seen below
    if not session.in_transaction():
        return
    connection = session.connection()
    if connection.info.pop(_WROTE, False):
        connection.execute(_RAISE)


def generation() -> int | None:
    """The page generation now (read once per request)."""
    if "page_generation" not in g:
        from .database import read

        rows = read(_GENERATION)
        g.page_generation = rows[0][0] if rows else None  # no row: nothing may be kept
    return g.page_generation


def not_kept() -> None:
    """Render this request's page afresh and do not keep it (it shows something that is
    not a row, or changes while being read: an attempt in progress)."""
    g.page_not_kept = True


class KeptPages:
    """Rendered pages by key, the least recently used dropped past ``limit`` bytes.

    Each page is kept with its era (the generation and minute it was rendered in) and
    served only to a request of the same era. Once a page of a later generation or
    another minute is put, no request asks for the others again, so they are dropped at
    once rather than holding memory until the limit pushes them out; a page of an
    earlier generation is not kept."""

    def __init__(self, limit: int = KEPT_BYTES):
        self.limit = limit
        self._pages: OrderedDict[tuple, tuple[bytes, tuple]] = OrderedDict()
        self._size = 0
        self._era: tuple = ()
        self._lock = threading.Lock()

    def get(self, key, era: tuple = ()) -> bytes | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None or found[1] != era:
                return None
            self._pages.move_to_end(key)
            return found[0]

    def put(self, key, page: bytes, era: tuple = ()) -> None:
        if len(page) > self.limit:
            return
        with self._lock:
            if era != self._era:
                if era and self._era and era[0] < self._era[0]:
                    return  # rendered before the latest change: nobody asks for it again
                # A later generation, or another minute (the clock may also go back):
                # the pages of any other era are never asked for again.
                self._era = era
                for old_key in [k for k, (_page, old_era) in self._pages.items() if old_era != era]:
                    self._size -= len(self._pages.pop(old_key)[0])
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._pages[key] = (page, era)
            self._size += len(page)
            while self._size > self.limit:
                _key, (dropped, _era) = self._pages.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0
            self._era = ()

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size(self) -> int:
        return self._size


_KEPT = KeptPages()


def clear() -> None:
    _KEPT.clear()


def _key(user) -> tuple[tuple, tuple] | None:
    """Everything a render reads besides the database and the view's arguments, and the
    era it reads them in (generation, minute); None when the page may not be kept at all."""
    if request.method != "GET" or "_flashes" in session:
        return None
    secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if secret is None and "Authorization" not in request.headers:
        return None  # rendering makes the session's CSRF secret: a first page is never kept
    now = generation()
    if now is None:
        return None
    return ((request.full_path, request.headers.get("Accept", ""), getattr(user, "id", None), secret,
             str(get_locale()), str(get_timezone())), (now, int(time() // 60)))


def kept_page(render: Callable[[], str | bytes], reader=None) -> bytes:
    """The page ``render()`` makes for ``reader`` (the API's user; else whoever is signed
    in, or a visitor), kept while nothing it shows has changed. ``render`` must load the
    resource through its access check."""
    if reader is None and current_user.is_authenticated:
        reader = current_user
    keyed = _key(reader) if current_app.config.get("KEPT_PAGES") else None
    if keyed is not None:
        page = _KEPT.get(*keyed)
        if page is not None:
            return page
    rendered = render()
    page = rendered.encode() if isinstance(rendered, str) else rendered
    if keyed is not None and not g.get("page_wrote") and not g.get("page_not_kept") and "_flashes" not in session:
        key, era = keyed
        _KEPT.put(key, page, era)
    return page


def init_page_cache(app: Flask) -> None:
    """Watch every engine's writes, and raise the generation as each transaction commits."""
    with app.app_context():
        for engine in db.engines.values():
            if not sa.event.contains(engine, "before_cursor_execute", _on_statement):
                sa.event.listen(engine, "before_cursor_execute", _on_statement)
    for name, listener in (("after_begin", _on_begin), ("before_commit", _before_commit)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)

