"""Benchmark: 200 fellows take a 20-question quiz at once, against gunicorn on PostgreSQL.

Builds, untimed and in this process, a course whose quiz has 20 questions of
every GIFT kind (time limit 30 minutes, unlimited attempts, shuffled), a
session with that course and 200 accepted fellows, on a scratch PostgreSQL
database. Then starts the app under gunicorn (4 threaded workers) as a
subprocess, gets each fellow a token through ``POST /api/v1/auth/token``, and
releases 200 threads together: each fellow starts an attempt, autosaves 5
times (a growing share of the answers, all 20 by the 5th) and submits, over
HTTP with ``http.client``. Prints p50, p95 and p99 per route, the throughput,
the errors, and the answers and submissions found in the database against
what was sent.

The floor is a bare Flask app, built in this script, under the same gunicorn
with 4 workers, answering the same three URLs with trivial JSON (the bytes
of a real start, ``{"saved": n}``, a fixed result), loaded the same way by
the same code in this run: 200 threads × 7 requests.

    .venv/bin/python bench/quiz_load.py [--postgres URL] [--fellows 200] [--saves 5]

By default a database ``gdi_quiz_load_<pid>`` is created on
postgresql://postgres@127.0.0.1:5432 and dropped at the end, even on failure.

Prints figures; never asserts a timing. Exits 1 only on a functional failure:
an error answer (not 2xx, an unexpected body, or no answer at all), or an
answer or a submission missing from the database.
"""

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from _common import ROOT, backend_label, bench_app, drop_database, machine_label, scratch_database, verdict
from flask import jsonify

from institute.accounts.services import create_user, user_by_email
from institute.config import ENVIRONMENT, database_uri
from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.courses.models import Quiz
from institute.database import transaction
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.models import AttemptAnswer
from institute.training import services as training

FAST_HASH = "pbkdf2:sha256:1000"  # 200 accounts in a second or two, here and in gunicorn
PASSWORD = "bench-fellow-password"  # noqa: S105 - the bench accounts' password
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
P95_TARGET_MS = 300
CPU_TARGET_MS = 20  # server CPU of one attempt through the API (issue 21)
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
FLOOR_START_FILE = "QUIZ_LOAD_FLOOR_START"  # environment: where the floor finds its start bytes
FLOOR_RESULT = {"score": 9.5, "max_score": 20.0, "percent": 47.5, "passed": None,
                "pending_grading": True}
ROUTES = ("start", "save", "submit")

