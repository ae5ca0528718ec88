"""Benchmark: server time of a session's cohort page, for 15 and for 1,000 fellows.

Imports and publishes the real courses of ``courses/`` into a fresh database,
creates two sessions of those courses, fills one with 15 fellows and the other
with 1,000 (real accounts, applications and decisions through the services;
seeded random module completions), logs an admin in with Flask's test client
and times ``GET /sessions/<id>/cohort`` for both. Each page has its own floor:
a bare Flask app, built in this script, whose one route returns the very bytes
that page returned. The four are timed the same way, in interleaved rounds, in
this run. Also prints the page size and the SQL statements one request runs:
the cohort is read in a fixed number of queries, so 1,000 fellows must cost
as many queries as 15.

    .venv/bin/python bench/cohort_page.py [--postgres URL] [--show-queries]

Prints figures; never asserts a timing. Exits 1 only on a functional failure:
a page that does not answer 200 or does not list its whole cohort, or a query
count that grows with the number of fellows.
"""

import gzip
import random
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa
from _common import (
    ROOT,
    arguments,
    backend_label,
    bench_app,
    count_statements,
    floor_app,
    kb,
    machine_label,
    median_ms,
    spread_ms,
    timed,
)

from institute.accounts.models import User
from institute.accounts.services import create_user
from institute.courses.bundle import find_bundles, read_path
from institute.courses.importing import import_bundle
from institute.courses.models import Course, Module, ModuleCompletion
from institute.database import transaction
from institute.extensions import db
from institute.training import services as training

COURSES = ROOT / "courses"
ADMIN_EMAIL, PASSWORD = "admin@bench.example", "bench-admin-password"
FAST_HASH = "pbkdf2:sha256:1000"  # 1,015 accounts in seconds; the pages never check a password
SIZES = (15, 1000)  # fellows of session 2026-1 and of session 2026-2
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
COUNTRIES = ("KG", "KZ", "MN", "CN", "UZ", "TJ", "TM", "AF", "IR", "PK")
INSTITUTIONS = ("", "Kyrgyz National Agrarian University", "Forestry Service of Ömnögovi",
                "Ministry of Ecology", "Kubuqi Desert Research Station", "UCA Mountain Societies")
GIVEN = ("Aigerim", "Bolat", "Chen", "Dilnoza", "Erdene", "Farhod", "Gulnara", "Hu", "Ilyas",
         "Jamila", "Khulan", "Li Wei", "Madina", "Nurlan", "Oyunchimeg", "Parisa", "Rustam")
FAMILY = ("Abdrakhmanova", "Batbayar", "Zhang", "Karimov", "Tserendorj", "Nazarov", "Wang",
          "Sultanbekova", "Ganbold", "Rahimi", "Usmonov", "Li", "Dzhumabaeva", "Bekov")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def options(parser):
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds (default 6)")
    parser.add_argument("--per-round", type=int, default=30,
                        help="requests per round to the 15-fellow page and its floor (default 30)")
    parser.add_argument("--per-round-large", type=int, default=10,
                        help="requests per round to the 1,000-fellow page and its floor (default 10)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per app (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of names and progress")
    parser.add_argument("--show-queries", action="store_true",
                        help="print the SQL statements of one request to each cohort page")


# ------------------------------------------------------------------ data


def load_courses(app) -> list[str]:
    with app.app_context(), transaction():
        return [import_bundle(read_path(path), None, publish=True).course.slug
                for path in find_bundles(COURSES)]


