"""Benchmark: certificate PDFs, one against a blank WeasyPrint page, and 500 on every core.

Builds a fresh database with a course without quiz, two sessions of it and
500 fellows (real accounts, applications, decisions and module completions
through the services) who completed both sessions. Then:

1. One certificate: ``services._prepare`` (the HTML of frame and holder, the
   signed credential) then ``pdf.render(page, credential_json, verify_url)``,
   holder names cycling through four scripts, as when issuing a session: the
   frame the session's certificates share is rendered by the first and kept
   (the first certificate's time is printed too). The floor is WeasyPrint
   rendering a blank one-line page, ``HTML(string='<p>x</p>').write_pdf()``,
   interleaved with the certificates in this run.
2. 500 certificates: ``services.issue_session(session, None, processes=N)``
   with one process on session 2026-1, then with every core on session 2026-2
   (each run issues 500 new certificates), and ``pdf.render_many`` alone on
   the very 500 jobs of the first run, with one process and with every core,
   and a pure-Python loop in the same kind of pool (what the machine allows).
3. The PDFs: largest and median size, every font embedded and subset (pypdf),
   and which font subsetter WeasyPrint used (``pdf.subsetter()``).

    .venv/bin/python bench/certificates.py [--postgres URL] [--fellows 500] [--profile]

Prints figures; never asserts a timing. Exits 1 only on a functional failure:
a certificate not issued, a PDF without the holder's name, its serial or a
valid embedded credential, or a font not embedded or not subset.
"""

import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from multiprocessing import get_context

from _common import arguments, backend_label, bench_app, kb, machine_label, median_ms, spread_ms, verdict
from pypdf import PdfReader
from weasyprint import HTML

from institute.accounts.models import User
from institute.accounts.services import create_user
from institute.certificates import pdf as certificate_pdf
from institute.certificates import services as certificates
from institute.certificates.offline import check_bytes, fonts_of
from institute.certificates.signing import private_key
from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.courses.models import Course
from institute.courses.services import mark_done
from institute.database import transaction
from institute.extensions import db
from institute.training import services as training

NAMES = ("José Ñúñez", "Айгерим Сапарова", "فاطمة الزهراء", "王小明")  # Latin, Cyrillic, Arabic, Han
SCRIPTS = ("Latin", "Cyrillic", "Arabic", "Han")
FAST_HASH = "pbkdf2:sha256:1000"  # 500 accounts in seconds; nobody logs in
PASSWORD = "bench-fellow-password"  # noqa: S105 - scratch accounts of a temporary database
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
SLUG = "certificate-bench"
MODULES = ("01-module-1", "02-module-2")
RATIO_TARGET = 1.5
SPEEDUP_TARGET = 1.8
SIZE_TARGET_KB = 150
FLOOR_HTML = "<p>x</p>"


def options(parser):
    parser.add_argument("--fellows", type=int, default=500,
                        help="fellows, hence certificates per issuing run (default 500)")
    parser.add_argument("--repeat", type=int, default=80,
                        help="timed single certificates, and as many floor pages (default 80)")
    parser.add_argument("--warmup", type=int, default=8,
                        help="untimed certificates and floor pages first (default 8)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="processes of the parallel runs (default: every core, os.cpu_count())")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of 20 single certificates (top 25 by own time)")


# ------------------------------------------------------------------ data


def course_bundle() -> Bundle:
    """A course without quiz: finishing it is marking its two modules done."""
    files = {"course.md": (
        b"---\ntitle: Restoring Drylands, a Short Course\npartner: GDI\nlanguage: en\n"
        b"license: CC-BY-4.0\nauthors: [A. Author]\nversion: 1.0.0\n"
        b"summary: A short course for the certificate benchmark.\ntopics: [restoration]\n"
        b"hours: 12\n---\n\nOverview of the course.\n")}
    for n, name in enumerate(MODULES, 1):
        files[f"{name}.md"] = (f"---\nminutes: 10\n---\n# Module {n}\n\n"
                               f"Text of module {n} about sand dunes.\n").encode()
    return Bundle(slug=SLUG, files=files)


