"""Benchmark: 300 users of every role for two minutes, against gunicorn on PostgreSQL and Redis.

Builds, untimed and in this process, on a scratch PostgreSQL database: the three
real courses of ``courses/`` imported and published (GIFT quizzes with essays,
2 or 3 attempts each), a session holding them with 250 accepted fellows, 10
instructors and 10 partner staff, 20 teacher exchanges, and 25 fellows who
completed the session (modules done, quizzes passed through the attempts
service, essays graded) and were issued certificates (one then revoked). Then
starts the app under gunicorn (the repository's ``gunicorn.conf.py``: 4
threaded workers) with the failed-login limits in Redis (``REDIS_URL``, a
database of its own, flushed before and after), gets every simulated user a
token, and runs 300 users for 120 seconds, each in a loop with random pauses
(0.5 to 3 s) over its own keep-alive ``http.client`` connection:

- 200 fellows browse the catalogue, courses and modules, mark modules done, and
  take quizzes: start, autosave 3 to 5 times, submit; a 409 when the quiz's
  attempts are used up is an expected answer;
- 40 instructors (on the 10 accounts) read the gradebook, read a submitted
  attempt and grade its essay, taken from what the fellows submitted;
- 30 partner staff (on the 10 accounts) list courses and exchanges;
- 30 anonymous visitors verify certificates, as JSON and as the HTML page.

Prints throughput, p50/p95/p99 per route, expected refusals, errors, then checks
the database against what the server said it saved: every answer of a 200 save
(with the last value sent), every 200 submission, every grade and every module
marked done; and that the attempts' totals agree with their answers. Last, 11
failed logins for one account show whether the 4 workers share the limit
through Redis (10 x 401, then 429).

    .venv/bin/python bench/load.py [--seconds 120] [--users 300] [--postgres URL] [--redis URL]

By default a database ``gdi_load_<pid>`` is created on
postgresql://postgres@127.0.0.1:5432 and dropped at the end, even on failure.

Prints figures; never asserts a timing. Exits 1 only on a functional failure:
any 5xx, any other error answer (not the expected 409s and 404s), no answer,
an unexpected body, or anything the server said it saved missing from the
database.
"""

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path

import redis
import sqlalchemy as sa
from _common import (
    ROOT,
    backend_label,
    bench_app,
    complete_session,
    drop_database,
    machine_label,
    scratch_database,
    verdict,
)
from quiz_load import FAST_HASH, GUNICORN, PASSWORD, Gunicorn, answer, get_tokens, percentiles_ms, server_env

from institute.accounts.models import User as UserModel
from institute.accounts.services import create_user, load_partners, user_by_email
from institute.certificates import services as certificates
from institute.config import database_uri
from institute.courses.bundle import find_bundles, read_path
from institute.courses.importing import import_bundle
from institute.courses.services import get_course
from institute.database import transaction
from institute.exchanges import services as exchanges
from institute.extensions import db
from institute.quizzes.models import AttemptAnswer
from institute.training import services as training

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/14"
GRADEBOOK_P95_MS = 100  # issue 21
PSS_TARGET_MB = 250  # the workers together, issue 21
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
PURPOSE = "Teach the course to the host's students and build a joint field practical."
# The mix of 300 users; --users scales it.
MIX = {"fellow": 200, "instructor": 40, "partner": 30, "visitor": 30}
IDLE_FELLOWS = 25  # accepted, never simulated: the gradebook and the cohort are bigger than the load
CERTIFIED = 25  # completed the session at set-up, then certified
INSTRUCTORS = 10
PARTNER_STAFF = ("GDI", "CICA", "UCA", "UFC", "IADIZA", "UNALM", "UCH-CEZA", "PMAS-AAUR", "KIU", "DRC-EG")
EXCHANGE_PATHS = ([], ["confirm"], ["confirm", "approve"], ["reject"])  # proposed, confirmed, approved, rejected
POINTS = (0.0, 0.25, 0.5, 0.75, 1.0)

