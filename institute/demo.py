"""``flask --app institute demo``: a demo data set to look around with.

Idempotent: run it again and it adds only what is missing, then prints the logins.
Each domain adds its part through ``DEMO_STEPS``.
"""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .accounts import services as accounts
from .admissions import reviews as admission_reviews
from .admissions.models import ApplicationFile
from .announcements import services as announcements
from .assignments import services as assignments
from .courses.bundle import find_bundles, read_path
from .courses.importing import import_bundle, translates
from .courses.services import get_course, mark_done
from .database import transaction, utcnow
from .discussion import services as discussion
from .discussion.models import Thread
from .evaluation import services as evaluation
from .exchanges import services as exchanges
from .exchanges.models import Exchange
from .extensions import db
from .questions import type_of
from .quizzes import attempts as quiz_attempts
from .schedule import services as schedule
from .training import services as training
from .training.models import Application, TrainingSession

DEMO_PASSWORD = "kubuqi-demo-2026"  # noqa: S105 - a demo data set for local use, documented in the README

DEMO_USERS = [
    ("admin@gdi.example", "Bolormaa Admin", ("admin",), "GDI", "CN"),
    ("instructor@gdi.example", "Li Wei", ("instructor",), "GDI", "CN"),
    ("partner@cica.example", "Ayşe Demir", ("partner",), "CICA", "TR"),
    ("partner@uca.example", "Azamat Osmonov", ("partner", "instructor"), "UCA", "KG"),
    ("fellow@gdi.example", "Fatima Zahra Benali", ("trainee",), None, "MA"),
]


def load_accounts() -> list[tuple[str, str]]:
    accounts.load_partners()
    logins = []
    for email, name, roles, partner, country in DEMO_USERS:
        if accounts.user_by_email(email) is None:
            accounts.create_user(email, name, DEMO_PASSWORD, roles, partner, country)
        logins.append((email, ", ".join(roles)))
    return logins


def load_courses() -> list[str]:
    """The institute's own courses shipped in ``courses/``, published."""
    folder = Path(current_app.root_path).parent / "courses"
    slugs = []
    bundles = [read_path(path) for path in (find_bundles(folder) if folder.exists() else [])]
    for bundle in sorted(bundles, key=translates):  # originals before their translations
        slugs.append(import_bundle(bundle, None, "shipped with the platform", publish=True).course.slug)
    return slugs


# The 2026 cohort: fellows from partner countries, in the scripts the network writes.
COHORT = [
    ("jose.nunez@fellows.example", "José Ñúñez", "PE", "UNALM"),
    ("aigerim.saparova@fellows.example", "Айгерим Сапарова", "KG", "UCA"),
    ("fatima.zahra@fellows.example", "فاطمة الزهراء", "EG", "DRC-EG"),
    ("wang.xiaoming@fellows.example", "王小明", "CN", "IMAU"),
    ("ana.lucia.ferreira@fellows.example", "Ana Lúcia Ferreira", "BR", "UFC"),
    ("muhammad.bilal@fellows.example", "Muhammad Bilal", "PK", "PMAS-AAUR"),
    ("merve.yildiz@fellows.example", "Merve Yıldız", "TR", "CICA"),
    ("amine.ben.salah@fellows.example", "Amine Ben Salah", "TN", "IRA-TN"),
    ("gulshat.annayeva@fellows.example", "Gülşat Annaýewa", "TM", "KIU"),
    ("camila.rojas@fellows.example", "Camila Rojas", "CL", "UCH-CEZA"),
    ("lucas.gimenez@fellows.example", "Lucas Giménez", "AR", "IADIZA"),
]
# Fellows still waiting for a seat in 2026, and one applying to 2027.
APPLICANTS = [
    ("sana.qureshi@fellows.example", "Sana Qureshi", "PK", "SALU"),
    ("nurlan.abenov@fellows.example", "Nurlan Äbenov", "KZ", None),
    ("bolor.erdene@fellows.example", "Bolor-Erdene Ganbaatar", "MN", None),
]


