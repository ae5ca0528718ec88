"""Builders: the domain's objects with sensible defaults, so a test states only what it is about.

Each builder is a plain function: keyword arguments for what the test cares about,
made-up values for the rest. They build through the services wherever a service
exists, so the rules hold (an accepted fellow applied inside the window and was
accepted by an admin; an approved exchange was proposed, confirmed by the host and
approved), and write models directly only where getting round a rule is the point.
They need an app context and only flush; a test that then makes requests builds
inside ``committed(app)``.

Whoever merely signs a decision (the admin who accepts, the staff who confirm) is
the first such user the database has, else one made for it: pass them where the
test is about them.
"""

import itertools
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from institute.accounts import services as accounts
from institute.accounts.models import User, UserRole
from institute.admissions import offers
from institute.admissions import services as admissions
from institute.certificates import services as certificates
from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.courses.services import get_course, mark_done
from institute.database import utcnow
from institute.exchanges import services as exchanges
from institute.extensions import db
from institute.quizzes import attempts
from institute.training import services as training
from institute.training.models import SessionCourse, TrainingSession

PASSWORD = "correct horse battery"
MOTIVATION = "I restore degraded rangeland in my district and want to learn more."
_serial = itertools.count(1)


@contextmanager
def committed(app):
    """Build in an app context of its own and commit at the end, for tests that then
    make requests: each request has its own context and sees only what is committed."""
    with app.app_context():
        yield
        db.session.commit()


def _email_of(user_or_email) -> str:
    return getattr(user_or_email, "email", user_or_email)


# ------------------------------------------------------------------ people


def create_user(
    email: str | None = None,
    name: str = "Test User",
    password: str = PASSWORD,
    roles=("trainee",),
    partner: str | None = None,
    country: str | None = "KG",
):
    """A user through the accounts service (so every rule is applied); needs an app context."""
    if email is None:
        email = f"user{next(_serial)}@example.org"
    if isinstance(roles, str):
        roles = (roles,)
    return accounts.create_user(email, name, password, roles, partner, country)


def create_staff(partner: str = "UCA", **kwargs):
    """A member of a partner institution's staff (the partner role)."""
    return create_user(roles=kwargs.pop("roles", "partner"), partner=partner, **kwargs)


def create_partner(code: str | None = None, name: str | None = None, country: str = "UZ",
                   kind: str = "university"):
    """A partner institution through the accounts service (the migration seeds the network's)."""
    code = code or f"TEST-{next(_serial)}"
    return accounts.create_partner(code, name or f"Institute {code}", country, kind)


def _first_with_role(role: str, partner: str | None = None, besides: User | None = None) -> User | None:
    stmt = (sa.select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.active.is_(True)).order_by(User.id).limit(1))
    if partner is not None:
        stmt = stmt.where(User.partner_id == accounts.partner_by_code(partner).id)
    if besides is not None:
        stmt = stmt.where(User.id != besides.id)
    return db.session.scalar(stmt)


def _an_admin() -> User:
    return _first_with_role("admin") or create_user(roles="admin")


def _staff_of(partner: str, besides: User | None = None) -> User:
    """A member of the partner's staff (other than ``besides``: the teacher of an exchange)."""
    return _first_with_role("partner", partner, besides) or create_staff(partner)


# ------------------------------------------------------------------ courses

QUIZ = """$CATEGORY: test/basics

::Capital::What is the capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::Sand::Straw checkerboards fix moving sand.{T}

::Essay::Describe one restoration method you have seen. {}
"""


def course_files(slug_title: str = "Test Course", partner: str = "GDI", modules: int = 2,
                 quiz: bool = True, extra_front: str = "", body: str = "") -> dict[str, bytes]:
    """The files of a small valid bundle; tests change what they are about."""
    quizzes = ""
    if quiz:
        quizzes = ("quizzes:\n  - file: quiz.gift\n    title: Check\n"
                   f"    after: {modules:02d}-module-{modules}\n    pass_mark: 60\n")
    files = {
        "course.md": (f"---\ntitle: {slug_title}\npartner: {partner}\nlanguage: en\n"
                      f"license: CC-BY-4.0\nauthors: [A. Author]\nversion: 1.0.0\n"
                      f"summary: A course for tests.\ntopics: [testing]\nhours: 2\n"
                      f"{quizzes}{extra_front}---\n\nOverview of the course.\n{body}").encode(),
    }
    for n in range(1, modules + 1):
        files[f"{n:02d}-module-{n}.md"] = (
            f"---\nminutes: 10\n---\n# Module {n}\n\nText of module {n} about sand dunes.\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n").encode()
    if quiz:
        files["quiz.gift"] = QUIZ.encode()
    return files