# 20 questions: 4 multiple choice, 3 multiple answers with weights, 3 true/false,
# 3 short answer, 3 numerical, 2 matching, 2 essays.
QUIZ = """\
// Load benchmark quiz: twenty questions of every kind a fellow answers.
$CATEGORY: bench/quiz-load

::MC1 Degradation::Which statement best describes land degradation in drylands? {
=A lasting loss of biological or economic productivity#Right.
~Any dry season#A dry season is normal.
~The advance of a desert front#Degradation occurs in patches.
~A year of low rainfall#That is a drought.
}

::MC2 Saxaul::Which shrub is planted most to fix sand in the Gobi? {=Saxaul ~Poplar ~Willow ~Birch}

::MC3 Index::Which satellite index is most used to follow vegetation cover? {
=NDVI ~SAVI#Also used, less often. ~NDWI#A water index. ~LST#A temperature.
}

::MC4 Season::When are straw checkerboards best laid? {
=Before the windy season ~In the windy season ~After the first snow
}

::MA1 Shelter::Which practices slow the wind near the ground? {
~%50%Shelterbelts
~%50%Straw checkerboards
~%-50%Deep ploughing
~%-50%Overgrazing
}

::MA2 Water::Which of these harvest rain water? {
~%50%Half-moon pits
~%25%Stone lines
~%25%Zaï pits
~%-100%Flood irrigation from a canal
}

::MA3 Indicators::Which are sub-indicators of SDG 15.3.1? {
~%33.333%Land cover
~%33.333%Land productivity
~%33.334%Carbon stocks
~%-100%Population density
~%-100%Rainfall
}

::TF1 Grids::Straw checkerboards fix mobile sand by raising surface roughness. {T#Yes, they slow the wind.}

::TF2 Dunes::Barchan dunes move against the prevailing wind. {F}

::TF3 Grazing::Rotational grazing gives pastures time to recover. {TRUE}

::SA1 Carbon::Name the sub-indicator of SDG 15.3.1 measured as soil organic carbon. {
=carbon stocks =soil organic carbon =%50%carbon
}

::SA2 Shrub::Name the genus of the saxaul shrub. {=Haloxylon}

::SA3 Body::Which UN convention deals with desertification (its acronym)? {=UNCCD =%50%CCD}

::Num1 Aridity::A site receives 300 mm of rain and 1200 mm of potential evapotranspiration.
What is its aridity index? {#0.25:0.005}

::Num2 Side::How many metres is the side of a usual straw square? {#0.8..1.2}

::Num3 Year::In which year was the UNCCD adopted? {# =1994:0 =%50%1992:2}

::Match1 Practices::Match each practice to what it mainly controls. {
=Shelterbelt -> wind speed
=Check dam -> gully erosion
=Mulch -> soil evaporation
=Rotational grazing -> pasture pressure
}

::Match2 Places::Match each desert to its country. {
=Kubuqi -> China
=Kyzylkum -> Uzbekistan
=Gobi Gurvansaikhan -> Mongolia
}

::Essay1 Method::Describe one restoration method you have seen, and what it cost. {}

::Essay2 Monitoring::How would you monitor the result of that method for five years? {}
"""
KINDS = Counter(multichoice=4, multianswer=3, truefalse=3, shortanswer=3, numerical=3,
                matching=2, essay=2)
KINDS_IN_QUIZ = "4 multiple choice, 3 multiple answers with weights, 3 true/false, " \
                "3 short answer, 3 numerical, 2 matching, 2 essays"

SHORT_ANSWERS = ("carbon stocks", "soil organic carbon", "Carbon", "Haloxylon", "haloxylon",
                 "UNCCD", "CCD", "tamarisk", "sand", "I am not sure")
WORDS = ("straw grid saxaul shelterbelt dune sand wind erosion pasture grazing rainfall runoff "
         "terrace mulch seedling nursery survival rate cost hectare village herder cooperative "
         "monitoring transect plot quadrat satellite index cover baseline season year the a of "
         "and in on for with by to from that which is are was were after before within").split()


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres", metavar="URL",
        help="run on this PostgreSQL database instead of a scratch one created (and dropped) "
             "for the run; its schema 'public' is DROPPED and recreated first, so give a "
             "scratch database")
    parser.add_argument("--server", metavar="URL", default=SERVER,
                        help=f"where the scratch database is created when --postgres is not "
                             f"given (default {SERVER})")
    parser.add_argument("--fellows", type=int, default=200, help="fellows at once (default 200)")
    parser.add_argument("--saves", type=int, default=5, help="autosaves per fellow (default 5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--think", type=float, default=3.0, metavar="SECONDS",
                        help="mean pause of each fellow between two requests, drawn uniformly "
                             "from 0 to twice this (default 3: a class answering questions; "
                             "0 for a burst with no pause)")
    parser.add_argument("--ramp", type=float, default=10.0, metavar="SECONDS",
                        help="fellows press 'start' at a moment drawn uniformly within this many "
                             "seconds (default 10; 0: all in the same instant)")
    parser.add_argument("--alone", type=int, default=10,
                        help="fellows who then take the quiz one after the other, for the "
                             "latency without queueing (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the answers (default 2026)")


# ------------------------------------------------------------------ set-up, untimed