def load_training(courses: list[str]) -> None:
    """The 2026 session under way (a cohort at every stage) and 2027 open to applications."""
    if db.session.scalar(sa.select(TrainingSession.id).where(TrainingSession.year == 2026,
                                                             TrainingSession.sequence == 1)):
        return
    admin = accounts.user_by_email("admin@gdi.example")
    assert admin is not None  # made by load_accounts
    session = training.create_session({
        "title": "Combating desertification: the Kubuqi training 2026", "year": 2026, "sequence": 1,
        "starts_on": date(2026, 9, 1), "ends_on": date(2026, 12, 15), "place": "Kubuqi, Inner Mongolia",
        "on_site_days": 30,
        "seats": 15, "applications_open": date(2026, 3, 1), "applications_close": date(2026, 6, 30),
        "courses": courses, "instructors": ["instructor@gdi.example", "partner@uca.example"],
        "description": "Fifteen weeks on land degradation, sand fixation and monitoring, with "
                       "field work in the Kubuqi desert.",
    })
    fellows = [("fellow@gdi.example", None, None, None)] + COHORT
    for email, name, country, partner in fellows + APPLICANTS:
        user = accounts.user_by_email(email) or accounts.create_user(
            email, name, DEMO_PASSWORD, ("trainee",), partner, country)
        application = Application(session_id=session.id, user=user, country=user.country,
                                  institution=user.partner.name if user.partner else "",
                                  motivation="I work on land restoration at home and want to bring "
                                             "the Kubuqi methods to my region.")
        application.status = "accepted" if (email, name, country, partner) in fellows else "waitlisted"
        application.decided_by_id = admin.id
        application.decided_at = utcnow() - timedelta(days=60)  # decided after the window closed
        if application.status == "accepted":
            application.confirmed_at = application.decided_at + timedelta(days=3)
        db.session.add(application)
    db.session.flush()
    # Stages: the further down the list, the fewer modules done.
    outlines = []
    for slug in courses:
        course = get_course(slug)
        assert course.published is not None  # load_courses publishes them
        outlines.append((course, [m.slug for m in course.published.modules]))
    modules = [(c, m) for c, slugs in outlines for m in slugs]
    for index, (email, *_rest) in enumerate(fellows):
        fellow = accounts.user_by_email(email)
        assert fellow is not None  # made above
        share = 1 - (index - 1) / (len(fellows) - 1) if index else 0.5
        for course, module in modules[: round(share * len(modules))]:
            mark_done(fellow, course, module)
    load_attempts([accounts.user_by_email(email) for email, *_rest in fellows], outlines)
    load_submissions([accounts.user_by_email(email) for email, *_rest in fellows], outlines)
    training.create_session({
        "title": "Combating desertification: the Kubuqi training 2027", "year": 2027, "sequence": 1,
        "starts_on": date(2027, 4, 6), "ends_on": date(2027, 7, 10), "place": "Kubuqi, Inner Mongolia",
        "seats": 15, "applications_open": date(2026, 11, 1), "applications_close": date(2027, 2, 28),
        "courses": courses, "instructors": ["instructor@gdi.example"],
    })


# Who has a pending offer of a seat in 2027 (to confirm or decline, as a fellow would).
OFFERED = "nurlan.abenov@fellows.example"


def load_offers() -> None:
    """Passport names and nationalities of the 2026 cohort (their invitation letters can
    be downloaded, in every script the cohort writes), and one pending offer in 2027."""
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is None:
        return
    for application in db.session.scalars(sa.select(Application).where(
            Application.session_id == session.id, Application.status == "accepted",
            Application.passport_name == "")):
        application.passport_name = application.user.name
        application.nationality = application.nationality or application.user.country
    later = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2027,
                                                               TrainingSession.sequence == 1))
    fellow, admin = accounts.user_by_email(OFFERED), accounts.user_by_email("admin@gdi.example")
    if later is None or fellow is None or admin is None or db.session.scalar(sa.select(Application.id).where(
            Application.session_id == later.id, Application.user_id == fellow.id)):
        return
    application = Application(session_id=later.id, user=fellow, country=fellow.country,
                              motivation="I map dune movement in Kazakhstan and want to learn "
                                         "the Kubuqi methods of sand fixation.")
    db.session.add(application)
    db.session.flush()
    training.decide(application, "accept", admin)  # an offer: confirm within the session's days
    application.passport_name, application.nationality = "Nurlan Äbenov", fellow.country