def create_course(slug: str = "test-course", author=None, publish: bool = True,
                  files: dict[str, bytes] | None = None, **kwargs):
    """Import a course through the real import service; returns the ImportResult.

    ``publish=False`` leaves the revision a draft; ``files`` replaces the bundle that
    ``course_files(**kwargs)`` would make. Importing changed files under a slug that
    exists makes its next revision.
    """
    return import_bundle(Bundle(slug=slug, files=files or course_files(**kwargs)), author, publish=publish)


def create_revision(slug: str = "test-course", author=None, publish: bool = False,
                    text: str = "a revised text", **kwargs):
    """The course's next revision, a draft unless published: module 1 says ``text``
    where it said "sand dunes"; returns the ImportResult."""
    files = course_files(**kwargs)
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", text.encode())
    return create_course(slug, author=author, publish=publish, files=files)


# The quiz of the quiz tests: one question of each automatically scored kind they
# use, and an essay; RIGHT answers the first three (3 of 4 points).
QUESTIONS = """::MC::Capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::TF::Straw checkerboards fix moving sand.{T}

::Num::How many metres is the side of a usual straw square? {#1:0.2}

::Essay::Describe one restoration method you have seen. {}
"""
RIGHT = {"0": 0, "1": True, "2": 1.1}

# A question of every GIFT kind the platform knows, in this order: multichoice,
# multianswer, truefalse, shortanswer, numerical, matching, essay, description.
EVERY_KIND = """::Capital::What is the capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::Shrubs::Which of these shrubs are planted to fix sand? {~%50%Salix ~%50%Caragana ~%-100%Rice}

::Sand::Straw checkerboards fix moving sand.{T}

::Desert::The desert south of Baotou is the {=Kubuqi =Hobq} desert.

::Side::How many metres is the side of a usual straw square? {#1:0.2}

::Uses::Match each plant with its use. {=Salix -> windbreaks =Caragana -> fodder =Saxaul -> fuel}

::Essay::Describe one restoration method you have seen. {}

::Note::The last questions are about your own district.
"""
EVERY_KIND_RIGHT = {"0": 0, "1": [0, 1], "2": True, "3": "Kubuqi", "4": 1.1,
                    "5": {"0": "windbreaks", "1": "fodder", "2": "fuel"}}


def create_quiz(gift: str = QUESTIONS, slug: str = "quizzed", title: str = "Check",
                pass_mark: float = 60, max_attempts: int = 2, shuffle: bool = False,
                time_limit_minutes: int | None = None, publish: bool = True, author=None,
                **course_kwargs):
    """The one quiz of a course of its own (imported through the real service); its
    course is ``quiz.revision.course``."""
    front = (f"quizzes:\n  - file: quiz.gift\n    title: {title}\n    pass_mark: {pass_mark}\n"
             f"    max_attempts: {max_attempts}\n    shuffle: {'true' if shuffle else 'false'}\n")
    if time_limit_minutes:
        front += f"    time_limit_minutes: {time_limit_minutes}\n"
    files = course_files(quiz=False, extra_front=front, **course_kwargs)
    files["quiz.gift"] = gift.encode()
    return create_course(slug, author=author, publish=publish, files=files).revision.quizzes[0]


def _course(course_quiz_or_slug):
    """A Course from a course, a quiz (its course) or a slug."""
    if isinstance(course_quiz_or_slug, str):
        return get_course(course_quiz_or_slug)
    revision = getattr(course_quiz_or_slug, "revision", None)
    return revision.course if revision is not None else course_quiz_or_slug


