"""End-of-session evaluation (DESIGN §10 "Assessment beyond quizzes"): an admin's
questionnaire, answered once and anonymously by each fellow of the cohort, its report
(SVG, CSV) for admins and the session's instructors, and the funders' report."""

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from institute.errors import Conflict, Forbidden
from institute.evaluation import reports, services
from institute.evaluation.models import (
    EvaluationAnswer,
    EvaluationParticipation,
    EvaluationQuestion,
    EvaluationResponse,
)
from institute.extensions import db
from institute.training.services import get_session

from ..builders import committed, create_application, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login

TODAY = date.today()
QUESTIONS = [
    {"label": "How useful was it?", "kind": "rating", "low_label": "Not at all", "high_label": "Very"},
    {"label": "The teaching?", "kind": "rating", "required": False},
    {"label": "What should change?", "kind": "text", "required": False},
]
FELLOWS = ["f1@example.org", "f2@example.org", "f3@example.org"]
REFUSED = ["outsider@example.org", "teacher@example.org", "staff@uca.example", "stranger@example.org"]


@pytest.fixture
def world(app):
    with committed(app):
        teacher = create_user(email="teacher@example.org", roles="instructor")
        create_user(email="admin@example.org", roles="admin")
        session = create_session(title="Kubuqi 2026", instructors=[teacher])
        for i, email in enumerate(FELLOWS):
            create_application(session, create_user(email=email, country=["KG", "PE", "KG"][i]), "accepted",
                               institution=["UCA", "UNALM", "UCA"][i])
        enrol(create_session(title="Another", sequence=2), email="outsider@example.org")
        create_user(email="stranger@example.org")
        create_user(email="other-teacher@example.org", roles="instructor")
        create_staff("UCA", email="staff@uca.example")
        services.define(session, {"questions": QUESTIONS, "opens_on": TODAY - timedelta(days=1),
                                  "closes_on": TODAY + timedelta(days=10)})
        return {"session": session.id}


def _ids(app, session_id):
    with app.app_context():
        return [q.id for q in db.session.scalars(sa.select(EvaluationQuestion).where(
            EvaluationQuestion.session_id == session_id).order_by(EvaluationQuestion.position))]


def _answer(client, app, world, who, values):
    ids = _ids(app, world["session"])
    return client.post(f"/api/v1/sessions/{world['session']}/evaluation/answers", headers=bearer(client, who),
                       json={"answers": {str(i): v for i, v in zip(ids, values, strict=False)}})


# ------------------------------------------------------------------ API


def test_the_admin_defines_and_the_cohort_reads_the_questionnaire(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/evaluation"
    got = client.get(url, headers=bearer(client, "f1@example.org")).get_json()
    assert [q["label"] for q in got["questions"]] == [q["label"] for q in QUESTIONS]
    assert got["open"] and not got["locked"] and not got["answered"]
    assert got["questions"][0]["low_label"] == "Not at all" and got["questions"][1]["required"] is False
    for who in ("outsider@example.org", "staff@uca.example", "stranger@example.org", "other-teacher@example.org"):
        assert client.get(url, headers=bearer(client, who)).status_code == 403, who
    assert client.get(url).status_code == 401
    put = client.put(url, headers=bearer(client, "admin@example.org"),
                     json={"questions": [{"label": "Only one", "kind": "text"}], "opens_on": None})
    assert put.status_code == 200 and [q["label"] for q in put.get_json()["questions"]] == ["Only one"]
    assert put.get_json()["opens_on"] == (get_session_end(app, world) - timedelta(days=13)).isoformat()
    for who in ("teacher@example.org", "f1@example.org", "staff@uca.example"):
        assert client.put(url, headers=bearer(client, who), json={"questions": []}).status_code == 403, who
    assert client.put("/api/v1/sessions/999999/evaluation", headers=bearer(client, "admin@example.org"),
                      json={}).status_code == 404


def get_session_end(app, world):
    with app.app_context():
        return get_session(world["session"]).ends_on


def test_bad_questionnaires_are_refused_and_nothing_changes(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/evaluation"
    admin = bearer(client, "admin@example.org")
    for body in ({"questions": [{"label": "", "kind": "rating"}]}, {"questions": [{"label": "x", "kind": "poll"}]},
                 {"opens_on": "2026-12-10", "closes_on": "2026-12-01"}, {"opens_on": "tomorrow"}):
        assert client.put(url, headers=admin, json=body).status_code == 422, body
    assert len(_ids(app, world["session"])) == 3


def test_a_fellow_answers_once_and_a_second_answer_is_refused(app, client, world):
    assert _answer(client, app, world, "f1@example.org", [5, 4, "More field days"]).status_code == 201
    second = _answer(client, app, world, "f1@example.org", [1, 1, "again"])
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    got = client.get(f"/api/v1/sessions/{world['session']}/evaluation", headers=bearer(client, "f1@example.org"))
    assert got.get_json()["answered"] and got.get_json()["locked"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationResponse)) == 1


def test_who_may_not_answer(app, client, world):
    for who in REFUSED:
        assert _answer(client, app, world, who, [5]).status_code == 403, who
    assert client.post(f"/api/v1/sessions/{world['session']}/evaluation/answers",
                       json={"answers": {}}).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationParticipation)) == 0