def load_attempts(fellows, outlines) -> None:
    """Quiz attempts at every stage: passed, failed, essays waiting, one in progress."""
    instructor = accounts.user_by_email("instructor@gdi.example")
    assert instructor is not None  # made by load_accounts
    start = utcnow() - timedelta(days=20)
    for index, fellow in enumerate(fellows[1:8], start=1):
        for course, _modules in outlines:
            for quiz in course.published.quizzes:
                right = index <= 4  # the first four pass, the others fail
                attempt, _ = quiz_attempts.start(quiz, fellow, now=start)
                # The failing fellows still get a third of the questions right, and skip the essay.
                answers = {str(i): type_of(q).demo_answer(q, right or (i % 3 == 0 and not type_of(q).graded_by_hand))
                           for i, q in enumerate(quiz.questions) if type_of(q).answerable}
                if index == 7:  # still working on it
                    quiz_attempts.save(attempt, fellow, dict(list(answers.items())[:5]),
                                       now=start + timedelta(minutes=3))
                    continue
                quiz_attempts.save(attempt, fellow, answers, now=start + timedelta(minutes=8))
                quiz_attempts.submit(attempt, fellow, now=start + timedelta(minutes=12))
                if index <= 2:  # essays graded; the others wait in the instructor's queue
                    for i, q in enumerate(quiz.questions):
                        if type_of(q).graded_by_hand:
                            quiz_attempts.grade(attempt, i, 1.0, "A clear, practical plan.", instructor)


DEMO_REPORT = ("The site is a belt of barchan dunes two kilometres long, moving south-east onto the canal "
               "in spring. I would lay 1 × 1 m straw checkerboards on the windward slopes, then plant "
               "Caragana and Haloxylon behind them with water-jet planting after the first rain.")


def load_submissions(fellows, outlines) -> None:
    """Field reports at every stage: graded and passed (the fellows who complete), graded
    below the pass mark, one waiting in the instructor's queue; the demo login has none yet."""
    instructor = accounts.user_by_email("instructor@gdi.example")
    assert instructor is not None  # made by load_accounts
    for course, _modules in outlines:
        for assignment in course.published.assignments:
            for index, fellow in enumerate(fellows[1:5], start=1):
                upload = None
                if index == 1:
                    upload = assignments.Upload("field-report.pdf", _demo_cv(fellow.name, DEMO_REPORT))
                submission = assignments.submit(assignment, fellow, DEMO_REPORT, upload)
                if index <= 3:
                    passing = index <= 2
                    scores = {row["criterion"]: row["points"] if passing else row["points"] // 2
                              for row in assignment.rubric}
                    assignments.grade(submission, instructor, scores, "A clear site description; say more "
                                      "about the water budget." if passing else "Add the planting plan and costs.")


# Teachers of the network and the exchanges they are on, one in each state.
TEACHERS = [
    ("gulnara.teacher@uca.example", "Gulnara Asanova", "UCA", "KG"),
    ("mehmet.teacher@cica.example", "Mehmet Kaya", "CICA", "TR"),
    ("liu.teacher@imau.example", "Liu Fang", "IMAU", "CN"),
    ("rosa.teacher@unalm.example", "Rosa Huamán", "UNALM", "PE"),
    ("joao.teacher@ufc.example", "João Pereira", "UFC", "BR"),
    ("ahmed.teacher@drc.example", "Ahmed Salem", "DRC-EG", "EG"),
]
EXCHANGES = [  # teacher, home, host, start offset (days from today), length, final state
    ("gulnara.teacher@uca.example", "UCA", "CICA", 60, 21, "proposed"),
    ("joao.teacher@ufc.example", "UFC", "GDI", 90, 30, "confirmed"),
    ("mehmet.teacher@cica.example", "CICA", "GDI", -20, 40, "approved"),
    ("liu.teacher@imau.example", "IMAU", "UCA", -200, 14, "completed"),
    ("rosa.teacher@unalm.example", "UNALM", "UFC", 120, 10, "rejected"),
    ("ahmed.teacher@drc.example", "DRC-EG", "IMAU", 45, 20, "cancelled"),
]
PATHS = {"proposed": [], "confirmed": ["confirm"], "approved": ["confirm", "approve"],
         "completed": ["confirm", "approve", "complete"], "rejected": ["reject"],
         "cancelled": ["confirm", "approve", "cancel"]}


def _staff(code: str):
    """A member of staff of the partner, made for the demo when there is none."""
    email = f"staff@{code.lower()}.example"
    return accounts.user_by_email(email) or accounts.create_user(
        email, f"{code} exchange office", DEMO_PASSWORD, ("partner",), code, None)