def build(app, fellows: int) -> tuple[list[int], float]:
    """Two sessions of one course, each with ``fellows`` accepted fellows who finished it.

    The same fellows apply to both sessions (``training.apply``), are accepted
    in one ``training.decide_many`` per session, and mark both modules done
    (``courses.services.mark_done``), so both sessions are complete for all.
    Returns the session ids and the set-up time.
    """
    started = time.perf_counter()
    today = date.today()
    with app.app_context(), transaction():
        import_bundle(course_bundle(), None, publish=True)
        create_user("admin@bench.example", "Bench Admin", PASSWORD, roles=("admin",), country="CN")
        session_ids = [training.create_session({
            "title": f"Certificate bench 2026-{sequence}", "year": 2026, "sequence": sequence,
            "seats": fellows, "starts_on": today + timedelta(days=60),
            "ends_on": today + timedelta(days=80), "applications_open": today - timedelta(days=1),
            "applications_close": today + timedelta(days=30), "place": "Kubuqi",
            "courses": [SLUG]}).id for sequence in (1, 2)]
    with app.app_context(), transaction():
        course = db.session.scalar(db.select(Course).where(Course.slug == SLUG))
        sessions = [training.get_session(i) for i in session_ids]
        admin = db.session.scalar(db.select(User).where(User.email == "admin@bench.example"))
        applications: dict[int, list[int]] = {s.id: [] for s in sessions}
        for number in range(fellows):
            user = create_user(f"fellow-{number:04d}@bench.example", NAMES[number % len(NAMES)],
                               PASSWORD, roles=("trainee",), country="KG")
            for session in sessions:
                applications[session.id].append(training.apply(session, user, MOTIVATION).id)
            for module in MODULES:
                mark_done(user, course, module.split("-", 1)[1])
        for session in sessions:
            training.decide_many(session, applications[session.id], "accept", admin)
    return session_ids, time.perf_counter() - started


# ------------------------------------------------------------------ helpers


