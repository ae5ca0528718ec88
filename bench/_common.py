"""What the benchmarks share: a fresh app on a scratch database, and small helpers.

Not a test fixture: the app runs with production settings (no TESTING, scrypt
passwords, real commits), except that CSRF is off so a script can post forms.
"""

import argparse
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as `python bench/x.py` from anywhere

import jinja2  # noqa: E402
from babel.support import Translations  # noqa: E402
from flask import Flask, Response, render_template, template_rendered  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from institute import create_app  # noqa: E402
from institute.assignments import services as assignments  # noqa: E402
from institute.config import database_uri  # noqa: E402
from institute.courses.services import mark_done  # noqa: E402
from institute.database import reads_seen_by  # noqa: E402
from institute.extensions import db  # noqa: E402
from institute.questions import type_of  # noqa: E402
from institute.quizzes import attempts  # noqa: E402
from institute.static_files import content_hash  # noqa: E402
from tests.scratch import fresh_postgresql  # noqa: E402

BENCH_CONFIG = {
    "SECRET_KEY": "bench-secret-key",
    "BASE_URL": "http://127.0.0.1:5000",
    "WTF_CSRF_ENABLED": False,  # the script posts the login form without a token
    "RATELIMIT_STORAGE_URI": "memory://",
    "REDIS_URL": None,  # never pick up a shared limiter store from the environment
    "MAIL_SERVER": None,
}


def arguments(description: str, extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--postgres", metavar="URL",
        help="run on this PostgreSQL database instead of a temporary SQLite file; "
             "its schema 'public' is DROPPED and recreated first, so give a scratch database",
    )
    if extra:
        extra(parser)
    return parser.parse_args()


@contextmanager
def bench_app(postgres: str | None = None, **config) -> Iterator[Flask]:
    """An app on a migrated, empty database (temporary SQLite unless ``postgres``)."""
    with tempfile.TemporaryDirectory(prefix="gdi-bench-") as tmp:
        url = fresh_postgresql(postgres) if postgres else \
            "sqlite:///" + str(Path(tmp) / "bench.sqlite")
        app = create_app({**BENCH_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config},
                         instance_path=str(Path(tmp) / "instance"))
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            with app.app_context():
                upgrade()
        finally:
            logging.disable(logging.NOTSET)
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def backend_label(app: Flask) -> str:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            return f"SQLite {engine.dialect.dbapi.sqlite_version} (temporary file)"
        with engine.connect() as conn:
            version = conn.execute(sa.text("SHOW server_version")).scalar()
        return f"PostgreSQL {version} ({engine.url.render_as_string(hide_password=True)})"


def machine_label() -> str:
    return (f"Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPU(s)")


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def spread_ms(seconds: list[float]) -> str:
    """The 10th and 90th percentiles, to show how noisy a median is."""
    deciles = statistics.quantiles(seconds, n=10)
    return f"p10 {deciles[0] * 1000:.2f}, p90 {deciles[-1] * 1000:.2f}"


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def verdict(value: float, target: float) -> str:
    """Reported, never asserted: benchmarks are not tests."""
    return "within target" if value <= target else "OVER target"


def floor_app(url_rule: str, body: bytes, content_type: str) -> Flask:
    """The least a Flask app can do for this URL: route it and return the same bytes."""
    floor = Flask("bench_floor")

    @floor.get(url_rule)
    def page(**_values):
        return Response(body, content_type=content_type)

    return floor


class RenderedPage:
    """What the app's view rendered: the template's name and the context it was given,
    caught with Flask's ``template_rendered`` signal during one real request."""

    # Flask and Flask-WTF put these in every context; a bare app has its own.
    APP_OWN = ("request", "session", "g", "config", "csrf_token")

    def __init__(self, app: Flask):
        self.app, self.template, self.context = app, None, {}

    def __enter__(self):
        template_rendered.connect(self._caught, self.app)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self._caught, self.app)

    def _caught(self, _sender, template, context, **_extra):
        if self.template is not None:
            return  # the page's own template comes first; "extends" sends no signal
        self.template = template.name
        self.context = {k: v for k, v in context.items() if k not in self.APP_OWN}
        for value in self.context.values():
            # Keep ORM objects (the user) readable after the request's commit expires them.
            state = sa.inspect(value, raiseerr=False)
            if state is not None and getattr(state, "session", None) is not None:
                state.session.expunge(value)