def load_exchanges(courses: list[str]) -> None:
    if db.session.scalar(sa.select(Exchange.id).limit(1)):
        return
    admin = accounts.user_by_email("admin@gdi.example")
    for email, name, partner, country in TEACHERS:
        if accounts.user_by_email(email) is None:
            accounts.create_user(email, name, DEMO_PASSWORD, ("partner",), partner, country)
    today = date.today()
    for index, (teacher, home, host, offset, days, state) in enumerate(EXCHANGES):
        # Proposed for the future, as the rules require; the past ones then get their real dates.
        exchange = exchanges.propose(_staff(home), teacher, home, host, today + timedelta(days=1),
                                     today + timedelta(days=days), courses[index % len(courses):][:1],
                                     "Teach the course to the host's students and build a joint field "
                                     "practical on restoring degraded land.")
        exchange.starts_on = today + timedelta(days=offset)
        exchange.ends_on = exchange.starts_on + timedelta(days=days - 1)
        for decision in PATHS[state]:
            actor = {"confirm": _staff(host), "approve": admin, "reject": _staff(host),
                     "cancel": _staff(home), "complete": admin}[decision]
            exchanges.decide(exchange, decision, actor,
                             "Taught 30 students; two field days and a shared syllabus." if decision == "complete"
                             else "")
    # The approved guest teacher at the institute teaches the 2026 session.
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is not None:
        data = {k: getattr(session, k) for k in (
            "title", "year", "sequence", "starts_on", "ends_on", "place", "on_site_days", "attendance_required",
            "seats", "applications_open", "applications_close", "description")}
        data["courses"] = [c.slug for c in session.courses]
        data["instructors"] = [u.email for u in session.instructors] + ["mehmet.teacher@cica.example"]
        training.update_session(session, data)


SHANGHAI = ZoneInfo("Asia/Shanghai")
# The 2026 schedule: online weeks, then lectures and two field trips in the Kubuqi desert.
SCHEDULE = [
    ("Online weeks: land degradation and its measures", "other", (2026, 9, 1, 9), (2026, 10, 30, 18), "Online", ""),
    ("Quiz on land degradation closes", "deadline", (2026, 10, 30, 23), None, "Online", ""),
    ("Arrival and welcome in Kubuqi", "lecture", (2026, 11, 2, 9), (2026, 11, 2, 12), "Kubuqi Eco Centre, Hall A",
     "Badges, rooms and the week ahead."),
    ("Sand fixation: straw checkerboards", "lecture", (2026, 11, 4, 9), (2026, 11, 4, 12),
     "Kubuqi Eco Centre, Hall A", "Read the module on sand fixing first."),
    ("Field trip: the checkerboards of Dalate", "field-trip", (2026, 11, 12, 7), (2026, 11, 12, 18),
     "Dalate Banner, Kubuqi desert", "Bus at 7:00 from the centre. Water, hat, closed shoes."),
    ("Monitoring vegetation cover", "lecture", (2026, 11, 24, 9), (2026, 11, 24, 12),
     "Kubuqi Eco Centre, Hall B", ""),
    ("Field trip: licorice and desert farming", "field-trip", (2026, 12, 3, 7), (2026, 12, 3, 18),
     "Hangjin Banner, Kubuqi desert", "Bus at 7:00. Bring the monitoring sheet."),
    ("Field report due", "deadline", (2026, 12, 10, 23), None, "Online", ""),
    ("Closing ceremony", "lecture", (2026, 12, 11, 15), (2026, 12, 11, 17), "Kubuqi Eco Centre, Hall A", ""),
]


def load_schedule() -> None:
    """The 2026 session's schedule, attendance taken at the lectures and field trip so far."""
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is None or schedule.session_events(session):
        return
    instructor = accounts.user_by_email("instructor@gdi.example")
    assert instructor is not None  # made by load_accounts
    fellows = schedule.cohort_of(session)
    for title, kind, starts, ends, place, description in SCHEDULE:
        event = schedule.create_event(session, instructor, {
            "title": title, "kind": kind, "starts_at": datetime(*starts, tzinfo=SHANGHAI),
            "ends_at": datetime(*ends, tzinfo=SHANGHAI) if ends else None, "place": place,
            "description": description})
        if event.on_site and event.ends_at < datetime(2026, 12, 1, tzinfo=SHANGHAI):
            marks = {fellow.email: "present" for fellow in fellows}
            if len(fellows) > 3:  # one fellow excused (a visa delay), one absent once
                marks[fellows[2].email] = "excused" if event.id % 2 else "present"
                marks[fellows[3].email] = "absent" if kind == "field-trip" else "present"
            schedule.record_attendance(event, marks, instructor)