class _Counting(logging.Handler):
    """Counts WeasyPrint's log messages instead of printing one line per certificate."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: Counter[str] = Counter()

    def emit(self, record):
        self.messages[f"{record.levelname}: {record.getMessage()}"] += 1


@contextmanager
def counted_weasyprint_log():
    logger = logging.getLogger("weasyprint")
    handler, propagate = _Counting(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextmanager
def instrumented():
    """Time the parts of ``issue_session`` by wrapping the module's own names (nothing else changes).

    Records the time spent in ``_prepare`` (Jinja HTML, credential signing: in the
    calling process, while the workers render the jobs prepared before) and in
    ``render_many`` (the PDFs, which includes preparing their jobs), and the jobs
    given to ``render_many``.
    """
    seen = {"prepare": 0.0, "render_many": 0.0, "jobs": []}
    prepare, render_many = certificates._prepare, certificates.render_many

    def timed_prepare(*args, **kwargs):
        start = time.perf_counter()
        try:
            return prepare(*args, **kwargs)
        finally:
            seen["prepare"] += time.perf_counter() - start

    def timed_render_many(jobs, processes=None, count=None):
        seen["jobs"] = []

        def recorded():
            for job in jobs:
                seen["jobs"].append(job)
                yield job

        start = time.perf_counter()
        try:
            return render_many(recorded(), processes, count)
        finally:
            seen["render_many"] += time.perf_counter() - start

    certificates._prepare, certificates.render_many = timed_prepare, timed_render_many
    try:
        yield seen
    finally:
        certificates._prepare, certificates.render_many = prepare, render_many


def session_facts(session, user, number: int) -> dict:
    """The facts ``issue_session`` gives ``_prepare`` for this fellow (same arguments; the
    number stands for the status index: never stored)."""
    hours = sum((link.course.published.hours or 0) for link in session.course_links
                if link.course.published) or None
    courses = [c.title for c in (link.course.published for link in session.course_links) if c]
    return certificates._facts(
        f"GDI-{session.year}-{session.sequence}-{number:04d}", number, user, session.title,
        session.starts_on, session.ends_on, hours, courses, f"sessions/{session.id}",
        f"Completion of the training session {session.title} of the Kubuqi Global Desert Institute.",
        "Every module of the session's courses studied and every quiz passed.", number)


def pdf_problems(pdf: bytes, holder: str, serial: str, public_key) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    problems = [f"{what} not in the text" for what, value in (("holder name", holder),
                                                             ("serial", serial)) if value not in text]
    return problems + check_bytes(pdf, public_key).problems


def at_least(value: float, target: float) -> str:
    return "within target" if value >= target else "UNDER target"


def share(part: float, whole: float) -> str:
    return f"{part / whole * 100:.0f}%"


# ------------------------------------------------------------------ measures


def one_certificate(app, session_id: int, repeat: int, warmup: int, profile: bool) -> dict:
    """Interleave single certificates (prepare, then render) and blank floor pages."""
    with app.app_context():
        session = training.get_session(session_id)
        users = [db.session.scalar(db.select(User).where(User.name == name).order_by(User.id)
                                   .limit(1)) for name in NAMES]
        key = private_key().public_key()
        prepare_s, render_s, floor_s = [], [], []
        by_script: dict[str, list[float]] = {s: [] for s in SCRIPTS}
        problems = []
        for index in range(warmup + repeat):
            which = index % len(NAMES)
            facts = session_facts(session, users[which], 9000 + index)  # never stored
            floor_first = index % 2 == 0  # alternate the order, to be fair to both

            if floor_first:
                t0 = time.perf_counter()
                HTML(string=FLOOR_HTML).write_pdf()
                floor = time.perf_counter() - t0
            t0 = time.perf_counter()
            _signed, page, document = certificates._prepare(facts, "session")
            t1 = time.perf_counter()
            pdf = certificate_pdf.render(page, document, certificates._verify_url(facts))
            t2 = time.perf_counter()
            if not floor_first:
                t0f = time.perf_counter()
                HTML(string=FLOOR_HTML).write_pdf()
                floor = time.perf_counter() - t0f

            if index < warmup:
                if index < len(NAMES):  # one full check per script, untimed
                    problems += [f"{NAMES[which]}: {p}" for p in
                                 pdf_problems(pdf, NAMES[which], facts["serial"], key)]
                continue
            prepare_s.append(t1 - t0)
            render_s.append(t2 - t1)
            floor_s.append(floor)
            by_script[SCRIPTS[which]].append(t2 - t1)

        # The first certificate of an issuing also renders the frame it shares with the rest.
        cold_s = []
        for index in range(max(8, repeat // 4)):
            facts = session_facts(session, users[index % len(NAMES)], 9800 + index)
            certificate_pdf._frames.clear()
            t0 = time.perf_counter()
            _signed, page, document = certificates._prepare(facts, "session")
            certificate_pdf.render(page, document, certificates._verify_url(facts))
            cold_s.append(time.perf_counter() - t0)

        stats = None
        if profile:
            profiler = cProfile.Profile()
            jobs = [certificates._prepare(session_facts(session, users[i % 4], 9500 + i), "session")
                    for i in range(20)]
            profiler.enable()
            for _signed, page, document in jobs:
                certificate_pdf.render(page, document, "https://gdi.example/verify/profile")
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            stats = out.getvalue()
    return {"prepare": prepare_s, "render": render_s, "floor": floor_s, "by_script": by_script,
            "cold": cold_s, "problems": problems, "profile": stats}


def issue(app, session_id: int, processes: int) -> dict:
    """``issue_session`` in one transaction, as an admin's request does; its parts timed."""
    with app.app_context():
        with instrumented() as seen:
            t0 = time.perf_counter()
            with transaction():
                session = training.get_session(session_id)
                t1 = time.perf_counter()
                result = certificates.issue_session(session, None, processes=processes)
                t2 = time.perf_counter()
                pdfs = [(c.holder_name, c.pdf) for c in result.issued]
                serials = [c.serial for c in result.issued]
                ineligible = len(result.ineligible)
            t3 = time.perf_counter()
    return {"total": t3 - t0, "service": t2 - t1, "commit": t3 - t2, "prepare": seen["prepare"],
            "render_many": seen["render_many"], "jobs": seen["jobs"], "pdfs": pdfs,
            "serials": serials, "ineligible": ineligible, "processes": processes}


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_speedup(processes: int, tasks: int = 200, size: int = 150_000) -> tuple[float, float]:
    """What this machine allows: a pure-Python loop in one process, then in a pool like render_many's."""
    t0 = time.perf_counter()
    for _ in range(tasks):
        _spin(size)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("fork")) as pool:
        list(pool.map(_spin, [size] * tasks, chunksize=max(1, tasks // (4 * processes))))
    return one, time.perf_counter() - t0


def render_many_alone(jobs, processes: int) -> tuple[float, list[bytes]]:
    t0 = time.perf_counter()
    pdfs = certificate_pdf.render_many(jobs, processes)
    return time.perf_counter() - t0, pdfs


# ------------------------------------------------------------------ main


def main() -> None:
    args = arguments("Certificate PDFs: one against a blank WeasyPrint page, and 500 on every core.",
                     options)
    started = time.perf_counter()
    failures: list[str] = []
    parallel = max(1, args.processes)
    with counted_weasyprint_log() as log, \
            bench_app(args.postgres, PASSWORD_HASH_METHOD=FAST_HASH) as app:
        label = backend_label(app)
        (serial_session, parallel_session), setup_s = build(app, args.fellows)

        single = one_certificate(app, serial_session, args.repeat, args.warmup, args.profile)
        failures += single["problems"]
        per_certificate_log = Counter({m: n / (args.warmup + args.repeat + (20 if args.profile else 0))
                                       for m, n in log.messages.items()})

        runs = [issue(app, serial_session, 1), issue(app, parallel_session, parallel)]
        for run in runs:
            if len(run["pdfs"]) != args.fellows or run["ineligible"]:
                failures.append(f"processes={run['processes']}: issued {len(run['pdfs'])} of "
                                f"{args.fellows} ({run['ineligible']} ineligible)")
        jobs = runs[0]["jobs"]
        alone = [render_many_alone(jobs, 1), render_many_alone(jobs, parallel)]
        if [len(p) for _t, p in alone] != [len(jobs)] * 2:
            failures.append("render_many did not return one PDF per job")
        machine = machine_speedup(parallel)

        t0 = time.perf_counter()
        pdfs = [pdf for run in runs for _holder, pdf in run["pdfs"]]
        fonts = Counter()
        bad_fonts = []
        for pdf in pdfs:
            found = fonts_of(pdf)
            if not found:
                bad_fonts.append("a PDF with no font")
            for name, embedded, subset in found:
                fonts[name.split("+", 1)[-1]] += 1
                if not (embedded and subset):
                    bad_fonts.append(f"{name}: {'embedded' if embedded else 'NOT embedded'}, "
                                     f"{'subset' if subset else 'NOT subset'}")
        check_s = time.perf_counter() - t0
        failures += sorted(set(bad_fonts))
        # One issued PDF per script, checked in full (text and embedded credential).
        with app.app_context():
            key = private_key().public_key()
        for run in runs:
            for name in NAMES:
                holder, pdf, serial = next((h, p, s) for (h, p), s in zip(run["pdfs"], run["serials"],
                                                                           strict=True) if h == name)
                failures += [f"{serial}: {p}" for p in pdf_problems(pdf, holder, serial, key)]
        subsetter = certificate_pdf.subsetter()
        load = os.getloadavg()
    total_s = time.perf_counter() - started

    render_ms, floor_ms = median_ms(single["render"]), median_ms(single["floor"])
    prepare_ms = median_ms(single["prepare"])
    whole = [p + r for p, r in zip(single["prepare"], single["render"], strict=True)]
    whole_ms = median_ms(whole)
    ratio = whole_ms / floor_ms
    n, cores = args.fellows, parallel
    one, many = runs
    speedup = one["total"] / many["total"]
    alone_speedup = alone[0][0] / alone[1][0]
    machine_ratio = machine[0] / machine[1]
    sizes = [len(p) for p in pdfs]
    size_by_script = {s: max(len(p) for run in runs for h, p in run["pdfs"] if h == name)
                      for s, name in zip(SCRIPTS, NAMES, strict=True)}

    print(f"Certificates: one PDF against a blank WeasyPrint page; {n} issued with 1 process "
          f"and with {cores}")
    print(f"  database     {label}; course '{SLUG}' (no quiz), sessions 2026-1 and 2026-2 with "
          f"the same {n} fellows, built in {setup_s:.1f} s:")
    print(f"               create_user ({FAST_HASH}), training.apply, one training.decide_many "
          f"per session, courses.services.mark_done for both modules")
    print(f"  machine      {machine_label()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"at the end")
    print(f"  subsetter    {subsetter} (institute.certificates.pdf.subsetter())")
    print(f"  one certificate  ({args.repeat} of each after {args.warmup} warm-up, interleaved, "
          f"order alternating; holder names cycle {', '.join(NAMES)})")
    print(f"    certificate  median {whole_ms:7.2f} ms  ({spread_ms(whole)})  services._prepare + "
          f"pdf.render: HTML, signed credential, PDF with QR code and credential attached")
    print(f"    floor        median {floor_ms:7.2f} ms  ({spread_ms(single['floor'])})  "
          f"HTML(string='{FLOOR_HTML}').write_pdf()")
    print(f"    ratio        {ratio:.2f}   target ≤ {RATIO_TARGET}  -> {verdict(ratio, RATIO_TARGET)}")
    print(f"    of which     app's work {prepare_ms:.2f} ms (services._prepare: Jinja HTML of frame "
          f"and holder, credential build, Ed25519 signature); pdf.render {render_ms:.2f} ms "
          f"(holder page, QR code, frame laid under it, attachment)")
    print("    by script    " + ", ".join(f"{s} {median_ms(t):.1f} ms" for s, t in
                                            single["by_script"].items()) + "  (pdf.render medians)")
    cold_ms = median_ms(single["cold"])
    print(f"    first of an issuing  median {cold_ms:7.2f} ms ({len(single['cold'])} runs) = "
          f"{cold_ms / floor_ms:.2f} × the floor: the frame the session's certificates share "
          f"(pdf_frame.html) is rendered once, then kept")
    if per_certificate_log:
        for message, count in per_certificate_log.most_common(3):
            print(f"    log          {count:.1f} per certificate: {message[:110]}")
    print(f"  {n} certificates  (services.issue_session(session, None, processes=N) in one "
          f"transaction(), {n} new each run)")
    for run in (one, many):
        rest = run["service"] - run["render_many"]
        print(f"    processes={run['processes']:<2} {run['total']:7.2f} s  "
              f"({run['total'] / n * 1000:5.1f} ms per certificate): render_many "
              f"{run['render_many']:.2f} s (of which preparing the jobs, _prepare, "
              f"{run['prepare']:.2f} s in the calling process), other service work {rest:.2f} s, "
              f"commit {run['commit']:.2f} s")
    print(f"    speed-up     {speedup:.2f}   target ≥ {SPEEDUP_TARGET} on two cores  "
          f"-> {at_least(speedup, SPEEDUP_TARGET)}")
    print(f"    render_many  alone on the same {len(jobs)} jobs: 1 process {alone[0][0]:.2f} s, "
          f"{cores} processes {alone[1][0]:.2f} s, speed-up {alone_speedup:.2f}")
    print(f"    machine      a pure-Python loop, alone then in the same kind of pool: 1 process "
          f"{machine[0]:.2f} s, {cores} processes {machine[1]:.2f} s, speed-up {machine_ratio:.2f} "
          f"(what this machine allows now)")
    print(f"  PDF size     largest {kb(max(sizes))}, median {kb(int(statistics.median(sizes)))} "
          f"of {len(sizes)} issued   target < {SIZE_TARGET_KB} KB  -> "
          f"{'within target' if max(sizes) < SIZE_TARGET_KB * 1024 else 'OVER target'}")
    print("    largest by   " + ", ".join(f"{s} {kb(size)}" for s, size in size_by_script.items()))
    font_list = ", ".join(f"{name} ×{count}" for name, count in sorted(fonts.items()))
    print(f"  fonts        {'every font embedded and subset' if not bad_fonts else 'PROBLEMS'} in "
          f"{len(pdfs)} PDFs (pypdf, {check_s:.1f} s): {font_list}")
    print("  checks       holder name and serial in the text, embedded credential valid "
          "(offline.check_bytes): 4 single PDFs and 4 issued per run, one per script")
    if failures:
        print(f"  FAILED       {len(failures)} problem(s) (exit 1):")
        for problem in failures[:20]:
            print(f"    - {problem}")
    if single["profile"]:
        print("  profile of 20 single renders (pdf.render), by own time:")
        print("\n".join("    " + line for line in single["profile"].strip().splitlines()))
    print(f"  run time     {total_s:.1f} s")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