R_CATALOGUE = "GET  /api/v1/courses"
R_COURSE = "GET  /api/v1/courses/<slug>"
R_MODULE = "GET  /api/v1/courses/<slug>/modules/<m>"
R_DONE = "POST /api/v1/courses/<slug>/modules/<m>/complete"
R_START = "POST /api/v1/quizzes/<id>/attempts"
R_SAVE = "PUT  /api/v1/attempts/<id>/answers"
R_SUBMIT = "POST /api/v1/attempts/<id>/submit"
R_GRADEBOOK = "GET  /api/v1/sessions/<id>/gradebook"
R_ATTEMPT = "GET  /api/v1/attempts/<id>"
R_GRADE = "POST /api/v1/attempts/<id>/grades"
R_EXCHANGES = "GET  /api/v1/exchanges"
R_VERIFY = "GET  /api/v1/verify/<code>"
R_VERIFY_PAGE = "GET  /verify/<code>"
ROUTES = (R_CATALOGUE, R_COURSE, R_MODULE, R_DONE, R_START, R_SAVE, R_SUBMIT, R_GRADEBOOK, R_ATTEMPT,
          R_GRADE, R_EXCHANGES, R_VERIFY, R_VERIFY_PAGE)


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres", metavar="URL",
        help="run on this PostgreSQL database instead of a scratch one created (and dropped) for the run; "
             "its schema 'public' is DROPPED and recreated first, so give a scratch database")
    parser.add_argument("--server", metavar="URL", default=SERVER,
                        help=f"where the scratch database is created when --postgres is not given "
                             f"(default {SERVER})")
    parser.add_argument("--redis", metavar="URL", default=REDIS,
                        help=f"REDIS_URL of the server: a Redis database of its own (not 0), FLUSHED before "
                             f"and after the run (default {REDIS})")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the load (default 120)")
    parser.add_argument("--users", type=int, default=300,
                        help="simulated users, split 2/3 fellows, 2/15 instructors, 1/10 partner staff, "
                             "1/10 visitors (default 300)")
    parser.add_argument("--pause-min", type=float, default=0.5, metavar="SECONDS",
                        help="shortest pause of a user between two requests (default 0.5)")
    parser.add_argument("--pause-max", type=float, default=3.0, metavar="SECONDS",
                        help="longest pause, drawn uniformly; also the spread of the users' first "
                             "request (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the users' choices (default 2026)")


def mix(users: int) -> dict[str, int]:
    """The users of each role for ``users`` in all, in the proportions of MIX (at least one each)."""
    total = sum(MIX.values())
    counts = {role: max(1, round(users * n / total)) for role, n in MIX.items() if role != "fellow"}
    counts["fellow"] = max(1, users - sum(counts.values()))
    return {role: counts[role] for role in MIX}


# ------------------------------------------------------------------ set-up, untimed


