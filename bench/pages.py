"""Benchmark: every page a cohort lives on, as a ratio to the module page measured in the same run.

Imports and publishes the real courses of ``courses/`` into a fresh database,
creates a session of those courses with ``--fellows`` accepted fellows (real
accounts through the services), an instructor teaching it and partner staff;
the first ``--done`` fellows complete the session at set-up (every module
done, every quiz started, saved with the right answers and submitted through
the attempts service, essays graded), so the cohort, the gradebook and the
dashboards have progress and attempts to show. Then, with Flask's test client
(no network, no WSGI server), times for each role the course page, the
dashboard, the session page, the cohort page, the gradebook and the quiz flow
on pages (start, autosave, submit, result) and through the API (start, 5
autosaves, submit), each in alternating rounds with the module page, whose
median is the unit: every page prints its median, its ratio to the module
page and the SQL statements one request runs (without transaction control).
Every page but the module page is measured twice: kept (served again by the
worker that rendered it, institute/page_cache.py: what a reader who comes back
before anything changed costs) and computed (KEPT_PAGES off: what the first
reader after a change costs).

    .venv/bin/python bench/pages.py [--postgres URL] [--fellows 60] [--show-queries PAGE]
    .venv/bin/python bench/pages.py --profile "course page"   # cProfile of that page computed
    .venv/bin/python bench/pages.py --profile "course page (kept)"

The quiz flow needs a new attempt for each start, so each of its samples is a
fellow of their own (``--takers``, accepted into the session at set-up) taking
the first quiz once. Prints figures; never asserts a timing. Exits 1 only on
a functional failure (a page that does not answer as it should).
"""

import cProfile
import os
import pstats
import re
import statistics
import time
from datetime import date, timedelta

from _common import (
    ROOT,
    arguments,
    backend_label,
    bench_app,
    complete_session,
    count_statements,
    machine_label,
    median_ms,
    spread_ms,
    timed,
    verdict,
)

from institute.accounts.services import create_user, load_partners, user_by_email
from institute.courses.bundle import find_bundles, read_path
from institute.courses.importing import import_bundle
from institute.courses.services import get_course, mark_done
from institute.database import reads_seen_by, transaction
from institute.extensions import db
from institute.questions import type_of
from institute.training import services as training

COURSES = ROOT / "courses"
FAST_HASH = "pbkdf2:sha256:1000"  # many accounts in seconds; only the logins check a password
PASSWORD = "bench-password"  # noqa: S105 - the bench accounts' password
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
SLUG, MODULE = "remote-sensing-monitoring", "remote-sensing-basics"
RATIO_TARGET = 2.0
KEPT = (True, False)  # each page kept, then computed
SAVES = 5
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
ADMIN, TEACHER, FELLOW = "admin@bench.example", "teacher@bench.example", "fellow-0000@bench.example"


def options(parser):
    parser.add_argument("--fellows", type=int, default=60, help="accepted fellows of the session (default 60)")
    parser.add_argument("--done", type=int, default=20,
                        help="of them, fellows who completed the session at set-up (default 20)")
    parser.add_argument("--takers", type=int, default=60,
                        help="fellows who take the quiz once each during the run (default 60)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds (default 6)")
    parser.add_argument("--per-round", type=int, default=15, help="requests per page per round (default 15)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per page")
    parser.add_argument("--show-queries", metavar="PAGE", help="print the statements of this page")
    parser.add_argument("--profile", metavar="PAGE",
                        help="print a cProfile of 100 requests of this page ('quiz api', 'quiz pages': "
                             "of the takers' attempts)")