def complete_modules(fellow, course, modules=None) -> None:
    """Mark the course's modules done (all of its published revision's, unless named)."""
    course = _course(course)
    for module in modules if modules is not None else [m.slug for m in course.published.modules]:
        mark_done(fellow, course, module)


# ------------------------------------------------------------------ training


def create_session(title: str = "Training 2026", year: int = 2026, sequence: int = 1,
                   seats: int = 15, courses=(), instructors=(), **extra):
    """A session open for applications today, through the training service.

    ``courses`` are courses or slugs (published), ``instructors`` users or emails
    (instructors, admins, or guest teachers on an approved exchange at that time).
    """
    today = date.today()
    data = {"title": title, "year": year, "sequence": sequence, "seats": seats,
            "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=80),
            "applications_open": today - timedelta(days=1),
            "applications_close": today + timedelta(days=30), "place": "Kubuqi",
            "courses": [getattr(c, "slug", c) for c in courses],
            "instructors": [_email_of(u) for u in instructors]}
    data.update(extra)
    return training.create_session(data)


def free_year_and_sequence() -> dict:
    """A year and sequence no session has: from 2050 on, so that the sessions builders
    make for themselves never take the 2026-1 a test makes."""
    taken = set(db.session.execute(sa.select(TrainingSession.year, TrainingSession.sequence)).tuples())
    year, sequence = next((y, s) for y in range(2050, 2101) for s in (1, 2) if (y, s) not in taken)
    return {"year": year, "sequence": sequence}


# "accepted" is a confirmed seat (a member of the cohort); "offered" an accepted
# application whose offer is not confirmed yet; "declined" and "lapsed" offers turned
# down or left unconfirmed past the deadline.
APPLICATION_PATHS = {"applied": [], "accepted": ["accept", "confirm"], "offered": ["accept"],
                     "waitlisted": ["waitlist"], "rejected": ["reject"], "withdrawn": ["withdraw"],
                     "declined": ["accept", "decline"], "lapsed": ["accept", "lapse"]}


def pdf_bytes(text: str = "Curriculum vitae") -> bytes:
    """A small real PDF (one page with ``text``), as a CV answered in an application."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def create_application(session=None, fellow=None, status: str = "applied", admin=None,
                       motivation: str = MOTIVATION, answers: dict | None = None,
                       files: dict | None = None, **apply_kwargs):
    """An application in any state: applied through the training service, then decided
    by an admin (an accepted one confirmed by the fellow; "offered": not yet), or withdrawn.
    ``apply_kwargs``: country, institution, today, passport_name, nationality. With
    ``answers`` ({question id: text}) or ``files`` ({question id: (name, bytes)}) it applies
    through admissions, which checks them against the session's questions (the passport
    name then defaults to the fellow's name)."""
    session = session or create_session()
    fellow = fellow or create_user()
    if answers is not None or files is not None:
        application = admissions.apply(session, fellow, {
            "motivation": motivation, "answers": answers or {},
            "passport_name": apply_kwargs.pop("passport_name", fellow.name), **apply_kwargs},
            {qid: admissions.Upload(name, data) for qid, (name, data) in (files or {}).items()})
    else:
        application = training.apply(session, fellow, motivation, **apply_kwargs)
    for step in APPLICATION_PATHS[status]:
        if step == "withdraw":
            training.withdraw(application, application.user)
        elif step == "confirm":
            offers.confirm(application, application.user)
        elif step == "decline":
            offers.decline(application, application.user)
        elif step == "lapse":
            application.offer_expires_at = utcnow() - timedelta(seconds=1)
            db.session.flush()
            offers.lapse_if_expired(application)
        else:
            training.decide(application, step, admin or _an_admin())
    return application


def enrol(session, fellow=None, admin=None, **user_kwargs):
    """A fellow of the session's cohort (applied, accepted and the seat confirmed); made from ``user_kwargs``
    unless given. Returns the fellow."""
    fellow = fellow or create_user(**user_kwargs)
    create_application(session, fellow, "accepted", admin)
    return fellow


def enrol_cohort(session, size: int = 3, admin=None) -> list:
    """``size`` new fellows accepted into the session, in the order they applied."""
    admin = admin or _an_admin()
    return [enrol(session, admin=admin) for _ in range(size)]


