"""A session's own questions: the one check, the session form's text format, the API."""

from datetime import date, timedelta

import pytest

from institute.admissions.questions import as_text, check_questions, parse_text
from institute.errors import Invalid
from institute.extensions import db
from institute.training.services import get_session

from ..builders import create_application, create_session, create_user
from ..conftest import bearer, login

TODAY = date.today()
CV = {"id": "cv", "label": "Your CV", "kind": "file", "types": ["pdf"], "required": True, "max_megabytes": 2}
WORK = {"id": "work", "label": "Your current work on land restoration", "kind": "text", "required": True}
ENGLISH = {"id": "english", "label": "Your English", "kind": "choice", "choices": ["basic", "good", "fluent"],
           "required": False}


def problems(raw, answered=None) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        check_questions(raw, answered)
    return {d["field"]: d["message"] for d in caught.value.details}


def test_good_questions_come_back_clean(ctx):
    assert check_questions([CV, WORK, ENGLISH]) == [CV, WORK, ENGLISH]
    assert check_questions([{"id": "cv", "label": "CV", "kind": "file"}]) == [
        {"id": "cv", "label": "CV", "kind": "file", "required": True, "types": ["pdf"], "max_megabytes": 5}]
    assert check_questions(None) == [] and check_questions("") == []


def test_each_problem_is_named_by_its_place(ctx):
    found = problems([
        {"id": "Bad Id!", "label": "x", "kind": "text"},
        {"id": "pick", "label": "Pick", "kind": "choice", "choices": ["only one"]},
        {"id": "cv", "label": "CV", "kind": "file", "types": ["exe"]},
        {"id": "big", "label": "Big", "kind": "file", "max_megabytes": 21},
        {"id": "pick", "label": "", "kind": "text"},
        {"id": "what", "label": "What", "kind": "essay"},
        {"id": "motivation", "label": "Why", "kind": "text"},
    ])
    assert set(found) == {"questions[0].id", "questions[1].choices", "questions[2].types",
                          "questions[3].max_megabytes", "questions[4].id", "questions[4].label",
                          "questions[5].kind", "questions[6].id"}
    assert "two different choices" in found["questions[1].choices"]
    assert "PDF" in found["questions[2].types"]
    assert "between 1 and 20" in found["questions[3].max_megabytes"]
    assert "questions" in problems([{"id": f"q{i}", "label": "Q", "kind": "text"} for i in range(21)])
    assert "questions" in problems({"not": "a list"})


def test_an_answered_question_keeps_its_id_and_kind(ctx):
    assert "cannot be removed" in problems([WORK], answered={"cv": "file"})["questions"]
    assert "stays a question of its kind" in problems([{**CV, "kind": "text", "types": None,
                                                        "max_megabytes": None}],
                                                      answered={"cv": "file"})["questions"]
    relabelled = check_questions([{**CV, "label": "Your CV (PDF)"}], answered={"cv": "file"})
    assert relabelled[0]["label"] == "Your CV (PDF)"


def test_the_text_format_reads_back_what_it_writes(ctx):
    text = ("cv | Your CV | file: pdf, docx | required | 5 MB\n"
            "# a comment\n\n"
            "work | Your current work on land restoration | text\n"
            "english | Your English | choice: basic; good; fluent | optional\n")
    questions = check_questions(text)
    assert [q["id"] for q in questions] == ["cv", "work", "english"]
    assert questions[0]["types"] == ["pdf", "docx"] and questions[0]["max_megabytes"] == 5
    assert questions[1]["required"] is True and questions[2]["required"] is False
    assert questions[2]["choices"] == ["basic", "good", "fluent"]
    assert check_questions(as_text(questions)) == questions
    details: list[dict] = []
    parse_text("just a line\nwork | Work | text | maybe", details)
    assert [d["message"][:7] for d in details] == ["Line 1:", "Line 2:"]


def test_admins_write_the_questions_on_the_session_form(app, make_user):
    make_user(email="admin@example.org", roles="admin")
    admin = app.test_client()
    login(admin, "admin@example.org")
    form = {"title": "Kubuqi 2026", "year": "2026", "sequence": "1", "seats": "5",
            "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=40)),
            "questions": "cv | Your CV | file: pdf | required | 2 MB\nwork | Your work | text"}
    page = admin.get("/admin/sessions/new").get_data(as_text=True)
    assert "Application questions" in page and "choice: basic; good; fluent" in page  # the examples
    bad = admin.post("/admin/sessions/new", data={**form, "questions": "pick | Pick | choice: one"})
    assert bad.status_code == 200 and "Question 1: A choice question needs at least two" in bad.get_data(as_text=True)
    created = admin.post("/admin/sessions/new", data=form)
    assert created.status_code == 302
    session_id = int(created.headers["Location"].split("/")[3])
    edit = admin.get(f"/admin/sessions/{session_id}/edit").get_data(as_text=True)
    assert "cv | Your CV | file: pdf | required | 2 MB" in edit
    with app.app_context():
        assert [q["id"] for q in get_session(session_id).questions] == ["cv", "work"]


def test_the_api_takes_questions_when_a_session_is_created_and_changes_them(app, client, make_user):
    make_user(email="admin@example.org", roles="admin")
    make_user(email="f@example.org")
    make_user(email="teacher@example.org", roles="instructor")
    admin = bearer(client, "admin@example.org")
    body = {"title": "Kubuqi 2026", "year": 2026, "sequence": 2, "starts_on": str(TODAY + timedelta(days=30)),
            "ends_on": str(TODAY + timedelta(days=40)), "applications_open": str(TODAY - timedelta(days=1)),
            "questions": [CV, WORK]}
    created = client.post("/api/v1/sessions", headers=admin, json=body)
    assert created.status_code == 201 and created.get_json()["questions"] == [CV, WORK]
    session_id = created.get_json()["id"]
    bad = client.post("/api/v1/sessions", headers=admin, json={
        **body, "sequence": 1, "questions": [{"id": "pick", "label": "Pick", "kind": "choice", "choices": ["a"]}]})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"][0]["field"] == "questions[0].choices"
    url = f"/api/v1/sessions/{session_id}/questions"
    assert client.put(url, headers=admin, json={"questions": [CV, WORK, ENGLISH]}).get_json()["questions"][2] == ENGLISH
    for email in ("f@example.org", "teacher@example.org"):
        assert client.put(url, headers=bearer(client, email), json={"questions": []}).status_code == 403
    with app.app_context():
        session = get_session(session_id)
        create_application(session, create_user(), answers={"work": "Dunes"},
                           files={"cv": ("cv.pdf", b"%PDF-1.4 tiny")})
        db.session.commit()
    gone = client.put(url, headers=admin, json={"questions": [ENGLISH]})
    assert gone.status_code == 422
    assert {d["message"] for d in gone.get_json()["error"]["details"]} == {
        "Applicants have answered the question cv: it cannot be removed.",
        "Applicants have answered the question work: it cannot be removed."}


def test_a_session_created_by_a_builder_asks_nothing(ctx):
    assert create_session().questions == []