ANNOUNCEMENTS = [
    ("Welcome to Kubuqi", "Welcome to the on-site weeks! Badges and room keys are at the **front desk** of the "
     "Eco Centre from 8:00.\n\n- Lectures are in Hall A\n- Meals at the canteen, 7:00, 12:00 and 18:00"),
    ("Field trip on Thursday: bring the monitoring sheet",
     "The bus to Hangjin Banner leaves at **7:00 sharp**. Bring water, a hat, closed shoes and the vegetation "
     "monitoring sheet from the module *Monitoring vegetation cover*."),
]


def load_announcements() -> None:
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is None or announcements.of_session(session, 1):
        return
    instructor = accounts.user_by_email("instructor@gdi.example")
    assert instructor is not None  # made by load_accounts
    for title, body in ANNOUNCEMENTS:
        announcements.post(session, instructor, title, body)


# The 2026 discussion: threads in the cohort's languages, replies, one post hidden.
DISCUSSION = [
    ("fellow@gdi.example", "What to bring to the Dalate field trip?",
     "Is a **sun hat** enough, or do we need goggles for the sand too? Any advice on shoes?",
     [("instructor@gdi.example", "Goggles help when the wind rises in the afternoon. Closed shoes, "
                                 "and at least **two litres** of water each."),
      ("jose.nunez@fellows.example", "Gracias. Llevo un pañuelo para el polvo, como en el altiplano.")]),
    ("amine.ben.salah@fellows.example", "Méthodes de fixation du sable : retours d'expérience",
     "Au sud de la Tunisie, nous utilisons des **palissades de palmes**. Quelqu'un a-t-il comparé "
     "avec les damiers de paille ?",
     [("fatima.zahra@fellows.example", "في مصر نستخدم الحواجز المصنوعة من جريد النخيل أيضاً، وهي فعالة جداً."),
      ("wang.xiaoming@fellows.example", "库布其的草方格一般是 1 米 × 1 米，三到五年后植被就能固定沙丘。")]),
    ("aigerim.saparova@fellows.example", "Мониторинг растительного покрова",
     "Какие индексы вы используете кроме NDVI? В Кыргызстане мы пробуем *SAVI* для редкой растительности.",
     [("camila.rojas@fellows.example", "En Atacama usamos MSAVI2; funciona mejor con suelo desnudo."),
      ("muhammad.bilal@fellows.example", "Buy cheap sand-fixing kits here!!! http://spam.example")]),
    ("wang.xiaoming@fellows.example", "欢迎来到库布其！",
     "大家好！我是内蒙古农业大学的王小明。到了以后有任何问题可以问我。",
     [("ana.lucia.ferreira@fellows.example", "Obrigada! Chego no dia 1 de novembro.")]),
]


def load_discussion() -> None:
    """The 2026 session's discussion among its fellows and instructor, in several languages."""
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is None or db.session.scalar(sa.select(Thread.id).where(Thread.session_id == session.id)):
        return
    instructor = accounts.user_by_email("instructor@gdi.example")
    assert instructor is not None  # made by load_accounts
    for author_email, title, body, replies in DISCUSSION:
        author = accounts.user_by_email(author_email)
        if author is None:
            continue
        thread = discussion.start_thread(session, author, {"title": title, "body": body})
        for reply_email, text in replies:
            replier = accounts.user_by_email(reply_email)
            if replier is not None:
                post = discussion.reply(thread, replier, {"body": text})
                if "spam.example" in text:
                    discussion.hide_post(post, instructor, "Advertising, not part of the discussion.")
    fellow = accounts.user_by_email("fellow@gdi.example")
    if fellow is not None:
        discussion.subscribe(fellow, session, None, "daily-digest")


# Anonymous answers of four fellows (not the demo fellow's login, who still has to answer).
EVALUATION_ANSWERS = [
    (5, 5, 4, "The field days in Kubuqi showed methods I can use at home."),
    (4, 5, 3, "More time for the monitoring exercises, please."),
    (5, 4, 4, ""),
    (3, 4, 2, "The visa took long: an earlier invitation letter would help."),
]