def enrol_in_course(course, fellow=None, admin=None, **user_kwargs):
    """A fellow who studies the course (a Course, a Quiz's course, or a slug): accepted
    into a session that has it and a free seat, or into one made for it. A fellow who
    studies it already is left as they are. Returns the fellow."""
    course = _course(course)
    if fellow is not None and training.studies(fellow, course.id):
        return fellow
    sessions = db.session.scalars(sa.select(TrainingSession).join(
        SessionCourse, SessionCourse.session_id == TrainingSession.id)
        .where(SessionCourse.course_id == course.id).order_by(TrainingSession.id))
    session = next((s for s in sessions if training.is_open(s) and training.accepted_count(s) < s.seats), None)
    if session is None:
        session = create_session(title=f"Training in {course.slug}", seats=100, courses=[course],
                                 **free_year_and_sequence())
    return enrol(session, fellow, admin, **user_kwargs)


HOLDER_NAMES = ["José Ñúñez", "Айгерим Сапарова", "فاطمة الزهراء", "王小明"]  # four scripts


def create_finished_session(names=HOLDER_NAMES, unfinished=("Slow Fellow",), admin=None) -> dict:
    """A session whose one course has no quiz: fellows f0@example.org, f1@… named
    ``names`` completed it; those named ``unfinished`` (after them) did only module 1.
    The admin is admin@example.org unless given. {"session", "admin", "fellows"}."""
    course = create_course(slug="short", quiz=False).course
    admin = admin or create_user(email="admin@example.org", roles="admin")
    session = create_session(courses=[course])
    fellows = []
    for index, name in enumerate([*names, *unfinished]):
        fellow = enrol(session, admin=admin, email=f"f{index}@example.org", name=name)
        complete_modules(fellow, course, None if index < len(names) else ["module-1"])
        fellows.append(fellow)
    db.session.flush()
    return {"session": session, "admin": admin, "fellows": fellows}


# ------------------------------------------------------------------ exchanges

EXCHANGE_PURPOSE = "Teach sand fixation to the host's students and share field methods."
EXCHANGE_PATHS = {"proposed": [], "confirmed": ["confirm"], "approved": ["confirm", "approve"],
                  "completed": ["confirm", "approve", "complete"], "rejected": ["reject"],
                  "cancelled": ["confirm", "approve", "cancel"]}


def create_exchange(status: str = "proposed", teacher=None, home: str = "UCA", host: str = "CICA",
                    starts_on: date | None = None, days: int = 14, courses=(), proposer=None,
                    purpose: str = EXCHANGE_PURPOSE, **deciders):
    """An exchange in any state, through the exchange services: proposed by the home
    institution's staff (other than the teacher), then moved on (``move_exchange``;
    ``deciders`` as there).

    The teacher (a user or an email) is a new member of the home institution's staff
    unless given. It starts in 30 days and ends ``days`` later; one that starts today
    or before was proposed the day before it started.
    """
    starts_on = starts_on or date.today() + timedelta(days=30)
    teacher = teacher or create_staff(home, name="Guest Teacher")
    if isinstance(teacher, str):
        teacher = accounts.user_by_email(teacher)
    proposer = proposer or _staff_of(home, besides=teacher)
    exchange = exchanges.propose(proposer, teacher.email, home, host, starts_on,
                                 starts_on + timedelta(days=days), [getattr(c, "slug", c) for c in courses],
                                 purpose, today=min(date.today(), starts_on - timedelta(days=1)))
    return move_exchange(exchange, status, **deciders)


def move_exchange(exchange, status: str, host_staff=None, home_staff=None, admin=None,
                  report: str = "Taught 20 students; two field days at the dunes."):
    """Take a proposed exchange on to ``status``: the host's staff confirm or reject,
    an admin approves, the home institution's staff cancel, an admin completes it
    (with ``report``, on its last day if that is still to come)."""
    actors = {"confirm": lambda: host_staff or _staff_of(exchange.host.code),
              "reject": lambda: host_staff or _staff_of(exchange.host.code),
              "approve": lambda: admin or _an_admin(), "complete": lambda: admin or _an_admin(),
              "cancel": lambda: home_staff or _staff_of(exchange.home.code, besides=exchange.teacher)}
    for decision in EXCHANGE_PATHS[status]:
        exchanges.decide(exchange, decision, actors[decision](), report if decision == "complete" else "",
                         today=max(date.today(), exchange.ends_on) if decision == "complete" else None)
    return exchange