def test_bad_answers_are_refused_and_nothing_is_stored(app, client, world):
    for values in ([], [6], [0], ["five"], [True], [None, 3]):
        assert _answer(client, app, world, "f1@example.org", values).status_code == 422, values
    response = client.post(f"/api/v1/sessions/{world['session']}/evaluation/answers",
                           headers=bearer(client, "f1@example.org"), json={"answers": {"999999": 3}})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationParticipation)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationAnswer)) == 0


def test_answers_only_while_open(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/evaluation"
    admin = bearer(client, "admin@example.org")
    client.put(url, headers=admin, json={"opens_on": (TODAY + timedelta(days=1)).isoformat()})
    assert _answer(client, app, world, "f1@example.org", [5]).status_code == 409
    client.put(url, headers=admin, json={"opens_on": (TODAY - timedelta(days=9)).isoformat(),
                                         "closes_on": (TODAY - timedelta(days=1)).isoformat()})
    assert _answer(client, app, world, "f1@example.org", [5]).status_code == 409
    client.put(url, headers=admin, json={"opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat()})
    assert _answer(client, app, world, "f1@example.org", [5]).status_code == 201


def test_the_questions_lock_at_the_first_answer_but_the_dates_do_not(app, client, world):
    url = f"/api/v1/sessions/{world['session']}/evaluation"
    admin = bearer(client, "admin@example.org")
    _answer(client, app, world, "f1@example.org", [5])
    changed = client.put(url, headers=admin, json={"questions": [{"label": "New", "kind": "text"}]})
    assert changed.status_code == 409 and "no longer change" in changed.get_json()["error"]["message"]
    same = [{"label": q["label"], "kind": q["kind"], "required": q.get("required", True),
             "low_label": q.get("low_label", ""), "high_label": q.get("high_label", "")} for q in QUESTIONS]
    assert client.put(url, headers=admin, json={"questions": same}).status_code == 200
    moved = client.put(url, headers=admin, json={"closes_on": (TODAY + timedelta(days=20)).isoformat()})
    assert moved.status_code == 200 and moved.get_json()["closes_on"] == (TODAY + timedelta(days=20)).isoformat()


def test_the_participation_key_refuses_a_second_row_race_free(app, world):
    """Two answers sent at once both pass the "has answered" check; the primary key of
    the participations stops the second one."""
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        fellow = db.session.scalar(sa.select(EvaluationParticipation.__table__.c.user_id).limit(1))
        assert fellow is None
        from institute.accounts.services import user_by_email

        user = user_by_email("f1@example.org")
        db.session.add(EvaluationParticipation(session_id=world["session"], user_id=user.id))
        db.session.flush()
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(EvaluationParticipation(session_id=world["session"], user_id=user.id))
            db.session.flush()
        # and the service, finding the row only at its insert, answers 409
        session = get_session(world["session"])
        original = services.has_answered
        services.has_answered = lambda *_args: False
        try:
            with pytest.raises(Conflict):
                services.answer(session, user, {str(q): 5 for q in _ids(app, world["session"])[:1]})
        finally:
            services.has_answered = original
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationResponse)) == 0


def test_the_report_counts_means_distributions_and_shuffled_texts(app, client, world):
    _answer(client, app, world, "f1@example.org", [5, 4, "More field days"])
    _answer(client, app, world, "f2@example.org", [3, None, "Earlier visas"])
    _answer(client, app, world, "f3@example.org", [5, 2, ""])
    url = f"/api/v1/sessions/{world['session']}/evaluation/report"
    for who in ("admin@example.org", "teacher@example.org"):
        report = client.get(url, headers=bearer(client, who))
        assert report.status_code == 200, who
    got = report.get_json()
    assert got["responses"] == 3 and got["cohort"] == 3
    useful, teaching, change = got["questions"]
    assert useful["count"] == 3 and useful["mean"] == pytest.approx(4.33)
    assert useful["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 2}
    assert teaching["count"] == 2 and teaching["mean"] == 3.0
    assert sorted(change["texts"]) == ["Earlier visas", "More field days"] and change["count"] == 2
    for who in ("f1@example.org", *REFUSED[:1], "staff@uca.example", "stranger@example.org",
                "other-teacher@example.org"):
        assert client.get(url, headers=bearer(client, who)).status_code == 403, who
    text = client.get(url, headers={**bearer(client, "admin@example.org"), "Accept": "text/csv"})
    assert text.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text.get_data(as_text=True))))
    assert rows[0][:4] == ["question", "kind", "answers", "mean"]
    assert rows[1][:9] == ["How useful was it?", "rating", "3", "4.33", "0", "0", "1", "0", "2"]
    assert sorted(r[-1] for r in rows if r[1] == "text") == ["Earlier visas", "More field days"]