def load_evaluation() -> None:
    """The 2026 session's evaluation, open in its last two weeks, with a few answers."""
    session = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.year == 2026,
                                                                 TrainingSession.sequence == 1))
    if session is None or evaluation.evaluation_of(session) is not None:
        return
    evaluation.define(session, {"questions": evaluation.DEFAULT_QUESTIONS,
                                "opens_on": session.ends_on - timedelta(days=30)})
    questions = evaluation.evaluation_of(session).questions  # type: ignore[union-attr]
    opens, closes = evaluation.window(session, evaluation.evaluation_of(session))
    day = min(max(date.today(), opens), closes)  # answered while it was open, whenever the demo is loaded
    for (email, *_rest), values in zip(COHORT, EVALUATION_ANSWERS, strict=False):
        fellow = accounts.user_by_email(email)
        if fellow is not None:
            evaluation.answer(session, fellow, {str(q.id): v for q, v in zip(questions, values, strict=True)},
                              today=day)


# The application form of the demo sessions: a CV and a few words on the applicant's work.
DEMO_QUESTIONS = [
    {"id": "cv", "label": "Your CV", "kind": "file", "types": ["pdf", "docx", "odt"], "required": True,
     "max_megabytes": 5},
    {"id": "current-work", "label": "Your current work on land restoration", "kind": "text", "required": True},
]
# What the demo applicants wrote, in their own words (and languages).
DEMO_WORK = {
    "PE": "Reforestation of dry Andean slopes with native queñua trees and farmers' cooperatives.",
    "KG": "Пастбищный мониторинг в Нарынской области: деградация и восстановление.",
    "EG": "استصلاح الأراضي المتدهورة في الصحراء الغربية بالري بالتنقيط.",
    "CN": "在库布其沙漠边缘用沙柳和草方格固定流沙。",
    "BR": "Restauração da Caatinga com pequenos agricultores no Ceará.",
}
DEMO_WORK_ELSE = "Soil and water conservation with the farmers of my district, and its monitoring."


def _demo_cv(name: str, work: str) -> bytes:
    from weasyprint import HTML  # only the demo writes PDFs this way; imported when it runs

    return HTML(string=f"<h1>{name}</h1><h2>Curriculum vitae</h2><p>{work}</p>").write_pdf()


def load_admissions() -> None:
    """The demo sessions ask for a CV and the applicant's current work; the 2026 applicants
    have answered, with their names as in their passports, and two admins' scores."""
    sessions = list(db.session.scalars(sa.select(TrainingSession).where(TrainingSession.year.in_((2026, 2027)))))
    if not sessions or any(s.questions for s in sessions):
        return
    for session in sessions:
        session.questions = DEMO_QUESTIONS
    admin = accounts.user_by_email("admin@gdi.example")
    session_2026 = next((s for s in sessions if s.year == 2026), None)
    if admin is None or session_2026 is None:
        return
    applications = list(db.session.scalars(sa.select(Application).where(Application.session_id == session_2026.id)
                                           .order_by(Application.id)))
    for index, application in enumerate(applications):
        user = application.user
        application.passport_name = user.name  # written in the fellow's own script, as the passport does
        application.nationality = user.country
        work = DEMO_WORK.get(user.country or "", DEMO_WORK_ELSE)
        application.answers = {"current-work": work}
        cv = _demo_cv(user.name, work)
        db.session.add(ApplicationFile(application_id=application.id, question_id="cv",
                                       name=f"cv-{user.email.split('@')[0]}.pdf", content_type="application/pdf",
                                       size=len(cv), data=cv))
        if application.status == "waitlisted" or index < 3:
            admission_reviews.record(application, admin, 4 if index % 2 else 3, "Solid field experience.")
    db.session.flush()


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo data set (partners, users of every role, …) and print the logins."""
    with transaction():
        logins = load_accounts()
        slugs = load_courses()
        # Sessions teach the originals; fellows may study them in any translation.
        taught = [slug for slug in slugs if get_course(slug).translation_of_id is None]
        load_training(taught)
        load_offers()
        load_exchanges(taught)
        load_schedule()
        load_announcements()
        load_discussion()
        load_evaluation()
        load_admissions()
    click.echo(f"Courses: {', '.join(slugs) or 'none'}")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, roles in logins:
        click.echo(f"  {email:<28} {roles}")
