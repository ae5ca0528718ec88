"""Benchmark: enrolling a cohort from a 400-row CSV file.

Builds a fresh database with the partner network, an admin and one session per
run, then times ``enrol_csv`` on a file of 400 new fellows (``--known N`` of
them with an account already), in its own app context and ``transaction()``,
as one upload request is. Passwords are hashed as in production (scrypt, the
default ``PASSWORD_HASH_METHOD``) whenever anything hashes one; only the
untimed set-up of the admin and of the known accounts uses a cheap method.

The floor is the same file read and checked without writing anything
(``check_csv``: parsing, every rule, the cohort, the partners and the seats),
timed the same way on the same rows just before each enrolment.

    .venv/bin/python bench/enrolment.py [--postgres URL] [--rows 400] [--known 0] [--runs 3]

Prints figures; never asserts a timing. Exits 1 only if an enrolment did not
do its work (a fellow missing from the cohort, an invited account with a
password hash, a missing set-password link).
"""

import statistics
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa
from _common import arguments, backend_label, bench_app, machine_label, verdict

from institute.accounts.models import PasswordToken, User
from institute.accounts.services import UNUSABLE_PASSWORD, create_user, load_partners
from institute.database import reads_seen_by, transaction
from institute.extensions import db
from institute.training import services as training
from institute.training.enrolment import check_csv, enrol_csv

TARGET_S = 5.0
CHEAP_HASH = "pbkdf2:sha256:1000"  # set-up only: the timed part hashes as production does
COUNTRIES = ["KG", "KZ", "UZ", "TJ", "MN", "CN", "PE", "BO", "CL", "MA", "SN", "NE"]
PARTNERS = ["UCA", "CICA", "UNALM", ""]  # some fellows come from no partner


def csv_file(run: int, rows: int) -> str:
    lines = ["email,name,country,partner"]
    for i in range(rows):
        lines.append(f"fellow{i:03d}.run{run}@bench.example,Fellow {i} Run {run},"
                     f"{COUNTRIES[i % len(COUNTRIES)]},{PARTNERS[i % len(PARTNERS)]}")
    return "\n".join(lines) + "\n"


def set_up(app, runs: int, rows: int, known: int) -> tuple[int, list[int]]:
    """The admin; a warm-up session, one per timed run and one whose statements are
    counted; the known accounts of each file."""
    production_hash = app.config["PASSWORD_HASH_METHOD"]
    app.config["PASSWORD_HASH_METHOD"] = CHEAP_HASH
    try:
        with app.app_context(), transaction():
            load_partners()
            admin = create_user("admin@bench.example", "Bench Admin", "bench admin password", ("admin",))
            today = date.today()
            sessions = [training.create_session({
                "title": f"Bench {n}", "year": 2030 + n, "sequence": 1, "seats": rows,
                "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=80),
                "applications_open": today - timedelta(days=1),
                "applications_close": today + timedelta(days=30)}) for n in range(runs + 2)]
            for run in range(1, runs + 2):
                for i in range(known):
                    create_user(f"fellow{i:03d}.run{run}@bench.example", f"Fellow {i} Run {run}",
                                "a fellow's own password", ("trainee",), country="KG")
            return admin.id, [s.id for s in sessions]
    finally:
        app.config["PASSWORD_HASH_METHOD"] = production_hash


def timed(app, work) -> float:
    """Seconds of one request's worth: an app context, the work, the commit."""
    start = time.perf_counter()
    with app.app_context(), transaction():
        work()
    return time.perf_counter() - start


def count_statements(app, work) -> list[str]:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        with reads_seen_by(lambda sql: seen.append(sql.split(None, 1)[0].upper())):
            timed(app, work)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
    return seen