def test_the_csv_guards_against_formulas(app, client, world):
    _answer(client, app, world, "f1@example.org", [5, 4, "=HYPERLINK(\"http://evil\")"])
    login(client, "admin@example.org")
    page = client.get(f"/sessions/{world['session']}/evaluation/report?format=csv")
    rows = list(csv.reader(io.StringIO(page.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[-1] for r in rows if r[1] == "text"] == ["'=HYPERLINK(\"http://evil\")"]


def test_no_row_links_an_answer_to_a_user(app, client, world):
    """The migrated schema: no column of the answers' tables refers to users, none holds
    a time finer than the day, and their keys are random, not counters."""
    _answer(client, app, world, "f1@example.org", [5, 4, "x"])
    _answer(client, app, world, "f2@example.org", [3, 3, "y"])
    with app.app_context():
        inspector = sa.inspect(db.session.connection())
        for table in ("evaluation_responses", "evaluation_answers"):
            columns = {c["name"]: c for c in inspector.get_columns(table)}
            assert not {"user_id", "created_at", "updated_at"} & set(columns), table
            for foreign in inspector.get_foreign_keys(table):
                assert foreign["referred_table"] != "users", (table, foreign)
            for column in columns.values():
                assert not isinstance(column["type"], sa.DateTime), (table, column["name"])
            assert isinstance(columns["id"]["type"], sa.String)
        participation = {c["name"] for c in inspector.get_columns("evaluation_participations")}
        assert participation == {"session_id", "user_id"}  # no id, no time to join on
        ids = list(db.session.scalars(sa.select(EvaluationResponse.id)))
        assert len(ids) == 2 and all(len(i) == 32 and int(i, 16) for i in ids)
        assert {a.answered_on for a in db.session.scalars(sa.select(EvaluationResponse))} == {TODAY}


# ------------------------------------------------------------------ pages


def test_the_admin_defines_on_the_page(app, client, world):
    login(client, "admin@example.org")
    url = f"/admin/sessions/{world['session']}/evaluation"
    page = client.get(url)
    assert page.status_code == 200 and "How useful was it?" in page.get_data(as_text=True)
    posted = client.post(url, data={"opens_on": "", "closes_on": "",
                                    "q-0-label": "Second", "q-0-kind": "text", "q-0-position": "2",
                                    "q-1-label": "First", "q-1-kind": "rating", "q-1-low": "bad", "q-1-high": "good",
                                    "q-1-position": "1", "q-1-required": "y", "q-2-label": "", "q-2-kind": "rating"})
    assert posted.status_code == 302
    with app.app_context():
        questions = db.session.scalars(sa.select(EvaluationQuestion).order_by(EvaluationQuestion.position)).all()
        assert [(q.label, q.kind, q.required) for q in questions] == [("First", "rating", True),
                                                                     ("Second", "text", False)]
    bad = client.post(url, data={"q-0-label": "x" * 301, "q-0-kind": "rating"})
    assert bad.status_code == 200 and "At most 300 characters" in bad.get_data(as_text=True)
    for who in ("teacher@example.org", "f1@example.org", "staff@uca.example"):
        other = app.test_client()
        login(other, who)
        assert other.get(url).status_code == 403, who


def test_the_page_says_when_the_questions_are_locked(app, client, world):
    _answer(client, app, world, "f1@example.org", [5])
    login(client, "admin@example.org")
    page = client.get(f"/admin/sessions/{world['session']}/evaluation").get_data(as_text=True)
    assert 'id="locked"' in page and 'name="q-0-label"' not in page


def test_a_fellow_answers_on_the_page_once(app, client, world):
    login(client, "f1@example.org")
    url = f"/sessions/{world['session']}/evaluation"
    ids = _ids(app, world["session"])
    assert 'type="radio"' in client.get(url).get_data(as_text=True)
    missing = client.post(url, data={f"q-{ids[2]}": "no rating"})
    assert missing.status_code == 200 and "This question needs an answer." in missing.get_data(as_text=True)
    done = client.post(url, data={f"q-{ids[0]}": "4", f"q-{ids[2]}": "Good"}, follow_redirects=True)
    assert 'id="answered"' in done.get_data(as_text=True)
    again = client.post(url, data={f"q-{ids[0]}": "1"}, follow_redirects=True)
    assert "already evaluated" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationResponse)) == 1