def quiz_bundle() -> Bundle:
    course_md = "\n".join([
        "---",
        "title: Quiz load benchmark",
        "partner: GDI",
        "language: en",
        "license: CC-BY-4.0",
        "authors: [Bench Author]",
        "version: 1.0.0",
        "summary: A course whose only purpose is a quiz taken by 200 fellows at once.",
        "topics: [testing]",
        "hours: 1",
        "quizzes:",
        "  - file: quiz.gift",
        "    title: Final check",
        "    after: 02-module-2",
        "    pass_mark: 60",
        "    max_attempts: 0",
        "    time_limit_minutes: 30",
        "    shuffle: true",
        "---", "",
        "Overview: [module 1](01-module-1.md), [module 2](02-module-2.md).", "",
    ])
    files = {"course.md": course_md.encode(), "quiz.gift": QUIZ.encode()}
    for n in (1, 2):
        files[f"0{n}-module-{n}.md"] = (f"---\nminutes: 10\n---\n# Module {n}\n\n"
                                        f"Text of module {n} about sand dunes.\n").encode()
    return Bundle(slug="quiz-load", files=files)


def build(app, fellows: int) -> tuple[int, list[str], bytes]:
    """Course, session and accepted fellows; returns (quiz id, emails, a start's bytes)."""
    today = date.today()
    with app.app_context(), transaction():
        result = import_bundle(quiz_bundle(), None, publish=True)
        quiz = result.revision.quizzes[0]
        kinds = Counter(q["kind"] for q in quiz.questions)
        if kinds != KINDS:
            raise SystemExit(f"the quiz should have the questions {dict(KINDS)}, not {dict(kinds)}")
        admin = create_user("admin@bench.example", "Bench Admin", PASSWORD, roles=("admin",),
                            country="CN")
        session = training.create_session({
            "title": "Quiz load 2026-1", "year": 2026, "sequence": 1, "seats": fellows,
            "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=80),
            "applications_open": today, "applications_close": today + timedelta(days=30),
            "place": "Kubuqi", "courses": [result.course.slug]})
        emails, application_ids = [], []
        for number in range(fellows):
            email = f"fellow-{number:04d}@bench.example"
            user = create_user(email, f"Fellow {number:04d}", PASSWORD, roles=("trainee",),
                               country="KG")
            application_ids.append(training.apply(session, user, MOTIVATION).id)
            emails.append(email)
        training.decide_many(session, application_ids, "accept", admin)
        quiz_id = quiz.id
    # What a start answers, for the floor: made on the real app, then rolled back.
    with app.app_context():
        attempt, _ = attempts.start(db.session.get(Quiz, quiz_id), user_by_email(emails[0]))
        start_bytes = jsonify(attempts.payload(attempt)).get_data()
        db.session.rollback()
    return quiz_id, emails, start_bytes


# ------------------------------------------------------------------ the servers