def check(app, session_id: int, rows: int, known: int) -> list[str]:
    """What an enrolment must have done; the failures, if any."""
    with app.app_context():
        session = training.get_session(session_id)
        emails = [a.user.email for a in training.applications_of(session) if a.status == "accepted"]
        invited = db.session.scalars(sa.select(User.id).where(
            User.email.in_(emails), User.password_hash == UNUSABLE_PASSWORD)).all()
        links = db.session.scalar(sa.select(sa.func.count(PasswordToken.id)).where(
            PasswordToken.user_id.in_(invited)))
    failures = []
    if len(emails) != rows:
        failures.append(f"{len(emails)} fellows in the cohort of session {session_id}, not {rows}")
    if len(invited) != rows - known:
        failures.append(f"{len(invited)} invited accounts without a password hash, not {rows - known}")
    if links != rows - known:
        failures.append(f"{links} set-password links, not {rows - known}")
    return failures


def options(parser):
    parser.add_argument("--rows", type=int, default=400, help="rows in the file (400)")
    parser.add_argument("--known", type=int, default=0,
                        help="rows whose fellow has an account already (0: all are invited)")
    parser.add_argument("--runs", type=int, default=3, help="enrolments, each into its own session (3)")


def main() -> None:
    args = arguments("Time a CSV enrolment against the same file checked without writing.", options)
    if not 0 <= args.known <= args.rows:
        raise SystemExit("--known must be between 0 and --rows")
    started = time.perf_counter()
    with bench_app(args.postgres) as app:
        label = backend_label(app)
        method = app.config["PASSWORD_HASH_METHOD"]
        admin_id, session_ids = set_up(app, args.runs, args.rows, args.known)
        warm_up, *sessions, counted = session_ids

        def enrol(session_id, data):
            return lambda: enrol_csv(training.get_session(session_id), data, db.session.get(User, admin_id))

        def read(session_id, data):
            return lambda: check_csv(training.get_session(session_id), data)

        # First-use costs (imports, translations, compiled statements) out of the figures.
        small = csv_file(0, 5).replace("@bench.example", "@warm-up.example")
        timed(app, read(warm_up, small))
        timed(app, enrol(warm_up, small))

        floors, enrolments, failures = [], [], []
        for run, session_id in enumerate(sessions, start=1):
            data = csv_file(run, args.rows)
            floors.append(timed(app, read(session_id, data)))
            enrolments.append(timed(app, enrol(session_id, data)))
            failures += check(app, session_id, args.rows, args.known)
        # Counted apart, so that the listener weighs on no timed run.
        statements = count_statements(app, enrol(counted, csv_file(len(sessions) + 1, args.rows)))
        failures += check(app, counted, args.rows, args.known)
    total_s = time.perf_counter() - started

    floor_s, enrol_s = statistics.median(floors), statistics.median(enrolments)
    ratio = enrol_s / floor_s
    selects = sum(1 for s in statements if s == "SELECT")
    print(f"CSV enrolment: {args.rows} rows ({args.rows - args.known} new people invited, "
          f"{args.known} with an account)")
    print(f"  database     {label}")
    print(f"  machine      {machine_label()}")
    print(f"  passwords    {method.split(':')[0]} (PASSWORD_HASH_METHOD, as in production)")
    print("  method       enrol_csv(session, file, admin) in an app context and transaction(), "
          "like one upload request; floor: check_csv(session, file) on the same rows, writing nothing")
    print(f"  floor        {floor_s:7.3f} s   median of {len(floors)}: "
          + ", ".join(f"{s:.3f}" for s in floors))
    print(f"  enrolment    {enrol_s:7.3f} s   median of {len(enrolments)}: "
          + ", ".join(f"{s:.3f}" for s in enrolments)
          + f"   ({enrol_s / args.rows * 1000:.2f} ms a row)")
    print(f"  ratio        {ratio:.1f}   enrolment / floor")
    print(f"  target       enrolment ≤ {TARGET_S:.0f} s  -> {verdict(enrol_s, TARGET_S)}")
    print(f"  statements   {len(statements)} for one enrolment of {args.rows} rows ({selects} SELECT)")
    print("  done         " + ("; ".join(failures) if failures else
                              "every fellow accepted; every invited account has no password hash "
                              "and a set-password link"))
    print(f"  run time     {total_s:.1f} s")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
