"""Every CSV the platform writes: found by walking the URL map, and none can run a formula."""

import csv
import io
from dataclasses import dataclass

import pytest

from ..access import declared_routes, sample_url
from ..builders import (
    MOTIVATION,
    committed,
    create_application,
    create_course,
    create_session,
    create_staff,
    create_user,
)
from ..conftest import bearer, login

# Every route that writes a CSV, and how it is asked for one. The first test asks every
# GET route of the app for a CSV, so a new export that is not listed here fails it.
CSV_ROUTES = {
    "training.gradebook": "/sessions/{session}/gradebook?format=csv",
    "training_api.gradebook": "/api/v1/sessions/{session}/gradebook",
    "training.cohort": "/sessions/{session}/cohort?format=csv",
    "training_api.cohort": "/api/v1/sessions/{session}/cohort",
    "admissions.export": "/admin/sessions/{session}/applications.csv",
    "admissions_api.list_applications": "/api/v1/sessions/{session}/applications",
}
# CSV routes of other packages, whose guard against formulas their own tests show
# (tests/evaluation: no names in them, so the hostile fellows below do not apply).
OTHER_CSV_ROUTES = {"evaluation.report", "evaluation_api.get_report", "evaluation.funders",
                    "evaluation_api.get_funders_report"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (email, name, institution) of fellows whose data is hostile, however it got in.
HOSTILE = [
    ("=2+5@example.org", '=HYPERLINK("http://evil.example","x")', "+cmd"),
    ("fellow1@example.org", "@SUM(1)", "-2+3"),
    ("fellow2@example.org", "\tTabbed", "\rCarriage"),
]
MOTIVATION_HOSTILE = "=cmd|' /C calc'!A0 " + MOTIVATION
QUIZ_TITLE = "-1+1 Check"


@dataclass
class Ids:
    session: int
    fellow: int
    quiz: int


def hostile_session(app) -> Ids:
    """A session whose two accepted fellows and one applicant carry formula-like data."""
    with committed(app):
        course = create_course(slug="dldd").course
        admin = create_user(email="admin@example.org", roles="admin")
        teacher = create_user(email="teacher@example.org", roles="instructor")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_staff("UCA", email="partner@example.org")
        session = create_session(courses=[course], instructors=[teacher])
        users = []
        for n, (email, name, institution) in enumerate(HOSTILE):
            application = create_application(session, create_user(email=email, name="Fellow"),
                                             "accepted" if n < 2 else "applied", admin,
                                             country="KG", institution=institution)
            # The name a service strips, and a motivation, may still come in another way.
            application.user.name, application.motivation = name, MOTIVATION_HOSTILE
            users.append(application.user)
        quiz = course.published.quizzes[0]
        quiz.title = QUIZ_TITLE
        return Ids(session.id, users[0].id, quiz.id)


def web_client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def fetch(app, endpoint: str, ids: Ids, email="admin@example.org"):
    url = CSV_ROUTES[endpoint].format(session=ids.session)
    if url.startswith("/api/"):
        client = app.test_client()
        return client.get(url, headers={**bearer(client, email), "Accept": "text/csv"})
    return web_client(app, email).get(url)


def cells(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data(as_text=True)
    # A download starts with the byte order mark, so that Excel reads UTF-8; the API does not.
    assert text.startswith("\ufeff") != response.request.path.startswith("/api/")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_routes_are_exactly_those_listed(app):
    ids = hostile_session(app)
    web = web_client(app, "admin@example.org")
    api = bearer(app.test_client(), "admin@example.org")
    values = {"session_id": ids.session, "user_id": ids.fellow, "quiz_id": ids.quiz, "year": 2026}
    answered_csv = set()
    for rule, method, _access in declared_routes(app):
        if method != "GET":
            continue
        url = sample_url(rule, values)
        if url.startswith("/api/"):
            response = app.test_client().get(url, headers={**api, "Accept": "text/csv"})
        else:
            response = web.get(url, query_string={"format": "csv"}, headers={"Accept": "text/csv"})
        if response.mimetype == "text/csv":
            answered_csv.add(rule.endpoint)
    assert answered_csv == set(CSV_ROUTES) | OTHER_CSV_ROUTES


@pytest.mark.parametrize("endpoint", sorted(CSV_ROUTES))
def test_no_cell_starts_a_formula_and_the_values_stay_readable(app, endpoint):
    ids = hostile_session(app)
    rows = cells(fetch(app, endpoint, ids))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (endpoint, cell)
    written = {cell[1:] for row in rows for cell in row if cell.startswith("'")}
    accepted = HOSTILE[:2] if not endpoint.startswith("admissions") else HOSTILE
    assert {name for _e, name, _i in accepted} <= written
    assert HOSTILE[0][0] in written  # the email
    if "gradebook" in endpoint:
        assert f"{QUIZ_TITLE} (%)" in written  # a header, from a course's file
    if "cohort" in endpoint or endpoint.startswith("admissions"):
        assert {institution for _e, _n, institution in accepted} <= written
    if endpoint.startswith("admissions"):
        assert MOTIVATION_HOSTILE in written


def test_cohort_and_applications_columns(app):
    ids = hostile_session(app)
    cohort = cells(fetch(app, "training.cohort", ids))
    assert cohort[0] == ["email", "name", "country", "institution", "modules done", "modules",
                         "quizzes passed", "quizzes", "progress (%)", "completed"]
    assert len(cohort) == 3 and cohort[1][0] == "'" + HOSTILE[0][0]
    assert cohort[1][2:] == ["KG", "'+cmd", "0", "2", "0", "1", "0", "no"]
    assert cells(fetch(app, "training_api.cohort", ids)) == cohort
    applications = cells(fetch(app, "admissions.export", ids))
    assert applications[0] == ["email", "name", "country", "institution", "status",
                               "applied at (UTC)", "decided at (UTC)", "motivation", "passport name",
                               "nationality", "decision reason", "mean score", "reviews"]
    assert cells(fetch(app, "admissions_api.list_applications", ids)) == applications
    assert [row[4] for row in applications[1:]] == ["accepted", "accepted", "applied"]
    assert applications[3][6] == "" and applications[1][5] <= applications[1][6]


def test_who_may_download_the_cohort_and_the_applications(app, make_user):
    ids = hostile_session(app)
    make_user(email="visitor-fellow@example.org")
    exports = ["training.cohort", "training_api.cohort", "admissions.export"]
    for email in ("=2+5@example.org", "visitor-fellow@example.org", "partner@example.org",
                  "other-teacher@example.org"):
        for endpoint in exports:
            assert fetch(app, endpoint, ids, email).status_code == 403, (email, endpoint)
    assert fetch(app, "training.cohort", ids, "teacher@example.org").status_code == 200
    assert fetch(app, "training_api.cohort", ids, "teacher@example.org").status_code == 200
    assert fetch(app, "admissions.export", ids, "teacher@example.org").status_code == 403
    anonymous = app.test_client()
    for endpoint in ("training.cohort", "admissions.export"):
        response = anonymous.get(CSV_ROUTES[endpoint].format(session=ids.session))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.get(CSV_ROUTES["training_api.cohort"].format(session=ids.session),
                         headers={"Accept": "text/csv"}).status_code == 401


def test_the_pages_link_to_their_csv(app):
    ids = hostile_session(app)
    admin = web_client(app, "admin@example.org")
    for page, endpoint in ((f"/sessions/{ids.session}/cohort", "training.cohort"),
                           (f"/admin/sessions/{ids.session}/applications", "admissions.export")):
        html = admin.get(page).get_data(as_text=True)
        assert f'href="{CSV_ROUTES[endpoint].format(session=ids.session)}"' in html
        assert "Download as CSV" in html