def test_who_may_open_the_pages(app, client, world):
    ids = _ids(app, world["session"])
    url = f"/sessions/{world['session']}/evaluation"
    for who in ("outsider@example.org", "staff@uca.example", "stranger@example.org"):
        other = app.test_client()
        login(other, who)
        assert other.get(url).status_code == 403, who
        assert other.post(url, data={f"q-{ids[0]}": "4"}).status_code == 403, who
        assert other.get(url + "/report").status_code == 403, who
        assert other.get("/admin/reports/funders").status_code == 403, who
    assert app.test_client().get(url).status_code in (302, 401)
    login(client, "teacher@example.org")
    assert client.post(url, data={f"q-{ids[0]}": "4"}).status_code == 403
    assert client.get(url).status_code == 200
    report = client.get(url + "/report")
    assert report.status_code == 200 and "<svg" in report.get_data(as_text=True)
    assert client.get("/admin/reports/funders").status_code == 403


def test_the_report_page_draws_an_accessible_chart(app, client, world):
    _answer(client, app, world, "f1@example.org", [5, 4, "More field days"])
    login(client, "admin@example.org")
    page = client.get(f"/sessions/{world['session']}/evaluation/report").get_data(as_text=True)
    assert page.count("<svg") == 2 and "<title" in page and "<desc" in page and "More field days" in page
    assert "<script" not in page.split("<main")[-1]


def test_the_dashboard_says_evaluate_while_open_and_unanswered(app, client, world):
    login(client, "f1@example.org")
    assert "Evaluate the session" in client.get("/dashboard").get_data(as_text=True)
    _answer(client, app, world, "f1@example.org", [5])
    assert "Evaluate the session" not in client.get("/dashboard").get_data(as_text=True)
    other = app.test_client()
    login(other, "outsider@example.org")
    assert "Evaluate the session" not in other.get("/dashboard").get_data(as_text=True)