def floor_wsgi():
    """The floor, as gunicorn imports it: the quiz URLs, answered with trivial JSON."""
    from flask import Flask, Response, jsonify, request

    start_body = Path(os.environ[FLOOR_START_FILE]).read_bytes()
    floor = Flask("bench_floor")

    @floor.post("/api/v1/quizzes/<int:quiz_id>/attempts")
    def start(quiz_id):
        return Response(start_body, status=201, content_type="application/json")

    @floor.put("/api/v1/attempts/<int:attempt_id>/answers")
    def save(attempt_id):
        return jsonify({"saved": len(request.get_json()["answers"])})

    @floor.post("/api/v1/attempts/<int:attempt_id>/submit")
    def submit(attempt_id):
        return jsonify(FLOOR_RESULT)

    @floor.get("/up")
    def up():
        return jsonify({})

    return floor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn -w N on a free port, as a subprocess; always terminated on exit."""

    def __init__(self, app_spec: str, workers: int, env: dict, log: Path, extra=(),
                 probe: str = "/"):
        self.port, self.workers, self.log, self.probe = free_port(), workers, log, probe
        # The project's production settings (threaded workers, keep-alive) for app and floor alike.
        self.command = [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers),
                        "-b", f"127.0.0.1:{self.port}",
                        "--graceful-timeout", "5", *extra, app_spec]
        self.env, self.process = env, None

    def __enter__(self):
        self._log = open(self.log, "w")  # closed in __exit__
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,  # noqa: S603
                                        stdout=self._log, stderr=subprocess.STDOUT)
        try:
            return self._wait()
        except BaseException:
            self.__exit__()
            raise

    def _wait(self):
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n"
                                 + self.tail())
            booted = self.log.read_text().count("Booting worker with pid")
            if booted >= self.workers and self._answers():
                return self
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s:\n" + self.tail())
            time.sleep(0.2)

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", self.probe)
            return conn.getresponse().status < 500
        except OSError:
            return False
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        """The workers: the processes whose parent is gunicorn's master."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def cpu_seconds(self) -> float:
        """User and system CPU the master and its workers have used so far (Linux /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def workers_memory_mb(self) -> tuple[float, float, int]:
        """The workers' proportional set size together (shared pages split between the
        processes that share them) and the private part of it (pages no other process
        shares: what each worker wrote), from /proc/<pid>/smaps_rollup; and how many workers."""
        pids = self.worker_pids()
        pss = private = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                        private += int(line.split()[1])
            except OSError:
                continue
        return pss / 1024, private / 1024, len(pids)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def problems(self) -> list[str]:
        """Lines of the log that tell of trouble: tracebacks, timeouts, killed workers."""
        words = ("Traceback", "WORKER TIMEOUT", "was sent SIGKILL", "deadlock", "Error",
                 "[ERROR]", "[CRITICAL]")
        return [line for line in self.log.read_text(errors="replace").splitlines()
                if any(w in line for w in words)]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return False


def server_env(database_url: str | None, **extra) -> dict:
    """This environment without any setting the app reads, plus the given ones."""
    env = {k: v for k, v in os.environ.items()
           if k not in ENVIRONMENT and k != "GUNICORN_CMD_ARGS"}
    if database_url:
        env["DATABASE_URL"] = database_url
    env["BASE_URL"] = "http://127.0.0.1"  # required outside debug; the benchmarks send no links
    env.update(extra)
    return env


# ------------------------------------------------------------------ the fellows


class Result:
    """What one fellow's requests took and met with."""

    def __init__(self):
        self.times: dict[str, list[float]] = {route: [] for route in ROUTES}
        self.errors: list[str] = []
        self.attempt_id: int | None = None
        self.final: dict[str, object] = {}  # question id -> last value saved
        self.not_sent = 0


def answer(item: dict, rng: random.Random, save_number: int):
    """A valid value for one question of the attempt's payload, by its kind."""
    kind = item["kind"]
    if kind == "multichoice":
        return int(rng.choice(item["choices"])["id"])
    if kind == "multianswer":
        ids = [int(c["id"]) for c in item["choices"]]
        return sorted(rng.sample(ids, rng.randint(1, len(ids))))
    if kind == "truefalse":
        return rng.random() < 0.5
    if kind == "shortanswer":
        return rng.choice(SHORT_ANSWERS)
    if kind == "numerical":
        return round(rng.uniform(0, 2000) if rng.random() < 0.3 else rng.uniform(0, 2), 3)
    if kind == "matching":
        return {i["id"]: rng.choice(item["options"]) for i in item["items"]}
    if kind == "essay":  # the essay grows as the fellow types
        return " ".join(rng.choice(WORDS) for _ in range(40 * save_number)).capitalize() + "."
    raise ValueError(f"the benchmark cannot answer a {kind!r} question")


