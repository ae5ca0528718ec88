"""List pages and list API routes run as many statements for 20 rows as for 2.

Each case builds a world with a few rows, counts the statements of one request,
grows the world to many rows and counts again. A count that grows means a lookup
per row (a lazy load, a count per session, a query in a loop).
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.accounts.services import partner_by_code, user_by_email
from institute.certificates.models import Certificate
from institute.courses.services import get_course, mark_done
from institute.database import utcnow
from institute.exchanges.models import Exchange, ExchangeFile
from institute.extensions import db
from institute.notifications.services import notify
from institute.quizzes import attempts
from institute.training.models import Application
from institute.training.services import get_session

from .builders import create_course, create_session, create_user
from .conftest import bearer, login

TODAY = date.today()
FEW, MANY = 2, 20


@contextmanager
def counted(app):
    """The statements sent to the database inside the block."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)


# ------------------------------------------------------------ growing worlds
# Each grows its rows to ``n`` (called with FEW, then MANY) and keeps its people.


class World:
    def __init__(self, app):
        self.app = app
        self.n = 0
        with app.app_context():
            create_user(email="admin@example.org", roles="admin")
            create_user(email="teacher@example.org", roles="instructor")
            create_user(email="fellow@example.org")
            create_user(email="staff@uca.example", roles="partner", partner="UCA")
            create_course(slug="base", quiz=True)
            self.setup()
            db.session.commit()

    def setup(self):
        pass

    def grow(self, n: int) -> None:
        with self.app.app_context():
            for i in range(self.n, n):
                self.add(i)
            db.session.commit()
        self.n = n


class Sessions(World):
    """Sessions, each with a course of its own, a teacher and accepted fellows; the
    fellow of the dashboard applies to each, the teacher teaches each."""

    def add(self, i):
        create_course(slug=f"course-{i}", quiz=False)
        session = create_session(title=f"Session {i}", year=2030 + i, courses=["base", f"course-{i}"],
                                 instructors=["teacher@example.org"], seats=10)
        fellow = user_by_email("fellow@example.org")
        db.session.add_all([Application(session_id=session.id, user=fellow, status="accepted",
                                        motivation="m"),
                            *(Application(session_id=session.id, user=create_user(), status="accepted",
                                          motivation="m") for _ in range(2))])
        db.session.flush()


class Cohort(World):
    """One session with its fellows (accepted, some progress) and their certificates."""

    def setup(self):
        self.session_id = create_session(courses=["base"], seats=100,
                                         instructors=["teacher@example.org"]).id

    def add(self, i):
        session = get_session(self.session_id)
        user = create_user(email=f"f{i}@example.org", partner="UCA")
        db.session.add(Application(session_id=session.id, user=user, status="accepted",
                                   motivation="I restore rangeland.", country="KG"))
        db.session.add(Certificate(
            serial=f"GDI-2026-1-{i + 1:04d}", code=f"code-{i}", kind="session", session_id=session.id,
            user_id=user.id, number=i + 1, holder_name=user.name, title=session.title,
            starts_on=session.starts_on, ends_on=session.ends_on, hours=2, courses=["Test Course"],
            issued_at=utcnow(), credential={"proof": "x" * 2000}, pdf=b"%PDF" + b"x" * 200_000,
            pdf_sha256="0" * 64, status_index=i))
        db.session.flush()
        mark_done(user, get_course("base"), "module-1")
        quiz = get_course("base").published.quizzes[0]
        attempt, _new = attempts.start(quiz, user)
        attempts.save(attempt, user, {"0": 0, "2": "Straw checkerboards hold the sand in place."})
        attempts.submit(attempt, user)
        notify(user.email, "Welcome", "A message in the outbox.")


class Exchanges(World):
    """Approved exchanges from UCA to CICA, each with a course and a 200 kB file."""

    def add(self, i):
        teacher = create_user(email=f"t{i}@uca.example", roles="partner", partner="UCA")
        start = date(TODAY.year, 1, 1) + timedelta(days=3 * i)
        exchange = Exchange(teacher=teacher, home=partner_by_code("UCA"), host=partner_by_code("CICA"),
                            starts_on=start, ends_on=start + timedelta(days=2), status="approved",
                            purpose="Teach remote sensing practicals.")
        db.session.add(exchange)
        db.session.flush()
        db.session.add(ExchangeFile(exchange_id=exchange.id, name="syllabus.pdf",
                                    content_type="application/pdf", size=200_000, data=b"x" * 200_000))
        db.session.flush()