def build(app, fellows: int, done: int, takers: int) -> dict:
    today = date.today()
    with app.app_context(), transaction():
        load_partners()
        slugs = [import_bundle(read_path(path), None, publish=True).course.slug
                 for path in find_bundles(COURSES)]
        courses = [get_course(slug) for slug in slugs]
        admin = create_user(ADMIN, "Bench Admin", PASSWORD, roles=("admin",), country="CN")
        create_user(TEACHER, "Bench Teacher", PASSWORD, roles=("instructor",), country="CN")
        partner = courses[0].partner.code
        create_user("staff@bench.example", "Bench Staff", PASSWORD, roles=("partner",), partner=partner,
                    country=None)
        session = training.create_session({
            "title": "Pages 2026-1", "year": today.year, "sequence": 1, "seats": fellows + takers,
            "starts_on": today - timedelta(days=10), "ends_on": today + timedelta(days=60),
            "applications_open": today - timedelta(days=40), "applications_close": today - timedelta(days=20),
            "place": "Kubuqi", "courses": slugs, "instructors": [TEACHER]})
        emails, ids = [], []
        for number in range(fellows + takers):
            email = f"fellow-{number:04d}@bench.example"
            user = create_user(email, f"Fellow {number:04d}", PASSWORD, roles=("trainee",), country="KG")
            ids.append(training.apply(session, user, MOTIVATION, today=session.applications_open).id)
            emails.append(email)
        training.decide_many(session, ids, "accept", admin)
        grader = user_by_email(TEACHER)
        for email in emails[:done]:
            complete_session(user_by_email(email), courses, grader)
        # The dashboard's fellow is halfway through the first course.
        fellow = user_by_email(FELLOW) if done == 0 else user_by_email(emails[done])
        for module in courses[0].published.modules[: len(courses[0].published.modules) // 2]:
            mark_done(fellow, courses[0], module.slug)
        quiz = courses[0].published.quizzes[0]
        return {"session": session.id, "slugs": slugs, "fellow": fellow.email, "takers": emails[fellows:],
                "quiz": quiz.id, "questions": [(i, type_of(q).kind, type_of(q).demo_answer(q, True))
                                               for i, q in enumerate(quiz.questions) if type_of(q).answerable],
                "course_quizzes": len(courses[0].published.quizzes)}


def logged_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: POST /login answered {response.status_code}")
    return client


def token_of(client, email: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    if response.status_code != 201:
        raise SystemExit(f"token of {email}: {response.status_code}")
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


class QuizFlow:
    """Each taker takes the quiz once, on pages or through the API, every step timed."""

    def __init__(self, app, data):
        self.app, self.data = app, data
        self.times: dict[str, list[float]] = {}
        self.statements: dict[str, list[str]] = {}
        self.takers = list(data["takers"])
        self.clients = {email: logged_in(app, email) for email in self.takers}
        self.tokens = {email: token_of(self.clients[email], email) for email in self.takers}

    def _step(self, name: str, call, expect: int, count: bool):
        if count:
            seen: list[str] = []
            with self.app.app_context():
                engine = db.engine

            def before(conn, cursor, statement, *_args):
                seen.append(" ".join(statement.split()))

            import sqlalchemy as sa
            sa.event.listen(engine, "before_cursor_execute", before)
            try:
                with reads_seen_by(lambda sql: seen.append(" ".join(sql.split()))):
                    response = call()
            finally:
                sa.event.remove(engine, "before_cursor_execute", before)
            self.statements[name] = seen
        else:
            start = time.perf_counter()
            response = call()
            response.get_data()
            self.times.setdefault(name, []).append(time.perf_counter() - start)
        if response.status_code != expect:
            raise SystemExit(f"quiz flow, {name}: answered {response.status_code}, expected {expect}: "
                             f"{response.get_data()[:300]!r}")
        return response

    def page_answers(self) -> dict:
        form = {}
        for index, kind, value in self.data["questions"]:
            if kind in ("essay", "shortanswer", "numerical"):
                form[f"q-{index}"] = str(value)
            elif kind in ("multichoice", "truefalse"):
                form[f"q-{index}"] = str(value if not isinstance(value, bool) else ("true" if value else "false"))
        return form

    def pages(self, email: str, count: bool = False) -> None:
        client, quiz = self.clients[email], self.data["quiz"]
        response = self._step("quiz start (page)", lambda: client.post(f"/quizzes/{quiz}/start"), 302, count)
        attempt = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
        self._step("quiz attempt page", lambda: client.get(f"/attempts/{attempt}"), 200, count)
        answers = self.page_answers()
        self._step("quiz autosave (page)", lambda: client.post(
            f"/attempts/{attempt}/save", data=answers, headers={"Accept": "application/json"}), 200, count)
        self._step("quiz submit (page)", lambda: client.post(
            f"/attempts/{attempt}/submit", data={"confirmed": "1"}), 302, count)
        self._step("quiz result page", lambda: client.get(f"/attempts/{attempt}"), 200, count)

    def api(self, email: str, count: bool = False) -> None:
        client, headers, quiz = self.clients[email], self.tokens[email], self.data["quiz"]
        start = time.perf_counter()
        response = self._step("quiz start (api)", lambda: client.post(
            f"/api/v1/quizzes/{quiz}/attempts", headers=headers), 201, count)
        attempt = response.get_json()["id"]
        answers = {str(i): value for i, _kind, value in self.data["questions"]}
        items = list(answers.items())
        for save in range(SAVES):
            share = dict(items[: max(1, len(items) * (save + 1) // SAVES)])
            self._step("quiz autosave (api)", lambda share=share: client.put(
                f"/api/v1/attempts/{attempt}/answers", json={"answers": share}, headers=headers), 200, count)
        self._step("quiz submit (api)", lambda: client.post(
            f"/api/v1/attempts/{attempt}/submit", headers=headers), 200, count)
        if not count:
            self.times.setdefault("quiz attempt (api, start + 5 saves + submit)", []).append(
                time.perf_counter() - start)


def main() -> None:
    args = arguments("Server time of every cohort page as a ratio to the module page, and its statements.",
                     options)
    started = time.perf_counter()
    with bench_app(args.postgres, PASSWORD_HASH_METHOD=FAST_HASH) as app:
        t0 = time.perf_counter()
        data = build(app, args.fellows, args.done, args.takers)
        setup_s = time.perf_counter() - t0
        sid, slug = data["session"], SLUG if SLUG in data["slugs"] else data["slugs"][0]
        fellow = logged_in(app, data["fellow"])
        teacher = logged_in(app, TEACHER)
        admin = logged_in(app, ADMIN)
        staff = logged_in(app, "staff@bench.example")
        module_url = f"/courses/{SLUG}/modules/{MODULE}"
        pages = {  # name: (client, url)
            "module page": (fellow, module_url),
            "course page": (fellow, f"/courses/{slug}"),
            "fellow dashboard": (fellow, "/dashboard"),
            "instructor dashboard": (teacher, "/dashboard"),
            "admin dashboard": (admin, "/dashboard"),
            "partner dashboard": (staff, "/dashboard"),
            "session page (fellow)": (fellow, f"/sessions/{sid}"),
            "session page (admin)": (admin, f"/sessions/{sid}"),
            "cohort page": (teacher, f"/sessions/{sid}/cohort"),
            "gradebook": (teacher, f"/sessions/{sid}/gradebook"),
            "gradebook api": (teacher, f"/api/v1/sessions/{sid}/gradebook"),
            "quiz page": (fellow, f"/quizzes/{data['quiz']}"),
        }
        teacher_token = token_of(teacher, TEACHER)

        class Api:  # the gradebook API needs its token on every request
            def __init__(self, client, headers):
                self.client, self.headers = client, headers

            def get(self, url):
                return self.client.get(url, headers=self.headers)

        # A script sends its token and no cookie.
        pages["gradebook api"] = (Api(app.test_client(), teacher_token), pages["gradebook api"][1])

        if args.profile:
            profile = cProfile.Profile()
            if args.profile in ("quiz api", "quiz pages"):  # the takers' attempts
                flow = QuizFlow(app, data)
                take = flow.api if args.profile == "quiz api" else flow.pages
                take(flow.takers[0])
                profile.enable()
                for email in flow.takers[1:]:
                    take(email)
                profile.disable()
            else:
                name = args.profile.removesuffix(" (kept)")
                app.config["KEPT_PAGES"] = name != args.profile
                client, url = pages[name]
                timed(client, url, 10)
                profile.enable()
                timed(client, url, 100)
                profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats("institute", 60)
            if os.environ.get("PROFILE_FILE"):  # for another reading (pstats, snakeviz)
                profile.dump_stats(os.environ["PROFILE_FILE"])
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return

        measured = [(name, kept) for name in pages for kept in (KEPT if name != "module page" else (False,))]
        times: dict[tuple, list[float]] = {one: [] for one in measured}
        statements = {}
        for name, kept in measured:
            app.config["KEPT_PAGES"] = kept
            client, url = pages[name]
            timed(client, url, args.warmup)
        for round_ in range(args.rounds):
            for name, kept in (measured if round_ % 2 == 0 else measured[::-1]):
                app.config["KEPT_PAGES"] = kept
                client, url = pages[name]
                times[name, kept] += timed(client, url, args.per_round)
        for name, kept in measured:
            app.config["KEPT_PAGES"] = kept
            client, url = pages[name]
            if kept:  # kept again first: a page is kept for the minute it was rendered in
                timed(client, url, 1)
            if isinstance(client, Api):
                statements[name, kept] = _count_api(app, client, url)
            else:
                statements[name, kept] = count_statements(app, client, url)
        app.config["KEPT_PAGES"] = True  # as served: the quiz flow's result page is kept

        flow = QuizFlow(app, data)
        takers = flow.takers
        flow.pages(takers[0], count=True)
        flow.api(takers[1], count=True)
        module_times: list[float] = []
        for index, email in enumerate(takers[2:]):  # each taker alternates with module pages
            module_times += timed(fellow, module_url, 3)
            (flow.pages if index % 2 == 0 else flow.api)(email)
        label = backend_label(app)
    total_s = time.perf_counter() - started

    unit = median_ms(times["module page", False])
    flow_unit = median_ms(module_times)
    print("Pages: median server time as a ratio to the module page, and SQL statements per request")
    print(f"  database     {label}; 3 courses imported, a session of them with {args.fellows} fellows "
          f"({args.done} completed at set-up) and {args.takers} quiz takers, built in {setup_s:.1f} s")
    print(f"  machine      {machine_label()}")
    print(f"  method       Flask test client, time.perf_counter around each request; {args.rounds} "
          f"alternating rounds of {args.per_round} requests per page after {args.warmup} warm-up; "
          f"the quiz flow: one attempt per taker, 3 module pages before each")
    print(f"  module page  median {unit:.3f} ms ({spread_ms(times['module page', False])}) = 1.00; "
          f"during the quiz flow {flow_unit:.3f} ms")
    width = max([len(f"{name} (computed)") for name in pages] + [len(name) for name in flow.times])
    ratios, kept_ratios = [], []
    for (name, kept), seconds in times.items():
        if name == "module page":
            continue
        queries = [s for s in statements[name, kept] if not s.upper().startswith(TRANSACTION_CONTROL)]
        ratio = median_ms(seconds) / unit
        (kept_ratios if kept else ratios).append((f"{name} ({'kept' if kept else 'computed'})", ratio))
        label_ = f"{name} ({'kept' if kept else 'computed'})"
        print(f"  {label_:<{width}}  median {median_ms(seconds):7.3f} ms  ratio {ratio:5.2f}  "
              f"{len(queries):3} statements  {verdict(ratio, RATIO_TARGET)}")
    for name, seconds in flow.times.items():
        one = name.startswith("quiz attempt (api")
        step = name.replace(" (api)", " (api)")
        queries = [s for s in flow.statements.get(step, []) if not s.upper().startswith(TRANSACTION_CONTROL)]
        ratio = median_ms(seconds) / flow_unit
        if not one:
            ratios.append((name, ratio))
        print(f"  {name:<{width}}  median {median_ms(seconds):7.3f} ms  ratio {ratio:5.2f}  "
              + (f"{len(queries):3} statements  {verdict(ratio, RATIO_TARGET)}" if not one
                 else f"(n={len(seconds)}, mean {statistics.mean(seconds) * 1000:.2f} ms; "
                      f"target ≤ 20 ms of CPU on PostgreSQL: bench/quiz_load.py)"))
    for title, among in (("worst kept", kept_ratios), ("worst computed", ratios)):
        worst = max(among, key=lambda item: item[1])
        print(f"  {title:<14} {worst[0]}: {worst[1]:.2f}   target every ratio ≤ {RATIO_TARGET} -> "
              f"{verdict(worst[1], RATIO_TARGET)}")
    if args.show_queries:
        name = args.show_queries.removesuffix(" (kept)")
        shown = (statements.get((name, name != args.show_queries))
                 or flow.statements.get(args.show_queries, []))
        for number, statement in enumerate(shown, 1):
            print(f"    {number:2}. {statement[:200]}{'…' if len(statement) > 200 else ''}")
    print(f"  run time     {total_s:.1f} s")


def _count_api(app, api, url: str) -> list[str]:
    import sqlalchemy as sa
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before(conn, cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        with reads_seen_by(lambda sql: seen.append(" ".join(sql.split()))):
            response = api.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return seen


if __name__ == "__main__":
    main()