def take_quiz(port: int, quiz_id: int, token: str, saves: int, think: float, seed: int,
              barrier: threading.Barrier, ramp: float = 0.0) -> Result:
    """One fellow: start, autosave ``saves`` times (all answers by the last), submit."""
    result = Result()
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(route: str, method: str, url: str, payload=None, expect=200):
        body = None if payload is None else json.dumps(payload).encode()
        began = time.perf_counter()
        try:
            try:
                conn.request(method, url, body=body, headers=headers)
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the idle kept-alive connection before reading this request;
                # like a browser, open a new one and send it again, once.
                conn.close()
                conn.request(method, url, body=body, headers=headers)
                response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            result.times[route].append(time.perf_counter() - began)
            result.errors.append(f"{route}: {type(exc).__name__}: {exc}")
            conn.close()
            return None
        result.times[route].append(time.perf_counter() - began)
        if response.status != expect:
            result.errors.append(f"{route}: HTTP {response.status} {data[:200]!r}")
            return None
        try:
            return json.loads(data)
        except ValueError:
            result.errors.append(f"{route}: not JSON: {data[:200]!r}")
            return None

    requests_planned = saves + 2
    try:
        barrier.wait(timeout=120)
        time.sleep(rng.uniform(0, ramp))
        started = call("start", "POST", f"/api/v1/quizzes/{quiz_id}/attempts", expect=201)
        if started is not None and (not started.get("id") or len(started.get("questions", [])) != 20
                                    or not started.get("deadline")):
            result.errors.append(f"start: unexpected body {str(started)[:200]}")
            started = None
        if started is None:
            result.not_sent = requests_planned - 1
            return result
        result.attempt_id = started["id"]
        questions = started["questions"]  # in the order this attempt shows them
        url = f"/api/v1/attempts/{started['id']}"
        for save_number in range(1, saves + 1):
            time.sleep(rng.uniform(0, 2 * think))
            upto = math.ceil(len(questions) * save_number / saves)
            for item in questions[:upto]:  # new ones, and now and then a changed mind
                if item["id"] not in result.final or item["kind"] == "essay" or rng.random() < 0.3:
                    result.final[item["id"]] = answer(item, rng, save_number)
            sent = {item["id"]: result.final[item["id"]] for item in questions[:upto]}
            saved = call("save", "PUT", url + "/answers", {"answers": sent})
            if saved is not None and saved != {"saved": len(sent)}:
                result.errors.append(f"save: sent {len(sent)} answers, the answer was {saved}")
        time.sleep(rng.uniform(0, 2 * think))
        submitted = call("submit", "POST", url + "/submit")
        if submitted is not None and (submitted.get("max_score") != 20.0
                                      or submitted.get("pending_grading") is not True):
            result.errors.append(f"submit: unexpected result {submitted}")
    except Exception as exc:  # a fellow's failure is counted, not fatal
        result.errors.append(f"fellow: {type(exc).__name__}: {exc}")
    finally:
        conn.close()
    return result


def load(port: int, quiz_id: int, tokens: list[str], saves: int, think: float,
         seed: int, ramp: float = 0.0) -> tuple[list[Result], float]:
    """All fellows released together by a barrier; returns their results and the wall time."""
    barrier = threading.Barrier(len(tokens) + 1)
    results: list[Result | None] = [None] * len(tokens)

    def run(index: int) -> None:
        results[index] = take_quiz(port, quiz_id, tokens[index], saves, think,
                                   seed * 100_000 + index, barrier, ramp)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    for index, result in enumerate(results):
        if result is None:  # the thread died without a word: count it, never hide it
            results[index] = Result()
            results[index].errors.append("fellow: the thread ended without a result")
    return results, wall


def get_tokens(port: int, emails: list[str]) -> tuple[list[str | None], Counter]:
    """One token per fellow (successful logins, never rate limited); statuses counted."""
    statuses: Counter = Counter()

    def login(email: str) -> str | None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("POST", "/api/v1/auth/token",
                         body=json.dumps({"email": email, "password": PASSWORD, "name": "bench"}),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
            return None
        finally:
            conn.close()
        statuses[response.status] += 1
        return json.loads(data)["token"] if response.status == 201 else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(login, emails)), statuses


# ------------------------------------------------------------------ figures


def percentiles_ms(seconds: list[float]) -> tuple[float, float, float]:
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else float("nan")
        return value, value, value
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[94] * 1000, cuts[98] * 1000


def by_route(results: list[Result]) -> dict[str, list[float]]:
    times = {route: [t for r in results for t in r.times[route]] for route in ROUTES}
    times["all"] = [t for route in ROUTES for t in times[route]]
    return times


def print_latencies(label: str, times: dict[str, list[float]]) -> None:
    print(f"  {label}")
    for route, seconds in times.items():
        p50, p95, p99 = percentiles_ms(seconds)
        print(f"    {route:7} {len(seconds):5,} requests  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
              f"p99 {p99:7.1f} ms  max {max(seconds, default=0) * 1000:7.1f} ms")