def _fellow(rng: random.Random, sequence: int, number: int) -> dict:
    return {"email": f"fellow-{sequence}-{number:04d}@bench.example",
            "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "country": rng.choice(COUNTRIES), "institution": rng.choice(INSTITUTIONS)}


def build_cohorts(app, slugs: list[str], seed: int) -> tuple[list[tuple[int, int]], int]:
    """Two sessions of every course, full; returns ((session id, fellows), …) and completions.

    Fellows are real accounts (``create_user``) that apply (``training.apply``)
    and are accepted in one decision (``training.decide_many``), each session
    in its own transaction. Module completions are inserted as rows: each
    fellow has done each module with a probability drawn per fellow, some none,
    some all.
    """
    rng = random.Random(seed)
    today = date.today()
    with app.app_context(), transaction():
        admin_id = create_user(ADMIN_EMAIL, "Bench Admin", PASSWORD, roles=("admin",),
                               country="CN").id
        session_ids = [training.create_session({
            "title": f"Cohort bench 2026-{sequence} ({size} seats)",
            "year": 2026, "sequence": sequence, "seats": size,
            "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=80),
            "applications_open": today, "applications_close": today + timedelta(days=30),
            "place": "Kubuqi", "courses": slugs}).id for sequence, size in enumerate(SIZES, 1)]
        modules = list(db.session.execute(
            sa.select(Course.id, Module.slug)
            .join(Module, Module.revision_id == Course.published_revision_id)
            .where(Course.slug.in_(slugs)).order_by(Course.id, Module.position)))
    completions = 0
    for sequence, (session_id, size) in enumerate(zip(session_ids, SIZES, strict=True), 1):
        with app.app_context(), transaction():
            session = training.get_session(session_id)
            admin = db.session.get(User, admin_id)
            application_ids, rows = [], []
            for number in range(size):
                fellow = _fellow(rng, sequence, number)
                user = create_user(fellow["email"], fellow["name"], PASSWORD, roles=("trainee",),
                                   country=fellow["country"])
                application_ids.append(training.apply(session, user, MOTIVATION,
                                                      institution=fellow["institution"]).id)
                share = rng.choice((0.0, 1.0, rng.random(), rng.random(), rng.random()))
                rows += [{"user_id": user.id, "course_id": course_id, "module_slug": slug}
                         for course_id, slug in modules if rng.random() < share]
            training.decide_many(session, application_ids, "accept", admin)
            if rows:
                db.session.execute(sa.insert(ModuleCompletion), rows)
            completions += len(rows)
    return list(zip(session_ids, SIZES, strict=True)), completions


# ------------------------------------------------------------------ timing


class Page:
    """One cohort page, its floor, and what was measured of both."""

    def __init__(self, app, client, session_id: int, fellows: int, per_round: int):
        self.url = f"/sessions/{session_id}/cohort"
        self.fellows, self.per_round = fellows, per_round
        self.client = client
        response = client.get(self.url)
        if response.status_code != 200:
            raise SystemExit(f"GET {self.url} answered {response.status_code}")
        self.html = response.get_data()
        listed = self.html.count(f"/sessions/{session_id}/fellows/".encode())
        if f"<p>{fellows} fellows".encode() not in self.html or listed != fellows:
            raise SystemExit(f"GET {self.url} does not list its {fellows} fellows "
                             f"({listed} links to a fellow's progress)")
        self.floor_client = floor_app("/sessions/<int:session_id>/cohort", self.html,
                                      response.content_type).test_client()
        if self.floor_client.get(self.url).get_data() != self.html:
            raise SystemExit("the floor does not return the cohort page's bytes")
        self.app_times: list[float] = []
        self.floor_times: list[float] = []
        self.statements: list[str] = []

    @property
    def queries(self) -> list[str]:
        return [s for s in self.statements if not s.upper().startswith(TRANSACTION_CONTROL)]


def _n(number: int) -> str:
    return f"{number:,}"


def report(page: Page, show_queries: bool) -> None:
    app_ms, floor_ms = median_ms(page.app_times), median_ms(page.floor_times)
    html = page.html
    control = [s for s in page.statements if s not in page.queries]
    print(f"  {_n(page.fellows)} fellows: GET {page.url} ({len(page.app_times)} requests each)")
    print(f"    cohort page  median {app_ms:8.3f} ms  ({spread_ms(page.app_times)})")
    print(f"    floor        median {floor_ms:8.3f} ms  ({spread_ms(page.floor_times)})  "
          f"bare Flask app returning the same {kb(len(html))}")
    print(f"    ratio        {app_ms / floor_ms:.1f}")
    print(f"    page         HTML {kb(len(html))} (uncompressed; gzipped {kb(len(gzip.compress(html)))})")
    kinds = ", ".join(sorted({s.split()[0] for s in control}))
    print(f"    SQL queries  {len(page.queries)} per request"
          + (f" (+{len(control)} transaction control: {kinds})" if control else ""))
    if show_queries:
        for number, statement in enumerate(page.statements, 1):
            print(f"      {number:2}. {statement[:160]}{'…' if len(statement) > 160 else ''}")


def main() -> None:
    args = arguments("Server time of a cohort page for 15 and for 1,000 fellows, "
                     "as ratios to a bare Flask floor.", options)
    started = time.perf_counter()
    with bench_app(args.postgres, PASSWORD_HASH_METHOD=FAST_HASH) as app:
        t0 = time.perf_counter()
        slugs = load_courses(app)
        import_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        sessions, completions = build_cohorts(app, slugs, args.seed)
        cohorts_s = time.perf_counter() - t0

        client = app.test_client()
        login = client.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
        if login.status_code != 302:
            raise SystemExit(f"login failed: POST /login answered {login.status_code}")
        per_round = dict(zip(SIZES, (args.per_round, args.per_round_large), strict=True))
        pages = [Page(app, client, session_id, fellows, per_round[fellows])
                 for session_id, fellows in sessions]

        for page in pages:
            timed(page.client, page.url, args.warmup)
            timed(page.floor_client, page.url, args.warmup)
        for round_ in range(args.rounds):  # alternate which goes first, to be fair to all
            order = [(page, which) for page in pages for which in ("app", "floor")]
            for page, which in (order if round_ % 2 == 0 else order[::-1]):
                if which == "app":
                    page.app_times += timed(page.client, page.url, page.per_round)
                else:
                    page.floor_times += timed(page.floor_client, page.url, page.per_round)

        for page in pages:
            page.statements = count_statements(app, client, page.url)
        label = backend_label(app)
    total_s = time.perf_counter() - started

    small, large = pages
    print(f"Cohort page: GET /sessions/<id>/cohort for {_n(small.fellows)} and for "
          f"{_n(large.fellows)} fellows")
    print(f"  database     {label}; imported {len(slugs)} courses ({', '.join(slugs)}) "
          f"in {import_s:.1f} s")
    print(f"  cohorts      sessions 2026-1 ({_n(small.fellows)} seats) and 2026-2 "
          f"({_n(large.fellows)} seats) of the {len(slugs)} courses, full, built in {cohorts_s:.1f} s:")
    print(f"               fellows created with accounts.services.create_user ({FAST_HASH}), "
          f"applied with training.apply, accepted with one training.decide_many per session;")
    print(f"               {_n(completions)} ModuleCompletion rows inserted directly "
          f"(a seeded random share of the modules per fellow, seed {args.seed})")
    print(f"  machine      {machine_label()}")
    print(f"  method       Flask test client, time.perf_counter around client.get; "
          f"{args.rounds} interleaved rounds (order reversed every other round) of "
          f"{args.per_round} requests to the {_n(small.fellows)}-fellow page and to its floor and "
          f"{args.per_round_large} to the {_n(large.fellows)}-fellow page and to its floor, "
          f"after {args.warmup} warm-up each; logged in as an admin")
    for page in pages:
        report(page, args.show_queries)
    growth = median_ms(large.app_times) / median_ms(small.app_times)
    print(f"  scaling      {_n(large.fellows)}-fellow page / {_n(small.fellows)}-fellow page: "
          f"{growth:.1f}x the time for {large.fellows / small.fellows:.1f}x the fellows")
    same = len(small.queries) == len(large.queries)
    print(f"  query check  {len(small.queries)} queries for {_n(small.fellows)} fellows, "
          f"{len(large.queries)} for {_n(large.fellows)} -> "
          + ("equal: the count does not grow with the cohort" if same
             else "NOT EQUAL: the count grows with the cohort (exit 1)"))
    print(f"  run time     {total_s:.1f} s")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
