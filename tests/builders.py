"""Builders: objects with sensible defaults, so a test states only what it is about."""

import itertools

from institute.accounts import services as accounts

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


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


def create_course(slug: str = "test-course", author=None, publish: bool = True, **kwargs):
    """Import a course through the real import service; returns the ImportResult."""
    from institute.courses.bundle import Bundle
    from institute.courses.importing import import_bundle

    return import_bundle(Bundle(slug=slug, files=course_files(**kwargs)), author, publish=publish)


# ------------------------------------------------------------------ training


def create_session(title: str = "Training 2026", year: int = 2026, sequence: int = 1,
                   seats: int = 15, courses=(), **extra):
    """A session open for applications today; needs an app context."""
    from datetime import date, timedelta

    from institute.training import services as training

    today = date.today()
    data = {"title": title, "year": year, "sequence": sequence, "seats": seats,
            "starts_on": today + timedelta(days=60), "ends_on": today + timedelta(days=80),
            "applications_open": today - timedelta(days=1),
            "applications_close": today + timedelta(days=30), "place": "Kubuqi",
            "courses": list(courses)}
    data.update(extra)
    return training.create_session(data)


MOTIVATION = "I restore degraded rangeland in my district and want to learn more."


_session_years = itertools.count(2030)


def create_fellow(*courses, email: str | None = None, **user):
    """A fellow accepted to a session of their own with these courses (so they may take
    the courses' quizzes); needs an app context."""
    from institute.training import services as training

    fellow = create_user(email=email, **user)
    session = create_session(title="Cohort", year=next(_session_years), courses=[c.slug for c in courses])
    admin = create_user(roles="admin")
    training.decide(training.apply(session, fellow, MOTIVATION), "accept", admin)
    return fellow