def create_guest_teacher(home: str = "UCA", host: str = "GDI", days: int = 120, **exchange_kwargs):
    """A teacher of another institution on an approved exchange at ``host`` that is under
    way (since yesterday, for ``days``): one who may teach the sessions of that time
    (``create_session(instructors=[guest])``) with no role of the institute's own."""
    return create_exchange("approved", home=home, host=host, days=days,
                           starts_on=date.today() - timedelta(days=1), **exchange_kwargs).teacher


# ------------------------------------------------------------------ quizzes


def create_attempt(quiz=None, fellow=None, state: str = "started", answers=None, now=None,
                   grader=None, points: float = 1.0, feedback: str = "Graded for a test."):
    """An attempt through the attempt services, by a fellow who studies the quiz's course
    (``enrol_in_course``); the fellow and a quiz of its own are made unless given.

    ``state``: "started" (``answers`` saved), "submitted", "graded" (every essay given
    ``points`` by ``grader``), or "expired" (a quiz with a time limit: started that long
    ago and its grace over, submitted with what was saved). ``now`` is when it starts.
    """
    quiz = quiz or create_quiz()
    fellow = enrol_in_course(quiz, fellow)
    if state == "expired":
        if not quiz.time_limit_minutes:
            raise ValueError("only an attempt at a quiz with a time limit expires")
        now = now or utcnow() - timedelta(minutes=quiz.time_limit_minutes) - attempts.GRACE - timedelta(minutes=1)
    attempt, _started = attempts.start(quiz, fellow, now=now)
    if answers:
        attempts.save(attempt, fellow, answers, now=now)
    if state in ("submitted", "graded"):
        attempts.submit(attempt, fellow, now=now)
    if state == "graded":
        for index, question in enumerate(attempt.quiz.questions):
            if question["kind"] == "essay":
                attempts.grade(attempt, index, points, feedback, grader or _an_admin())
    if state == "expired":
        attempts.expire_if_due(attempt)
    return attempt


# ------------------------------------------------------------------ certificates


def issue_certificates(session, admin=None):
    """Issue the session's certificates in this process; returns the IssueResult."""
    return certificates.issue_session(session, admin or _an_admin(), processes=1)


def create_certificate(status: str = "issued", fellow=None, admin=None,
                       reason: str = "Issued in error", **user_kwargs):
    """A fellow's certificate of a session of their own (its course without a quiz,
    every module done), issued through the certificate service; "revoked" then revokes
    it for ``reason``. The fellow is made from ``user_kwargs`` unless given."""
    course = create_course(slug="certified", quiz=False).course
    session = create_session(title="Certified training", courses=[course], **free_year_and_sequence())
    fellow = enrol(session, fellow, admin, **user_kwargs)
    complete_modules(fellow, course)
    admin = admin or _an_admin()
    [certificate] = issue_certificates(session, admin).issued
    if status == "revoked":
        certificates.revoke(certificate, admin, reason)
    return certificate


def create_teaching_certificate(exchange=None, admin=None):
    """The certificate of teaching of a completed exchange (one made unless given)."""
    return certificates.issue_teaching(exchange or create_exchange("completed"), admin or _an_admin())


# ------------------------------------------------------------------ schedule


def create_event(session=None, kind: str = "lecture", title: str = "Sand fixation", starts_at=None,
                 hours: int = 3, author=None, **extra):
    """An event in a session's schedule (tomorrow at 9:00 UTC unless told), through the service."""
    from institute.schedule import services as schedule

    session = session or create_session()
    starts_at = starts_at or datetime.combine(date.today() + timedelta(days=1), time(9), tzinfo=UTC)
    data = {"title": title, "kind": kind, "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours) if hours else None, **extra}
    return schedule.create_event(session, author or _an_admin(), data)