def render_floor_app(app: Flask, url_rule: str, endpoint: str, page: RenderedPage,
                     csrf_token: str, locale: str) -> Flask:
    """A bare Flask app that renders the page's HTML: the same templates, the same
    context, the same translations, the same URLs to build, and nothing else: no
    database, no login, no session, no hooks, no extensions.

    The CSRF token, which the real app signs anew on each request, is the one the
    real page carried, so the floor's bytes can be compared with the page's."""
    folders = [app.jinja_loader.searchpath[0]] + [
        blueprint.jinja_loader.searchpath[0]
        for blueprint in app.iter_blueprints() if blueprint.jinja_loader is not None]
    floor = Flask("bench_floor")
    floor.jinja_options = {
        "loader": jinja2.ChoiceLoader([jinja2.FileSystemLoader(f) for f in folders]),
        "extensions": ["jinja2.ext.i18n"],
    }
    catalogues = str(Path(app.root_path) / "translations")
    floor.jinja_env.install_gettext_translations(
        Translations.load(catalogues, [locale]), newstyle=True)
    floor.jinja_env.globals["csrf_token"] = lambda: csrf_token
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ("static", endpoint):  # the floor has its own
            floor.url_map.add(rule.empty())

    def view(**_values):
        return render_template(page.template, **page.context)

    @floor.url_defaults
    def name_static_files_by_content(endpoint, values):  # the same static URLs as the app's
        if endpoint == "static":
            values.setdefault("v", content_hash(app, values.get("filename", "")))

    floor.add_url_rule(url_rule, endpoint, view)
    return floor


def timed(client, url: str, n: int) -> list[float]:
    times, statuses = [], set()
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append(time.perf_counter() - start)
        statuses.add(response.status_code)
        response.close()
    if statuses != {200}:
        raise SystemExit(f"{url} answered {sorted(statuses)} during the measurement")
    return times


def count_statements(app, client, url: str) -> list[str]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        # database.read goes to the driver directly; it reports its statements apart.
        with reads_seen_by(lambda sql: statements.append(" ".join(sql.split()))):
            response = client.get(url)
        status = response.status_code
        response.close()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
    if status != 200:
        raise SystemExit(f"GET {url} answered {status} while counting queries")
    return statements


def scratch_database(server: str, prefix: str) -> tuple[str, str]:
    """Create ``<prefix>_<pid>`` on the PostgreSQL server; returns its name and URL."""
    name = f"{prefix}_{os.getpid()}"
    server_url = sa.make_url(database_uri(server, ""))
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, server_url.set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    engine = sa.create_engine(database_uri(server, ""), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def complete_session(user, courses, grader) -> None:
    """A fellow who did everything: modules done, each quiz passed, its essays graded."""
    for course in courses:
        for module in course.published.modules:
            mark_done(user, course, module.slug)
        for quiz in course.published.quizzes:
            attempt, _ = attempts.start(quiz, user)
            attempts.save(attempt, user, {str(i): type_of(q).demo_answer(q, True) for i, q in enumerate(quiz.questions)
                                          if type_of(q).answerable})
            attempts.submit(attempt, user)
            for i, q in enumerate(quiz.questions):
                if type_of(q).graded_by_hand:
                    attempts.grade(attempt, i, 1.0, "A clear, practical plan.", grader)
            if attempt.passed is not True:
                raise SystemExit(f"set-up: a right attempt at {quiz.title!r} did not pass ({attempt.percent} %)")
        for assignment in course.published.assignments:  # full points on every criterion
            submission = assignments.submit(assignment, user, "My restoration plan, with its costs.", None)
            assignments.grade(submission, grader, {row["criterion"]: row["points"] for row in assignment.rubric},
                              "A clear, practical plan.")