class Courses(World):
    """Published courses, each with a draft waiting and each derived from a course of its
    own that is no more than a draft (so not in a fellow's catalogue)."""

    def add(self, i):
        origin = create_course(slug=f"origin-{i}", quiz=False, publish=False).course
        result = create_course(slug=f"course-{i}", quiz=False)
        result.course.derived_from = origin
        create_course(slug=f"course-{i}", quiz=False, publish=False, body="A new paragraph.")


class Guests(World):
    """Partner staff and guest teachers on approved exchanges: candidates on the forms."""

    def add(self, i):
        teacher = create_user(email=f"g{i}@uca.example", roles="partner", partner="UCA")
        create_user(email=f"other{i}@cica.example", roles="partner", partner="CICA")
        create_user(email=f"i{i}@example.org", roles="instructor")
        start = TODAY + timedelta(days=50 + i)
        db.session.add(Exchange(teacher=teacher, home=partner_by_code("UCA"), host=partner_by_code("CICA"),
                                starts_on=start, ends_on=start + timedelta(days=40), status="approved",
                                purpose="Teach remote sensing practicals."))
        db.session.flush()


class Discussion(World):
    """One session's forum: threads, each with replies by several fellows, some read, one
    post hidden; the fellow of the dashboard is in the cohort and has news."""

    def setup(self):
        from institute.discussion import services as discussion

        session = create_session(seats=100, instructors=["teacher@example.org"])
        self.session_id = session.id
        fellow = user_by_email("fellow@example.org")
        db.session.add(Application(session_id=session.id, user=fellow, status="accepted", motivation="m"))
        db.session.flush()
        self.thread_id = discussion.start_thread(session, fellow, {"title": "First", "body": "Hello"}).id

    def add(self, i):
        from institute.discussion import services as discussion
        from institute.discussion.models import Thread

        session = get_session(self.session_id)
        author = create_user(email=f"d{i}@example.org")
        db.session.add(Application(session_id=session.id, user=author, status="accepted", motivation="m"))
        db.session.flush()
        thread = discussion.start_thread(session, author, {"title": f"Thread {i}", "body": f"**Post** {i}"})
        post = discussion.reply(db.session.get(Thread, self.thread_id), author, {"body": f"Reply {i}"})
        if i % 3 == 0:
            discussion.hide_post(post, user_by_email("teacher@example.org"), "Off topic")
        discussion.mark_read(thread, user_by_email("fellow@example.org"))


class Modules(World):
    """A published course whose modules grow (a new revision each time), in the session of
    the dashboard's fellow, who has done the first modules."""

    def setup(self):
        create_course(slug="big", quiz=True, modules=2)
        session = create_session(courses=["base", "big"], seats=10, instructors=["teacher@example.org"])
        self.session_id = session.id
        db.session.add(Application(session_id=session.id, user=user_by_email("fellow@example.org"),
                                   status="accepted", motivation="m"))
        db.session.flush()

    def grow(self, n: int) -> None:
        with self.app.app_context():
            create_course(slug="big", quiz=True, modules=n + 2)
            for i in range(self.n, n):
                mark_done(user_by_email("fellow@example.org"), get_course("big"), f"module-{i + 1}")
            db.session.commit()
        self.n = n


class Attempts(World):
    """The fellow's submitted attempts at the quiz (unlimited), and other fellows' attempts."""

    def setup(self):
        session = create_session(courses=["base"], seats=100, instructors=["teacher@example.org"])
        self.session_id = session.id
        db.session.add(Application(session_id=session.id, user=user_by_email("fellow@example.org"),
                                   status="accepted", motivation="m"))
        db.session.flush()
        self.quiz_id = get_course("base").published.quizzes[0].id

    def add(self, i):
        session = get_session(self.session_id)
        other = create_user(email=f"a{i}@example.org")
        db.session.add(Application(session_id=session.id, user=other, status="accepted", motivation="m"))
        db.session.flush()
        quiz = get_course("base").published.quizzes[0]
        for user in (user_by_email("fellow@example.org"), other):
            attempt, _new = attempts.start(quiz, user)
            attempts.save(attempt, user, {"0": 0, "2": "Straw checkerboards hold the sand in place."})
            attempts.submit(attempt, user)


