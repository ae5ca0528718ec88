"""Applying with the session's questions, through the API (JSON and multipart) and the page;
the files answered, served to the applicant and admins only."""

import io
import json

import sqlalchemy as sa

from institute.admissions.models import ApplicationFile
from institute.extensions import db
from institute.training.models import Application

from ..builders import MOTIVATION, committed, create_application, create_session, create_user, pdf_bytes
from ..conftest import bearer, login

QUESTIONS = [
    {"id": "cv", "label": "Your CV", "kind": "file", "types": ["pdf"], "required": True, "max_megabytes": 1},
    {"id": "work", "label": "Your current work on land restoration", "kind": "text", "required": True},
    {"id": "english", "label": "Your English", "kind": "choice", "choices": ["basic", "good", "fluent"],
     "required": False},
]
PASSPORT = "王小明"


def world(app):
    with committed(app):
        session = create_session(questions=QUESTIONS)
        create_user(email="admin@example.org", roles="admin")
        create_user(email="f@example.org", name="Wang Xiaoming", country="CN")
        create_user(email="other@example.org")
        create_user(email="teacher@example.org", roles="instructor")
        return session.id


def multipart(answers=None, files=None, **fields):
    data = {"motivation": MOTIVATION, "passport_name": PASSPORT, "answers": json.dumps(answers or {}), **fields}
    for name, (filename, content) in (files or {}).items():
        data[name] = (io.BytesIO(content), filename)
    return data


def details(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.get_json()["error"]["details"]}


def test_multipart_with_a_cv_writes_the_application_and_its_file(app, client):
    session_id = world(app)
    fellow = bearer(client, "f@example.org")
    response = client.post(f"/api/v1/sessions/{session_id}/applications", headers=fellow,
                           data=multipart({"work": "Dune fixing in Ningxia", "english": "good"},
                                          {"cv": ("my cv.pdf", pdf_bytes())}),
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["passport_name"] == PASSPORT and body["nationality"] == "CN"
    assert body["answers"] == {"work": "Dune fixing in Ningxia", "english": "good"}
    with app.app_context():
        stored = db.session.scalar(sa.select(ApplicationFile))
        assert (stored.question_id, stored.name, stored.content_type) == ("cv", "my cv.pdf", "application/pdf")

    url = f"/api/v1/applications/{body['id']}/files/cv"
    own = client.get(url, headers=fellow)
    assert own.status_code == 200 and own.data == pdf_bytes()
    assert own.headers["Content-Disposition"].startswith("attachment;")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(url, headers=bearer(client, "admin@example.org")).status_code == 200
    assert client.get(url, headers=bearer(client, "other@example.org")).status_code == 404  # another fellow
    assert client.get(url, headers=bearer(client, "teacher@example.org")).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(f"/api/v1/applications/{body['id']}/files/work", headers=fellow).status_code == 404
    assert client.get(f"/api/v1/applications/{body['id'] + 99}/files/cv", headers=fellow).status_code == 404


def test_every_problem_is_told_at_once_and_nothing_is_written(app, client):
    session_id = world(app)
    fellow = bearer(client, "f@example.org")
    url = f"/api/v1/sessions/{session_id}/applications"
    response = client.post(url, headers=fellow, content_type="multipart/form-data", data=multipart(
        {"english": "perfect", "nope": "x"}, {"cv": ("cv.pdf", b"I am only text, named like a PDF.")},
        passport_name="", motivation="short"))
    assert response.status_code == 422
    found = details(response)
    assert set(found) == {"motivation", "passport_name", "answers.work", "answers.english", "answers.nope",
                          "answers.cv"}
    assert "its content says otherwise" in found["answers.cv"]
    assert "Choose one of: basic; good; fluent." == found["answers.english"]
    assert found["answers.work"] == "Please answer this question."
    big = client.post(url, headers=fellow, content_type="multipart/form-data", data=multipart(
        {"work": "Dunes"}, {"cv": ("cv.pdf", pdf_bytes() + b"0" * 2**20)}))
    assert big.status_code == 422 and "larger than 1 MB" in details(big)["answers.cv"]
    missing = client.post(url, headers=fellow, content_type="multipart/form-data",
                          data=multipart({"work": "Dunes"}))
    assert details(missing) == {"answers.cv": "Please attach this file."}
    stray = client.post(url, headers=fellow, content_type="multipart/form-data", data=multipart(
        {"work": "Dunes"}, {"cv": ("cv.pdf", pdf_bytes()), "photo": ("p.png", b"x")}))
    assert "answers.photo" in details(stray)
    bad_json = client.post(url, headers=fellow, content_type="multipart/form-data",
                           data={**multipart(), "answers": "{not json"})
    assert bad_json.status_code == 422 and "answers" in details(bad_json)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationFile)) == 0