def build(app, fellows: int) -> dict:
    """Courses, session, people, exchanges, certificates; returns what the users need."""
    today = date.today()
    with app.app_context(), transaction():
        load_partners()
        slugs = [import_bundle(read_path(path), None, publish=True).course.slug
                 for path in find_bundles(ROOT / "courses")]
        courses = [get_course(slug) for slug in slugs]
        admin = create_user("admin@bench.example", "Bench Admin", PASSWORD, roles=("admin",), country="CN")
        instructors = [create_user(f"instructor-{n:02d}@bench.example", f"Instructor {n:02d}", PASSWORD,
                                   roles=("instructor",), country="CN").email for n in range(INSTRUCTORS)]
        staff = {code: create_user(f"staff-{code.lower()}@bench.example", f"{code} staff", PASSWORD,
                                   roles=("partner",), partner=code, country=None).email
                 for code in PARTNER_STAFF}
        session = training.create_session({
            "title": "Load 2026-1", "year": today.year, "sequence": 1, "seats": fellows,
            "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=120),
            "applications_open": today, "applications_close": today + timedelta(days=30),
            "place": "Kubuqi", "courses": slugs, "instructors": instructors})
        emails, application_ids = [], []
        for number in range(fellows):
            email = f"fellow-{number:04d}@bench.example"
            user = create_user(email, f"Fellow {number:04d}", PASSWORD, roles=("trainee",), country="KG")
            application_ids.append(training.apply(session, user, MOTIVATION).id)
            emails.append(email)
        training.decide_many(session, application_ids, "accept", admin)
        # Exchanges between the staff's institutions, in four states, two per home institution.
        codes = list(PARTNER_STAFF)
        for index in range(2 * len(codes)):
            home, host = codes[index % len(codes)], codes[(index + 3) % len(codes)]
            starts = today + timedelta(days=30 + 60 * (index // len(codes)))
            exchange = exchanges.propose(user_by_email(staff[home]), staff[home], home, host, starts,
                                         starts + timedelta(days=14), [slugs[index % len(slugs)]], PURPOSE)
            for decision in EXCHANGE_PATHS[index % len(EXCHANGE_PATHS)]:
                exchanges.decide(exchange, decision, admin if decision == "approve" else user_by_email(staff[host]))
        exchanges_of = {staff[code]: len(exchanges.visible(user_by_email(staff[code]))) for code in codes}
        # The last fellows complete the session, and are certified; one certificate is revoked.
        grader = user_by_email(instructors[0])
        for email in emails[-CERTIFIED:]:
            complete_session(user_by_email(email), courses, grader)
        issued = certificates.issue_session(session, admin, processes=1).issued
        if len(issued) != CERTIFIED:
            raise SystemExit(f"set-up: {len(issued)} certificates issued, expected {CERTIFIED}")
        certificates.revoke(issued[-1], admin, "Issued by mistake (load benchmark).")
        codes_status = {c.code: ("revoked" if c.revoked else "valid", c.serial) for c in issued}
        modules = sum(len(c.published.modules) for c in courses)
        quizzes = [(q.title, q.max_attempts) for c in courses for q in c.published.quizzes]
        return {"session_id": session.id, "slugs": slugs, "fellows": emails, "instructors": instructors,
                "staff": list(staff.values()), "exchanges_of": exchanges_of, "codes": codes_status,
                "modules": modules, "quizzes": quizzes, "exchanges": 2 * len(codes)}


# ------------------------------------------------------------------ the users


class Shared:
    """What users hand to one another: submitted essays waiting for an instructor."""

    def __init__(self, data: dict, fellows: int):
        self.lock = threading.Lock()
        self.essays: deque = deque()
        self.data, self.fellows = data, fellows
        self.began = self.end = 0.0

    def put_essay(self, attempt_id: int, questions: list[str]) -> None:
        with self.lock:
            self.essays.append((attempt_id, questions))

    def take_essay(self):
        with self.lock:
            return self.essays.popleft() if self.essays else None


class User:
    """One simulated user: its connection, its pauses, and what it met with."""

    def __init__(self, role: str, email: str | None, token: str | None, port: int, seed: int, args, shared):
        self.role, self.email, self.shared, self.args = role, email, shared, args
        self.rng = random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.requests: list[tuple[str, float, float, int]] = []  # route, began (s into the run), seconds, status
        self.errors: list[str] = []
        self.expected: Counter = Counter()
        self.reconnects = 0
        # What the server said it saved.
        self.answers: dict[tuple[int, str], object] = {}  # (attempt, question) -> last value of a 200 save
        self.started: list[int] = []
        self.submitted: list[int] = []
        self.grades: dict[tuple[int, str], tuple[float, str]] = {}  # (attempt, question) -> (points, feedback)
        self.done: set[tuple[str, str]] = set()  # (course, module)

    def pause(self, low: float | None = None) -> bool:
        """Wait like a person; False when the run is over."""
        low = self.args.pause_min if low is None else low
        left = self.shared.end - time.perf_counter()
        if left <= 0:
            return False
        time.sleep(min(self.rng.uniform(low, self.args.pause_max), left))
        return time.perf_counter() < self.shared.end

    def call(self, route: str, method: str, url: str, payload=None, expect=(200,), allowed=()):
        """One request; the JSON (or text) of an expected answer, else None with the error counted.
        ``allowed`` statuses are expected refusals: counted apart, returned as (status, None)."""
        body = None if payload is None else json.dumps(payload).encode()
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            try:
                self.conn.request(method, url, body=body, headers=headers)
                response = self.conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the idle kept-alive connection before reading this request:
                # open a new one and send it again, once, as a browser does.
                self.reconnects += 1
                self.conn.close()
                self.conn.request(method, url, body=body, headers=headers)
                response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.requests.append((route, began - self.shared.began, time.perf_counter() - began, 0))
            self.errors.append(f"{route}: {type(exc).__name__}: {exc}")
            self.conn.close()
            return None
        self.requests.append((route, began - self.shared.began, time.perf_counter() - began, response.status))
        if response.status in allowed:
            self.expected[f"{route} {response.status}"] += 1
            return response.status, None
        if response.status not in expect:
            self.errors.append(f"{route}: HTTP {response.status} {data[:160]!r}")
            return None
        if "json" not in (response.getheader("Content-Type") or ""):
            return data.decode("utf-8", "replace")
        try:
            return json.loads(data)
        except ValueError:
            self.errors.append(f"{route}: not JSON: {data[:160]!r}")
            return None

    def fail(self, message: str) -> None:
        self.errors.append(message[:300])

    def run(self) -> None:
        try:
            if self.pause(0.0):  # the users arrive spread over the first seconds
                getattr(self, self.role)()
        except Exception as exc:  # a user's failure is counted, not fatal
            self.fail(f"{self.role}: {type(exc).__name__}: {exc}")
        finally:
            self.conn.close()

    # --------------------------------------------------------------- the roles

    def fellow(self) -> None:
        rng, slugs = self.rng, sorted(self.shared.data["slugs"])
        exhausted: set[int] = set()
        while True:
            catalogue = self.call(R_CATALOGUE, "GET", "/api/v1/courses")
            if catalogue is not None and sorted(c["slug"] for c in catalogue["courses"]) != slugs:
                self.fail(f"{R_CATALOGUE}: a fellow sees {[c['slug'] for c in catalogue['courses']]}")
            if not self.pause():
                return
            slug = rng.choice(slugs)
            course = self.call(R_COURSE, "GET", f"/api/v1/courses/{slug}")
            if course is None:
                if not self.pause():
                    return
                continue
            modules = [m["slug"] for m in course["modules"]]
            first = rng.randrange(len(modules))
            for module in modules[first:first + rng.randint(1, 3)]:
                if not self.pause():
                    return
                page = self.call(R_MODULE, "GET", f"/api/v1/courses/{slug}/modules/{module}")
                if page is not None and (page.get("slug") != module or not page.get("html")):
                    self.fail(f"{R_MODULE}: unexpected body {str(page)[:160]}")
                if rng.random() < 0.7:  # read, and marked as done
                    if not self.pause():
                        return
                    done = self.call(R_DONE, "POST", f"/api/v1/courses/{slug}/modules/{module}/complete")
                    if done is not None:
                        if done.get("module") == module:
                            self.done.add((slug, module))
                        else:
                            self.fail(f"{R_DONE}: unexpected body {done}")
            quizzes = [q["id"] for q in course["quizzes"] if q["id"] not in exhausted]
            if quizzes and rng.random() < 0.6:
                if not self.pause():
                    return
                quiz_id = rng.choice(quizzes)
                if self.take_quiz(quiz_id) == "exhausted":
                    exhausted.add(quiz_id)
            if not self.pause():
                return

    def take_quiz(self, quiz_id: int) -> str | None:
        """Start (or resume), autosave 3 to 5 times, submit; 'exhausted' on the expected 409."""
        rng = self.rng
        started = self.call(R_START, "POST", f"/api/v1/quizzes/{quiz_id}/attempts", expect=(201, 200),
                            allowed=(409,))
        if started is None:
            return None
        if isinstance(started, tuple):  # 409: every attempt used
            return "exhausted"
        questions = [q for q in started.get("questions", []) if q["kind"] != "description"]
        if not started.get("id") or not questions:
            self.fail(f"{R_START}: unexpected body {str(started)[:160]}")
            return None
        attempt_id = started["id"]
        self.started.append(attempt_id)
        url = f"/api/v1/attempts/{attempt_id}"
        final: dict[str, object] = {}
        saves = rng.randint(3, 5)
        for save_number in range(1, saves + 1):
            if not self.pause():
                return None  # the run is over: the attempt stays in progress
            upto = math.ceil(len(questions) * save_number / saves)
            for item in questions[:upto]:  # new ones, the growing essay, now and then a changed mind
                if item["id"] not in final or item["kind"] == "essay" or rng.random() < 0.3:
                    final[item["id"]] = answer(item, rng, save_number)
            sent = {item["id"]: final[item["id"]] for item in questions[:upto]}
            saved = self.call(R_SAVE, "PUT", url + "/answers", {"answers": sent})
            if saved is None:
                continue
            if saved != {"saved": len(sent)}:
                self.fail(f"{R_SAVE}: sent {len(sent)} answers, the answer was {saved}")
                continue
            for question, value in sent.items():
                self.answers[(attempt_id, question)] = value
        if not self.pause():
            return None
        result = self.call(R_SUBMIT, "POST", url + "/submit")
        if result is None:
            return None
        essays = [q["id"] for q in questions if q["kind"] == "essay"]
        if result.get("max_score") != float(len(questions)) or result.get("pending_grading") is not bool(essays):
            self.fail(f"{R_SUBMIT}: unexpected result {result}")
            return None
        self.submitted.append(attempt_id)
        if essays:
            self.shared.put_essay(attempt_id, essays)
        return None

    def instructor(self) -> None:
        rng, session_id = self.rng, self.shared.data["session_id"]
        quizzes = len(self.shared.data["quizzes"])
        while True:
            book = self.call(R_GRADEBOOK, "GET", f"/api/v1/sessions/{session_id}/gradebook")
            if book is not None and (len(book.get("fellows", [])) != self.shared.fellows
                                     or len(book.get("quizzes", [])) != quizzes):
                self.fail(f"{R_GRADEBOOK}: {len(book.get('fellows', []))} fellows and "
                          f"{len(book.get('quizzes', []))} quizzes, expected {self.shared.fellows} and {quizzes}")
            for _ in range(rng.randint(1, 4)):
                if not self.pause():
                    return
                item = self.shared.take_essay()
                if item is None:
                    break
                attempt_id, questions = item
                attempt = self.call(R_ATTEMPT, "GET", f"/api/v1/attempts/{attempt_id}")
                if attempt is not None and attempt.get("submitted") is not True:
                    self.fail(f"{R_ATTEMPT}: attempt {attempt_id} is not submitted")
                for number, question in enumerate(questions):
                    if not self.pause():
                        self.shared.put_essay(attempt_id, questions[number:])  # still waiting at the end
                        return
                    points = rng.choice(POINTS)
                    feedback = f"Graded by {self.email} under load: {rng.randrange(10**6)}."
                    graded = self.call(R_GRADE, "POST", f"/api/v1/attempts/{attempt_id}/grades",
                                       {"question": question, "points": points, "feedback": feedback})
                    if graded is None:
                        continue
                    self.grades[(attempt_id, question)] = (points, feedback)
                    if graded.get("pending_grading") is not False or graded.get("passed") is None:
                        self.fail(f"{R_GRADE}: attempt {attempt_id} still pending after its essay: {graded}")
            if not self.pause():
                return

    def partner(self) -> None:
        rng, slugs = self.rng, sorted(self.shared.data["slugs"])
        expected = self.shared.data["exchanges_of"][self.email]
        while True:
            query = rng.choice(("", "", "?q=sand", "?topic=monitoring", "?partner=GDI", "?language=en"))
            listed = self.call(R_CATALOGUE, "GET", "/api/v1/courses" + query)
            if listed is not None and not query and sorted(c["slug"] for c in listed["courses"]) != slugs:
                self.fail(f"{R_CATALOGUE}: partner staff see {[c['slug'] for c in listed['courses']]}")
            if not self.pause():
                return
            listed = self.call(R_EXCHANGES, "GET", "/api/v1/exchanges")
            if listed is not None and len(listed.get("exchanges", [])) != expected:
                self.fail(f"{R_EXCHANGES}: {len(listed.get('exchanges', []))} exchanges, expected {expected}")
            if not self.pause():
                return

    def visitor(self) -> None:
        rng, codes = self.rng, self.shared.data["codes"]
        known = sorted(codes)
        while True:
            if rng.random() < 0.1:  # a mistyped code
                code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
                status, serial = "unknown", None
            else:
                code = rng.choice(known)
                status, serial = codes[code]
            got = self.call(R_VERIFY, "GET", f"/api/v1/verify/{code}")
            if got is not None and (got.get("status") != status or got.get("serial") != serial):
                self.fail(f"{R_VERIFY}: {got}, expected {status} {serial}")
            if not self.pause():
                return
            page = self.call(R_VERIFY_PAGE, "GET", f"/verify/{code}", allowed=(404,) if serial is None else ())
            if isinstance(page, str) and serial not in page:
                self.fail(f"{R_VERIFY_PAGE}: the page does not show the serial {serial}")
            if not self.pause():
                return


def run_users(port: int, people: list[tuple[str, str | None, str | None]], shared: Shared, args) -> list[User]:
    """All users, released together, for args.seconds; returns them with what they met with."""
    users = [User(role, email, token, port, args.seed * 100_000 + index, args, shared)
             for index, (role, email, token) in enumerate(people)]
    barrier = threading.Barrier(len(users) + 1)

    def go(user: User) -> None:
        barrier.wait(timeout=120)
        user.run()

    threads = [threading.Thread(target=go, args=(u,), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    shared.began = time.perf_counter()
    shared.end = shared.began + args.seconds
    barrier.wait(timeout=120)
    for thread in threads:
        thread.join()
    return users


def rate_limit_probe(port: int, email: str) -> list[int]:
    """11 failed logins for one account, each on a new connection (so on any worker)."""
    statuses = []
    for _ in range(11):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("POST", "/api/v1/auth/token",
                         body=json.dumps({"email": email, "password": "not-the-password-at-all"}),
                         headers={"Content-Type": "application/json", "Connection": "close"})
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        except (OSError, http.client.HTTPException):
            statuses.append(0)
        finally:
            conn.close()
    return statuses


# ------------------------------------------------------------------ the check


def check_database(app, users: list[User]) -> dict:
    """What the database holds against what the server said it saved."""
    with app.app_context():
        grader = sa.orm.aliased(UserModel)
        rows = db.session.execute(
            sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question, AttemptAnswer.value,
                      AttemptAnswer.fraction, AttemptAnswer.grader_feedback, grader.email)
            .outerjoin(grader, grader.id == AttemptAnswer.graded_by_id)).all()
        submitted_at = dict(db.session.execute(sa.text("SELECT id, submitted_at FROM attempts")).all())
        totals = db.session.execute(sa.text(
            "SELECT a.id, a.score, a.pending_grading, a.passed, "
            "coalesce(sum(x.fraction), 0), bool_or(x.fraction IS NULL AND x.question IS NOT NULL) "
            "FROM attempts a LEFT JOIN attempt_answers x ON x.attempt_id = a.id "
            "WHERE a.submitted_at IS NOT NULL GROUP BY a.id")).all()
        done = set(db.session.execute(sa.text(
            "SELECT u.email, c.slug, m.module_slug FROM module_completions m "
            "JOIN users u ON u.id = m.user_id JOIN courses c ON c.id = m.course_id")).all())
        deadlocks = db.session.scalar(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) or 0
    stored = {(a, str(q)): (v, f, fb, grader) for a, q, v, f, fb, grader in rows}
    sent = {key: value for u in users for key, value in u.answers.items()}
    answers_same = sum(1 for key, value in sent.items() if key in stored and stored[key][0] == value)
    answers_missing = sum(1 for key in sent if key not in stored)
    submits = [a for u in users for a in u.submitted]
    submits_ok = sum(1 for a in submits if submitted_at.get(a) is not None)
    grades = {key: (value, u.email) for u in users for key, value in u.grades.items()}
    grades_ok = sum(1 for key, ((points, feedback), grader) in grades.items()
                    if key in stored and stored[key][1] is not None and abs(stored[key][1] - points) < 1e-9
                    and stored[key][2] == feedback and stored[key][3] == grader)
    marked = {(u.email, slug, module) for u in users for slug, module in u.done}
    # An attempt's totals must follow its answers (every question here is worth one point).
    wrong_totals = [attempt_id for attempt_id, score, pending, passed, total, any_pending in totals
                    if abs((score or 0) - round(total, 4)) > 1e-6 or bool(pending) != bool(any_pending)
                    or (passed is None) != bool(pending)]
    return {"sent": len(sent), "answers_same": answers_same, "answers_missing": answers_missing,
            "answers_rows": len(rows), "started": sum(len(u.started) for u in users),
            "submits": len(submits), "submits_ok": submits_ok,
            "in_progress": sum(1 for u in users for a in u.started if submitted_at.get(a) is None),
            "grades": len(grades), "grades_ok": grades_ok, "marked": len(marked),
            "marked_ok": len(marked & done), "completions": len(done), "totals": len(totals),
            "wrong_totals": wrong_totals, "deadlocks": deadlocks}


def deadlocks_now(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) or 0


# ------------------------------------------------------------------ figures


def print_routes(users: list[User]) -> None:
    times: dict[str, list[float]] = {route: [] for route in ROUTES}
    statuses: dict[str, Counter] = {route: Counter() for route in ROUTES}
    for user in users:
        for route, _began, seconds, status in user.requests:
            times[route].append(seconds)
            statuses[route][status] += 1
    every = [t for route in ROUTES for t in times[route]]
    width = max(len(r) for r in ROUTES)
    for route in (*ROUTES, "all"):
        seconds = every if route == "all" else times[route]
        if not seconds:
            continue
        p50, p95, p99 = percentiles_ms(seconds)
        shown = "" if route == "all" else "  " + " ".join(
            f"{s or 'none'}x{n}" for s, n in sorted(statuses[route].items()))
        print(f"    {route:{width}} {len(seconds):6,}  p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f}  "
              f"max {max(seconds) * 1000:7.1f} ms{shown}")


def per_window(users: list[User], seconds: float, window: float = 20.0) -> str:
    counts = Counter(int(began // window) for u in users for _r, began, _s, _st in u.requests)
    n = max(1, math.ceil(seconds / window))
    return ", ".join(f"{counts.get(i, 0) / min(window, seconds - i * window):.0f}" for i in range(n))


def error_summary(users: list[User]) -> Counter:
    kinds: Counter = Counter()
    for user in users:
        for error in user.errors:
            kinds[error.split(" b'")[0].split(" b\"")[0].split(" {")[0][:140]] += 1
    return kinds


# ------------------------------------------------------------------ the run


def run(args, url: str, scratch: str | None, store: redis.Redis) -> int:
    started = time.perf_counter()
    counts = mix(args.users)
    fellows = counts["fellow"] + IDLE_FELLOWS + CERTIFIED
    with bench_app(url, PASSWORD_HASH_METHOD=FAST_HASH) as app, \
            tempfile.TemporaryDirectory(prefix="gdi-load-") as tmp:
        tmp = Path(tmp)
        label = backend_label(app)
        t0 = time.perf_counter()
        data = build(app, fellows)
        setup_s = time.perf_counter() - t0
        deadlocks_before = deadlocks_now(app)
        shared = Shared(data, fellows)
        # Who plays whom: fellows on their own accounts; instructors and staff share the 10 accounts of each.
        cast = ([("fellow", e) for e in data["fellows"][:counts["fellow"]]]
                + [("instructor", data["instructors"][i % INSTRUCTORS]) for i in range(counts["instructor"])]
                + [("partner", data["staff"][i % len(data["staff"])]) for i in range(counts["partner"])])
        random.Random(args.seed).shuffle(cast)  # roles interleaved, so no role starts first

        instance = str(tmp / "instance")
        app_env = server_env(database_uri(url, ""), SECRET_KEY=secrets.token_urlsafe(32),
                             PASSWORD_HASH_METHOD=FAST_HASH, REDIS_URL=args.redis)
        with Gunicorn(f"institute:create_app(instance_path={instance!r})", args.workers,
                      app_env, tmp / "app.log", probe="/api/v1/openapi.json") as server:
            t0 = time.perf_counter()
            tokens, token_statuses = get_tokens(server.port, [email for _role, email in cast])
            tokens_s = time.perf_counter() - t0
            if None in tokens:
                print(f"Token phase failed: statuses {dict(token_statuses)}\n{server.tail()}")
                return 1
            people = [(role, email, token) for (role, email), token in zip(cast, tokens, strict=True)]
            people += [("visitor", None, None)] * counts["visitor"]
            keys_after_tokens = store.dbsize()
            start_pss_mb, start_private_mb, _workers = server.workers_memory_mb()
            cpu = time.process_time()
            server_cpu = server.cpu_seconds()
            users = run_users(server.port, people, shared, args)
            wall = time.perf_counter() - shared.began
            server_cpu = server.cpu_seconds() - server_cpu
            client_cpu = (time.process_time() - cpu) / wall
            check = check_database(app, users)
            check["deadlocks"] -= deadlocks_before
            pss_mb, private_mb, pss_workers = server.workers_memory_mb()  # after the load, before anything else
            probe = rate_limit_probe(server.port, data["fellows"][-1])
            redis_keys = store.dbsize()
            gunicorn_version = subprocess.run([str(GUNICORN), "--version"],  # noqa: S603
                                              capture_output=True, text=True).stdout.strip()
        problems = server.problems()
    total_s = time.perf_counter() - started

    requests = [r for u in users for r in u.requests]
    statuses = Counter(status for _r, _b, _s, status in requests)
    five = sum(n for s, n in statuses.items() if s >= 500)
    too_many = statuses.get(429, 0)
    errors = sum(len(u.errors) for u in users)
    expected = sum((u.expected for u in users), Counter())
    reconnects = sum(u.reconnects for u in users)
    in_flight = sum(s for _r, _b, s, _st in requests) / wall
    probe_ok = probe == [401] * 10 + [429]
    lost = {
        "answers": check["sent"] - check["answers_same"],
        "submissions": check["submits"] - check["submits_ok"],
        "grades": check["grades"] - check["grades_ok"],
        "modules done": check["marked"] - check["marked_ok"],
        "attempt totals": len(check["wrong_totals"]),
    }
    failures = [f"{five} x 5xx"] if five else []
    failures += [f"{errors - five} other errors"] if errors - five > 0 else []
    failures += [f"{n} {what} lost or wrong" for what, n in lost.items() if n]
    failures += [] if probe_ok else [f"failed-login limit not shared through Redis ({probe})"]
    where = ("scratch database created for this run, dropped at the end" if scratch
             else "given with --postgres, schema emptied first")
    waiting = len(shared.essays)

    print(f"Load: {args.users} users of every role for {args.seconds:g} s against gunicorn on PostgreSQL, "
          f"failed-login limits in Redis")
    print(f"  database     {label}; {where}")
    print(f"  redis        REDIS_URL {args.redis} (Redis {store.info('server')['redis_version']}), flushed before "
          f"and after")
    print(f"  server       {gunicorn_version}, {args.workers} threaded workers (gunicorn.conf.py) on 127.0.0.1 "
          f"('institute:create_app()', DATABASE_URL, REDIS_URL, random SECRET_KEY, PASSWORD_HASH_METHOD "
          f"{FAST_HASH}, temporary instance folder)")
    print(f"  machine      {machine_label()}; the {len(people)} users run in this process, on the same machine, "
          f"and took {client_cpu:.2f} CPU of it during the load")
    print(f"  set-up       in {setup_s:.1f} s: the {len(data['slugs'])} courses of courses/ "
          f"({', '.join(data['slugs'])}; {data['modules']} modules; quizzes "
          + ", ".join(f"{t!r} {n} attempts" for t, n in data["quizzes"])
          + f") imported and published; one session with them, {fellows} accepted fellows, {INSTRUCTORS} "
          f"instructors, {len(data['staff'])} partner staff; {data['exchanges']} exchanges; {CERTIFIED} fellows "
          f"completed everything through the services and were certified (issue_session), 1 certificate revoked")
    print(f"  tokens       {len(tokens)} through POST /api/v1/auth/token in {tokens_s:.1f} s, 8 at a time: "
          f"statuses {dict(sorted(token_statuses.items(), key=str))}; Redis keys then: {keys_after_tokens}")
    print(f"  users        {counts['fellow']} fellows (own accounts), {counts['instructor']} instructors "
          f"(on {min(INSTRUCTORS, counts['instructor'])} accounts), {counts['partner']} partner staff "
          f"(on {min(len(data['staff']), counts['partner'])} accounts), "
          f"{counts['visitor']} anonymous visitors; each its own keep-alive http.client connection, a pause of "
          f"{args.pause_min:g} to {args.pause_max:g} s (uniform, seed {args.seed}) before every request; "
          f"time.perf_counter around each request")
    print("  routes       count, latency in ms, statuses")
    print_routes(users)
    print(f"  throughput   {len(requests):,} requests in {wall:.1f} s: {len(requests) / wall:.0f} requests/s "
          f"(per 20 s: {per_window(users, args.seconds)}); on average {in_flight:.1f} requests in flight "
          f"for {args.workers} workers; {reconnects} connections reopened after a keep-alive close")
    print(f"  server CPU   {server_cpu:.1f} s of user + system CPU for gunicorn's master and workers during the "
          f"load ({server_cpu / wall:.2f} of the machine's {os.cpu_count()} CPUs; "
          f"{1000 * server_cpu / max(len(requests), 1):.1f} ms per request; PostgreSQL and Redis not counted)")
    gradebook_p95 = percentiles_ms([s for route, _b, s, _st in requests if route == R_GRADEBOOK] or [0.0])[1]
    print(f"  gradebook    p95 {gradebook_p95:.0f} ms ({R_GRADEBOOK.split()[1]})   target < {GRADEBOOK_P95_MS} ms -> "
          f"{verdict(gradebook_p95, GRADEBOOK_P95_MS - 0.001)}")
    print(f"  memory       the {pss_workers} workers' PSS together after the load: {pss_mb:.0f} MB "
          f"(Pss of /proc/<pid>/smaps_rollup, shared pages split between the processes sharing them; "
          f"{private_mb:.0f} MB of it private: pages only one worker holds); {start_pss_mb:.0f} MB before the "
          f"load ({start_private_mb:.0f} MB private)   "
          f"target ≤ {PSS_TARGET_MB} MB -> {verdict(pss_mb, PSS_TARGET_MB)}")
    print(f"  work         attempts started {check['started']} ({check['in_progress']} left in progress at the "
          f"end), answers saved {check['sent']:,}, submitted {check['submits']}, essays graded {check['grades']} "
          f"({waiting} still waiting), modules marked done {check['marked']:,}")
    print("  expected     " + (", ".join(f"{k} x {n}" for k, n in sorted(expected.items())) or "none")
          + "  (409: the quiz's attempts are used up; 404: the HTML page of a mistyped code)")
    print(f"  errors       {errors}: 5xx {five}, 429 {too_many}")
    for kind, count in error_summary(users).most_common(12):
        print(f"    {count:5} x {kind}")
    print(f"  answers      {check['answers_same']:,} of {check['sent']:,} saved (question, attempt) pairs hold the "
          f"last value a 200 save sent ({check['answers_missing']} missing); {check['answers_rows']:,} rows in "
          f"attempt_answers")
    print(f"  submissions  {check['submits_ok']} of {check['submits']} answered 200 are submitted")
    print(f"  grades       {check['grades_ok']} of {check['grades']} stored with their points, feedback and grader")
    print(f"  modules      {check['marked_ok']:,} of {check['marked']:,} marked done are in module_completions "
          f"({check['completions']:,} rows, set-up included)")
    print(f"  totals       {check['totals'] - len(check['wrong_totals'])} of {check['totals']} submitted attempts "
          f"have the score and pending state their answers give"
          + (f"; wrong: {check['wrong_totals'][:10]}" if check["wrong_totals"] else ""))
    print(f"  rate limit   11 failed logins for one account after the load: {probe} -> "
          + ("10 x 401 then 429: the 4 workers share the limit" if probe_ok else "NOT 10 x 401 then 429")
          + f"; {redis_keys} keys in the Redis database")
    print(f"  server log   {len(problems)} lines of trouble (tracebacks, timeouts, deadlocks); PostgreSQL "
          f"deadlocks in the run: {check['deadlocks']}")
    for line in problems[:15]:
        print(f"    {line[:200]}")
    print("  verdict      " + ("no 5xx, nothing lost" if not failures else "FAILED (exit 1): " + "; ".join(failures)))
    print(f"  run time     {total_s:.1f} s")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="300 users of every role for two minutes against gunicorn on "
                                     "PostgreSQL with Redis: latency per route, errors, and nothing lost.")
    options(parser)
    args = parser.parse_args()
    if args.users < 4 or args.seconds <= 0 or args.workers < 1 or not 0 <= args.pause_min <= args.pause_max \
            or args.pause_max <= 0:
        parser.error("--users is at least 4 (one of each role), --seconds and --pause-max positive, "
                     "0 <= --pause-min <= --pause-max, --workers at least 1")
    store = redis.Redis.from_url(args.redis)
    if not store.connection_pool.connection_kwargs.get("db"):
        parser.error("--redis must name a Redis database of its own, not 0 (e.g. redis://127.0.0.1:6379/14): "
                     "it is flushed")
    if not GUNICORN.exists():
        raise SystemExit(f"{GUNICORN} is missing: install the project in .venv first")
    try:
        store.ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {args.redis} does not answer: {exc}") from None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop gunicorn, drop the database
    scratch, url = None, args.postgres
    store.flushdb()
    try:
        if not url:
            scratch, url = scratch_database(args.server, "gdi_load")
        code = run(args, url, scratch, store)
    finally:
        if scratch:
            drop_database(args.server, scratch)
        store.flushdb()
    sys.exit(code)


if __name__ == "__main__":
    main()