# Large columns a list never reads: each is read only to be downloaded.
PDF, CREDENTIAL = r"certificates\.pdf\b", r"certificates\.credential\b"
FILE_BYTES, SEARCH_TEXT = r"exchange_files\.data\b", r"course_revisions\.search_text\b"
# What lists of modules and quizzes never read: a module's HTML and outline, a quiz's questions.
MODULE_HTML, QUESTIONS = r"modules\.(toc_)?html\b", r"quizzes\.questions\b"


@dataclass
class Case:
    world: type
    who: str
    url: str  # may name {session}
    api: bool = False
    never: tuple[str, ...] = ()  # patterns no statement of the page may match


CASES = {
    "home page": Case(Sessions, "fellow@example.org", "/"),
    "sessions page": Case(Sessions, "fellow@example.org", "/sessions", never=(SEARCH_TEXT,)),
    "sessions api": Case(Sessions, "fellow@example.org", "/api/v1/sessions", api=True),
    "admin sessions": Case(Sessions, "admin@example.org", "/admin/sessions"),
    "fellow dashboard": Case(Sessions, "fellow@example.org", "/dashboard", never=(SEARCH_TEXT,)),
    "teacher dashboard": Case(Sessions, "teacher@example.org", "/dashboard"),
    "applications": Case(Cohort, "admin@example.org", "/admin/sessions/{session}/applications"),
    "session page": Case(Cohort, "admin@example.org", "/sessions/{session}"),
    "session api": Case(Cohort, "admin@example.org", "/api/v1/sessions/{session}", api=True),
    "cohort": Case(Cohort, "teacher@example.org", "/sessions/{session}/cohort"),
    "cohort api": Case(Cohort, "teacher@example.org", "/api/v1/sessions/{session}/cohort", api=True),
    "gradebook": Case(Cohort, "teacher@example.org", "/sessions/{session}/gradebook"),
    "certificates": Case(Cohort, "admin@example.org", "/admin/sessions/{session}/certificates",
                         never=(PDF, CREDENTIAL)),
    "grading": Case(Cohort, "teacher@example.org", "/grading"),
    "gradebook api": Case(Cohort, "teacher@example.org", "/api/v1/sessions/{session}/gradebook", api=True),
    "users": Case(Cohort, "admin@example.org", "/admin/users"),
    "partners api": Case(Cohort, "admin@example.org", "/api/v1/partners", api=True),
    "outbox": Case(Cohort, "admin@example.org", "/admin/outbox"),
    "exchanges": Case(Exchanges, "admin@example.org", "/exchanges", never=(FILE_BYTES,)),
    "exchanges of a partner": Case(Exchanges, "staff@uca.example", "/exchanges"),
    "exchange year": Case(Exchanges, "admin@example.org", f"/exchanges/year/{TODAY.year}"),
    "exchange statistics": Case(Exchanges, "admin@example.org", "/exchanges/statistics"),
    "exchanges api": Case(Exchanges, "admin@example.org", "/api/v1/exchanges", api=True, never=(FILE_BYTES,)),
    "catalogue": Case(Courses, "fellow@example.org", "/courses", never=(SEARCH_TEXT,)),
    "catalogue with drafts": Case(Courses, "admin@example.org", "/courses?drafts=1"),
    "catalogue api": Case(Courses, "fellow@example.org", "/api/v1/courses", api=True, never=(SEARCH_TEXT,)),
    "review queue": Case(Courses, "admin@example.org", "/courses/review", never=(SEARCH_TEXT,)),
    "new session form": Case(Guests, "admin@example.org", "/admin/sessions/new"),
    "propose exchange form": Case(Guests, "admin@example.org", "/exchanges/new"),
    "propose exchange form (partner)": Case(Guests, "staff@uca.example", "/exchanges/new"),
    "discussion forum": Case(Discussion, "fellow@example.org", "/sessions/{session}/discussion"),
    "discussion thread": Case(Discussion, "teacher@example.org", "/threads/{thread}"),
    "discussion threads api": Case(Discussion, "fellow@example.org", "/api/v1/sessions/{session}/threads",
                                   api=True),
    "discussion thread api": Case(Discussion, "fellow@example.org", "/api/v1/threads/{thread}", api=True),
    "dashboard with discussion news": Case(Discussion, "fellow@example.org", "/dashboard"),
    "admin dashboard": Case(Cohort, "admin@example.org", "/dashboard"),
    "partner dashboard": Case(Cohort, "staff@uca.example", "/dashboard"),
    "teacher dashboard of a cohort": Case(Cohort, "teacher@example.org", "/dashboard"),
    "session page (fellow)": Case(Attempts, "fellow@example.org", "/sessions/{session}"),
    "course page": Case(Modules, "fellow@example.org", "/courses/big", never=(MODULE_HTML, QUESTIONS)),
    "course api": Case(Modules, "fellow@example.org", "/api/v1/courses/big", api=True,
                       never=(MODULE_HTML, QUESTIONS)),
    "dashboard of a growing course": Case(Modules, "fellow@example.org", "/dashboard",
                                          never=(MODULE_HTML, QUESTIONS)),
    "cohort of a growing course": Case(Modules, "teacher@example.org", "/sessions/{session}/cohort",
                                       never=(MODULE_HTML, QUESTIONS)),
    "gradebook of a growing course": Case(Modules, "teacher@example.org", "/sessions/{session}/gradebook",
                                          never=(MODULE_HTML, QUESTIONS)),
    "gradebook with attempts": Case(Attempts, "teacher@example.org", "/sessions/{session}/gradebook",
                                    never=(QUESTIONS,)),
    "quiz page with attempts": Case(Attempts, "fellow@example.org", "/quizzes/{quiz}"),
    "dashboard with attempts": Case(Attempts, "fellow@example.org", "/dashboard"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_statements_do_not_grow_with_rows(app, computed_pages, name):
    case = CASES[name]
    world = case.world(app)
    client = app.test_client()
    headers = {}
    if case.api:
        headers = bearer(client, case.who)
    else:
        login(client, case.who)
    url = case.url.format(session=getattr(world, "session_id", None), thread=getattr(world, "thread_id", None),
                          quiz=getattr(world, "quiz_id", None))

    def statements(n):
        world.grow(n)
        assert client.get(url, headers=headers).status_code == 200  # warm caches
        with counted(app) as seen:
            assert client.get(url, headers=headers).status_code == 200
        return seen

    few = statements(FEW)
    many = statements(MANY)
    assert len(many) == len(few), "\n".join(many)
    for pattern in case.never:
        assert not [s for s in many if re.search(pattern, s)], pattern


def test_quiz_attempt_statements_do_not_grow_with_attempts(app):
    """Start, autosave, submit and the result, through the pages and the API, run as many
    statements after 20 attempts (the fellow's and others') as after 2."""
    world = Attempts(app)
    client = app.test_client()
    headers = bearer(client, "fellow@example.org")
    login(client, "fellow@example.org")

    def flow(n):
        world.grow(n)
        counts = []
        for _ in range(2):  # the first warms the caches
            counts = []
            with counted(app) as seen:
                started = client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", headers=headers)
            assert started.status_code == 201
            counts.append(len(seen))
            attempt = started.get_json()["id"]
            for answers in ({"0": 0}, {"0": 1, "2": "Straw checkerboards."}):
                with counted(app) as seen:
                    assert client.put(f"/api/v1/attempts/{attempt}/answers", json={"answers": answers},
                                      headers=headers).status_code == 200
                counts.append(len(seen))
            with counted(app) as seen:
                assert client.post(f"/api/v1/attempts/{attempt}/submit", headers=headers).status_code == 200
            counts.append(len(seen))
            with counted(app) as seen:
                page = client.post(f"/quizzes/{world.quiz_id}/start")
            assert page.status_code == 302
            counts.append(len(seen))
            page_attempt = int(page.headers["Location"].rsplit("/", 1)[-1])
            with counted(app) as seen:
                assert client.post(f"/attempts/{page_attempt}/save", data={"q-0": "0"},
                                   headers={"Accept": "application/json"}).status_code == 200
            counts.append(len(seen))
            with counted(app) as seen:
                assert client.post(f"/attempts/{page_attempt}/submit", data={"confirmed": "1"}).status_code == 302
            counts.append(len(seen))
            with counted(app) as seen:
                assert client.get(f"/attempts/{page_attempt}").status_code == 200
            counts.append(len(seen))
        return counts

    assert flow(MANY) == flow(MANY + 18) == flow(MANY + 36)