def test_json_answers_for_a_session_without_files(app, client):
    with committed(app):
        session_id = create_session(questions=QUESTIONS[1:]).id
        create_user(email="f@example.org", country="KG")
    fellow = bearer(client, "f@example.org")
    url = f"/api/v1/sessions/{session_id}/applications"
    no_passport = client.post(url, headers=fellow, json={"motivation": MOTIVATION, "answers": {"work": "Saxaul"}})
    assert no_passport.status_code == 422 and "passport" in details(no_passport)["passport_name"]
    wrong_type = client.post(url, headers=fellow, json={"motivation": MOTIVATION, "passport_name": "Айгерим",
                                                        "answers": {"work": 5}})
    assert wrong_type.status_code == 422
    bad_nationality = client.post(url, headers=fellow, json={"motivation": MOTIVATION, "passport_name": "Айгерим",
                                                             "nationality": "XX", "answers": {"work": "Saxaul"}})
    assert bad_nationality.status_code == 422
    ok = client.post(url, headers=fellow, json={"motivation": MOTIVATION, "passport_name": "Айгерим",
                                                "answers": {"work": "Saxaul"}})
    assert ok.status_code == 201 and ok.get_json()["nationality"] == "KG"  # the user's country
    assert ok.get_json()["answers"] == {"work": "Saxaul"}


def test_the_page_form_asks_the_questions_and_keeps_answers_on_a_refusal(app):
    session_id = world(app)
    client = app.test_client()
    login(client, "f@example.org")
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Name as in your passport" in page
    assert 'name="answer-cv"' in page and 'accept=".pdf"' in page and 'value="fluent"' in page
    assert '<option selected value="CN">' in page or 'value="CN" selected' in page  # nationality from the country
    refused = client.post(f"/sessions/{session_id}/apply", content_type="multipart/form-data", data={
        "motivation": MOTIVATION, "passport_name": PASSPORT, "nationality": "CN", "answer-work": "Dunes",
        "answer-cv": (io.BytesIO(b"plain text"), "cv.pdf")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "its content says otherwise" in html and ">Dunes</textarea>" in html
    applied = client.post(f"/sessions/{session_id}/apply", content_type="multipart/form-data", data={
        "motivation": MOTIVATION, "passport_name": PASSPORT, "nationality": "CN", "answer-work": "Dunes",
        "answer-english": "fluent", "answer-cv": (io.BytesIO(pdf_bytes()), "cv.pdf")})
    assert applied.status_code == 302
    mine = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Your application as you sent it" in mine and PASSPORT in mine and "Dunes" in mine and "fluent" in mine
    with app.app_context():
        application_id = db.session.scalar(sa.select(Application.id))
    assert f"/applications/{application_id}/files/cv" in mine
    download = client.get(f"/applications/{application_id}/files/cv")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/applications/{application_id}/files/cv").status_code == 404
    teacher = app.test_client()
    login(teacher, "teacher@example.org")
    assert teacher.get(f"/applications/{application_id}/files/cv").status_code == 403
    assert app.test_client().get(f"/applications/{application_id}/files/cv").status_code == 302  # to log in
    missing_passport = client.post(f"/sessions/{session_id}/apply", data={"motivation": MOTIVATION})
    assert missing_passport.status_code in (409, 422)


def test_the_builder_applies_with_answers(ctx):
    session = create_session(questions=QUESTIONS)
    application = create_application(session, answers={"work": "Dunes"}, files={"cv": ("cv.pdf", pdf_bytes())},
                                     passport_name="فاطمة")
    assert application.passport_name == "فاطمة" and application.answers == {"work": "Dunes"}