def error_summary(results: list[Result]) -> Counter:
    """Errors grouped by route and kind (the body's first bytes dropped)."""
    kinds: Counter = Counter()
    for r in results:
        for error in r.errors:
            kinds[error.split(" b'")[0].split(" {")[0][:120]] += 1
    return kinds


def check_database(app, results: list[Result]) -> dict:
    """Answers, values and submissions found in the database against what was sent."""
    with app.app_context():
        answers = db.session.scalar(sa.text("SELECT count(*) FROM attempt_answers"))
        attempts_n = db.session.scalar(sa.text("SELECT count(*) FROM attempts"))
        submitted = db.session.scalar(
            sa.text("SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL"))
        full = db.session.scalar(sa.text(
            "SELECT count(*) FROM (SELECT attempt_id FROM attempt_answers GROUP BY attempt_id "
            "HAVING count(*) = 20) AS whole"))
        graded = db.session.scalar(sa.text(
            "SELECT count(*) FROM attempt_answers WHERE fraction IS NOT NULL"))
        rows = db.session.execute(sa.select(
            AttemptAnswer.attempt_id, AttemptAnswer.question, AttemptAnswer.value)).all()
        deadlocks = db.session.scalar(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
    stored = {(a, str(q)): v for a, q, v in rows}
    sent = {(r.attempt_id, q): v for r in results if r.attempt_id for q, v in r.final.items()}
    same = sum(1 for key, value in sent.items() if key in stored and stored[key] == value)
    return {"answers": answers, "attempts": attempts_n, "submitted": submitted, "full": full,
            "graded": graded, "sent": len(sent), "same": same, "deadlocks": deadlocks}


def deadlocks_now(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) or 0


# ------------------------------------------------------------------ the run


def run(args, url: str, scratch: str | None) -> int:
    started = time.perf_counter()
    with bench_app(url, PASSWORD_HASH_METHOD=FAST_HASH) as app, \
            tempfile.TemporaryDirectory(prefix="gdi-quiz-load-") as tmp:
        tmp = Path(tmp)
        label = backend_label(app)
        t0 = time.perf_counter()
        quiz_id, emails, start_bytes = build(app, args.fellows + args.alone)
        setup_s = time.perf_counter() - t0
        (tmp / "start.json").write_bytes(start_bytes)
        deadlocks_before = deadlocks_now(app)

        # The floor: the same three URLs, trivial JSON, same gunicorn, same load.
        floor_env = server_env(None, **{FLOOR_START_FILE: str(tmp / "start.json")})
        with Gunicorn("quiz_load:floor_wsgi()", args.workers, floor_env, tmp / "floor.log",
                      extra=("--pythonpath", str(ROOT / "bench")), probe="/up") as floor:
            load(floor.port, quiz_id, ["floor-token"] * 20, args.saves, 0, args.seed)  # warm-up
            floor_cpu = floor.cpu_seconds()
            floor_results, floor_wall = load(floor.port, quiz_id, ["floor-token"] * args.fellows,
                                             args.saves, args.think, args.seed, args.ramp)
            floor_cpu = floor.cpu_seconds() - floor_cpu
        floor_problems = floor.problems()

        # The app.
        instance = str(tmp / "instance")
        app_env = server_env(database_uri(url, ""), SECRET_KEY=secrets.token_urlsafe(32),
                             PASSWORD_HASH_METHOD=FAST_HASH)
        with Gunicorn(f"institute:create_app(instance_path={instance!r})", args.workers,
                      app_env, tmp / "app.log", probe="/api/v1/openapi.json") as server:
            t0 = time.perf_counter()
            tokens, token_statuses = get_tokens(server.port, emails)
            tokens_s = time.perf_counter() - t0
            if None in tokens:
                print(f"Token phase failed: statuses {dict(token_statuses)}\n{server.tail()}")
                return 1
            cpu_before = server.cpu_seconds()
            results, wall = load(server.port, quiz_id, tokens[:args.fellows], args.saves,
                                 args.think, args.seed, args.ramp)
            load_cpu = server.cpu_seconds() - cpu_before
            check = check_database(app, results)
            check["deadlocks"] = (check["deadlocks"] or 0) - deadlocks_before
            # Then a few more fellows, one at a time: what a request costs without a queue.
            cpu_before = server.cpu_seconds()
            alone = [take_quiz(server.port, quiz_id, token, args.saves, 0, args.seed + 1 + i,
                               threading.Barrier(1))
                     for i, token in enumerate(tokens[args.fellows:])]
            alone_cpu = server.cpu_seconds() - cpu_before
            gunicorn_version = subprocess.run([str(GUNICORN), "--version"],  # noqa: S603
                                              capture_output=True, text=True).stdout.strip()
        problems = server.problems()
    total_s = time.perf_counter() - started

    n, q = args.fellows, 20
    per_fellow = args.saves + 2
    app_times, floor_times = by_route(results), by_route(floor_results)
    errors = sum(len(r.errors) for r in results)
    alone_errors = sum(len(r.errors) for r in alone)
    not_sent = sum(r.not_sent for r in results)
    floor_errors = sum(len(r.errors) for r in floor_results)
    expected = n * q
    lost = expected - check["same"]
    app_p50, app_p95, _ = percentiles_ms(app_times["all"])
    floor_p50, floor_p95, _ = percentiles_ms(floor_times["all"])
    rate = len(app_times["all"]) / wall
    floor_rate = len(floor_times["all"]) / floor_wall
    in_flight = sum(app_times["all"]) / wall
    where = ("scratch database created for this run, dropped at the end" if scratch
             else "given with --postgres, schema emptied first")
    failed = errors > 0 or alone_errors > 0 or lost > 0 or check["answers"] != expected or check["submitted"] != n

    print(f"Quiz load: {n} fellows start, autosave {args.saves} times and submit a "
          f"{q}-question quiz at once")
    print(f"  database     {label}; {where}")
    print(f"  server       {gunicorn_version}, {args.workers} threaded workers (gunicorn.conf.py) on 127.0.0.1 "
          f"('institute:create_app()', DATABASE_URL, random SECRET_KEY, "
          f"PASSWORD_HASH_METHOD {FAST_HASH}, temporary instance folder)")
    print(f"  machine      {machine_label()}")
    print(f"  set-up       in {setup_s:.1f} s: a course whose quiz has {q} questions "
          f"({KINDS_IN_QUIZ}), 30-minute limit, unlimited attempts, shuffled; a session with it; "
          f"{n} fellows (+{args.alone} for 'alone'; create_user, training.apply, one "
          f"training.decide_many)")
    print(f"  tokens       {len(tokens)} through POST /api/v1/auth/token in {tokens_s:.1f} s, "
          f"8 at a time: statuses {dict(sorted(token_statuses.items(), key=str))}"
          + ("" if 429 not in token_statuses else "  <- 429 on successful logins"))
    print(f"  method       {n} threads released by one barrier, each with its own "
          f"http.client connection (kept alive by gunicorn's threaded workers); "
          + (f"each fellow presses start at a moment drawn within {args.ramp:g} s, then: "
             if args.ramp else "all start in the same instant; each fellow: ")
          + f"POST start, {args.saves} x PUT answers "
          f"({', '.join(str(math.ceil(q * k / args.saves)) for k in range(1, args.saves + 1))} "
          f"answers, valid for each kind, about 30% changed each time, essays growing), "
          f"POST submit; "
          + (f"a pause of 0 to {2 * args.think:g} s (uniform) between requests" if args.think
             else "no pause between requests")
          + "; time.perf_counter around each request, connection included")
    print_latencies("app", app_times)
    print_latencies(f"floor        bare Flask app, same URLs, trivial JSON, {args.workers} "
                    f"gunicorn workers, {n} threads x {per_fellow} requests (after 20 x "
                    f"{per_fellow} warm-up)", floor_times)
    print(f"  ratio        p50 {app_p50 / floor_p50:.1f}, p95 {app_p95 / floor_p95:.1f} "
          f"(app / floor, all requests)")
    print(f"  throughput   app {rate:,.0f} requests/s ({len(app_times['all']):,} in {wall:.1f} s); "
          f"floor {floor_rate:,.0f} requests/s ({len(floor_times['all']):,} in {floor_wall:.1f} s); "
          f"on average {in_flight:.0f} requests in flight for {args.workers} workers")
    if alone:
        alone_times = by_route(alone)
        medians = ", ".join(f"{route} {percentiles_ms(alone_times[route])[0]:.1f} ms"
                            for route in (*ROUTES, "all"))
        print(f"  alone        {len(alone)} more fellows after the check, one at a time, the same "
              f"{per_fellow} requests each: p50 {medians} (a request without a queue)"
              + (f"; {alone_errors} errors" if alone_errors else ""))
        for kind, count in error_summary(alone).most_common(5):
            print(f"    {count:5} x {kind}")
    per_attempt = 1000 * load_cpu / n
    print(f"  server CPU   {per_attempt:.1f} ms per attempt under the load (start + {args.saves} saves + "
          f"submit; user + system CPU of gunicorn's master and workers from /proc, "
          f"{load_cpu:.1f} s for {n} attempts)"
          + (f"; {1000 * alone_cpu / len(alone):.1f} ms per attempt alone" if alone else "")
          + f"; the floor's {1000 * floor_cpu / n:.1f} ms (gunicorn, HTTP and a bare Flask app)"
          + f"   target ≤ {CPU_TARGET_MS} ms -> {verdict(per_attempt, CPU_TARGET_MS)}")
    print(f"  errors       {errors}" + (f" (+{not_sent} requests not sent after a failed start)"
                                          if not_sent else ""))
    for kind, count in error_summary(results).most_common(10):
        print(f"    {count:5} x {kind}")
    if floor_errors:
        print(f"  floor errors {floor_errors} (the load generator or the machine, not the app)")
        for kind, count in error_summary(floor_results).most_common(5):
            print(f"    {count:5} x {kind}")
    print(f"  answers      {check['answers']:,} rows in attempt_answers, expected {expected:,} "
          f"({n} x {q}); equal to the last value saved: {check['same']:,} of {check['sent']:,} "
          f"sent; attempts with all {q} answers: {check['full']} of {n}; "
          f"scored at submission: {check['graded']:,} (essays wait for an instructor)")
    print(f"  attempts     {check['submitted']} submitted of {n} "
          f"({check['attempts']} attempts in all)")
    print(f"  server log   {len(problems)} lines of trouble (tracebacks, timeouts, deadlocks); "
          f"PostgreSQL deadlocks in the run: {check['deadlocks']}")
    for line in problems[:10]:
        print(f"    {line[:200]}")
    if floor_problems:
        print(f"  floor log    {len(floor_problems)} lines of trouble")
    print(f"  target       no error, nothing lost, p95 < {P95_TARGET_MS} ms -> "
          f"errors {errors}, lost {max(lost, 0)}, p95 {app_p95:.0f} ms: "
          + ("FAILED (exit 1)" if failed else "no error, nothing lost")
          + f"; p95 {verdict(app_p95, P95_TARGET_MS)}")
    print(f"  run time     {total_s:.1f} s")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="200 fellows take a 20-question quiz at once "
                                     "against gunicorn on PostgreSQL; latency as ratios to a "
                                     "bare Flask floor.")
    options(parser)
    args = parser.parse_args()
    if args.fellows < 1 or args.saves < 1 or args.workers < 1 or args.alone < 0 or args.think < 0 \
            or args.ramp < 0:
        parser.error("--fellows, --saves and --workers are at least 1; --alone and --think "
                     "are not negative")
    if not GUNICORN.exists():
        raise SystemExit(f"{GUNICORN} is missing: install the project in .venv first")
    # A SIGTERM should still stop gunicorn and drop the scratch database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = None
    url = args.postgres
    if not url:
        scratch, url = scratch_database(args.server, "gdi_quiz_load")
    try:
        code = run(args, url, scratch)
    finally:
        if scratch:
            drop_database(args.server, scratch)
    sys.exit(code)


if __name__ == "__main__":
    main()