def test_the_service_refuses_the_same_as_the_routes(app, world):
    with app.app_context():
        from institute.accounts.services import user_by_email

        for who in ("teacher@example.org", "outsider@example.org"):
            with pytest.raises(Forbidden):
                services.evaluation_for(world["session"], user_by_email(who), "answer")
        with pytest.raises(Forbidden):
            services.evaluation_for(world["session"], user_by_email("f1@example.org"), "report")


# ------------------------------------------------------------------ funders


def test_the_funders_report(app, client, world):
    _answer(client, app, world, "f1@example.org", [5, 4])
    _answer(client, app, world, "f2@example.org", [2, None])
    with app.app_context():
        figures = {f.session.id: f for f in reports.funders_report()}
    mine = figures[world["session"]]
    assert mine.fellows == 3 and mine.countries == {"KG": 2, "PE": 1}
    assert mine.institutions == {"UCA": 2, "UNALM": 1}
    assert mine.completed == 0 and mine.completion_rate == 0  # no course, nothing to complete
    assert mine.responses == 2 and mine.rating_mean == pytest.approx((5 + 4 + 2) / 3, abs=0.01)
    api = client.get("/api/v1/reports/funders", headers=bearer(client, "admin@example.org")).get_json()
    assert api["gender_collected"] is False
    row = next(s for s in api["sessions"] if s["session"] == world["session"])
    assert row["countries"] == {"KG": 2, "PE": 1} and row["evaluations"] == 2
    for who in ("teacher@example.org", "staff@uca.example", "f1@example.org"):
        assert client.get("/api/v1/reports/funders", headers=bearer(client, who)).status_code == 403
    login(client, "admin@example.org")
    page = client.get("/admin/reports/funders").get_data(as_text=True)
    assert page.count("<svg") == 3 and 'id="no-gender"' in page
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/reports/funders?format=csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    kubuqi = [r for r in rows if r["session"] == "Kubuqi 2026"]
    assert {(r["breakdown"], r["value"], r["fellows in breakdown"]) for r in kubuqi} == {
        ("total", "", "3"), ("country", "KG", "2"), ("country", "PE", "1"),
        ("institution", "UCA", "2"), ("institution", "UNALM", "1")}


def test_the_funders_report_and_the_dashboard_take_as_many_statements_for_many_sessions(app, client, world,
                                                                                        computed_pages):
    from ..test_statement_counts import counted

    login(client, "admin@example.org")
    fellow = app.test_client()
    login(fellow, "f1@example.org")

    def counts():
        with counted(app) as seen:
            assert client.get("/admin/reports/funders").status_code == 200
        funders = len(seen)
        with counted(app) as seen:
            assert fellow.get("/dashboard").status_code == 200
        return funders, len(seen)

    before = counts()
    with committed(app):
        from institute.accounts.services import user_by_email

        me = user_by_email("f1@example.org")
        for n in range(4):
            session = create_session(title=f"More {n}", year=2040 + n)
            create_application(session, me, "accepted")
            enrol(session)
            services.define(session, {"questions": QUESTIONS[:1], "opens_on": TODAY - timedelta(days=1),
                                      "closes_on": TODAY + timedelta(days=1)})
    assert counts() == before


def test_the_funders_report_counts_completions_by_the_cohort_pages_rule(app):
    from ..builders import complete_modules, create_course

    with app.app_context():
        create_user(email="admin2@example.org", roles="admin")
        create_course(slug="dunes", quiz=False)
        session = create_session(title="With a course", year=2045, courses=["dunes"])
        done, half, idle = (enrol(session) for _ in range(3))
        complete_modules(done, "dunes")
        complete_modules(half, "dunes", modules=[get_session(session.id).courses[0].published.modules[0].slug])
        figures = next(f for f in reports.funders_report() if f.session.id == session.id)
        from institute.training.progress import cohort_progress

        assert figures.completed == sum(f.completed for f in cohort_progress(session)) == 1
        assert figures.fellows == 3 and figures.completion_rate == pytest.approx(1 / 3)
        assert figures.responses == 0 and figures.rating_mean is None
        assert idle is not None
