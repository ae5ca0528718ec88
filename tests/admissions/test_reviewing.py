"""Reviewing applications: each admin's own score and note, the list's filters and sort,
the CSV with the answers, a rejection's reason, and the list's statement count."""

import csv
import io

from institute.admissions import reviews
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import committed, create_application, create_session, create_user, pdf_bytes
from ..conftest import bearer, login
from ..test_statement_counts import counted

QUESTIONS = [
    {"id": "cv", "label": "Your CV", "kind": "file", "types": ["pdf"], "required": False, "max_megabytes": 2},
    {"id": "work", "label": "Your current work", "kind": "text", "required": True},
]


def world(app, n: int = 3):
    with committed(app):
        session = create_session(questions=QUESTIONS)
        create_user(email="admin@example.org", name="Admin One", roles="admin")
        create_user(email="admin2@example.org", name="Admin Two", roles="admin")
        create_user(email="teacher@example.org", roles="instructor")
        create_user(email="stranger@example.org")
        names = [("Aigerim Bekova", "KG", "=HYPERLINK(\"http://x\")"), ("Bolat Nurlan", "KZ", "Steppe"),
                 ("Chen Li", "CN", "Loess")][:n]
        ids = []
        for i, (name, country, work) in enumerate(names):
            fellow = create_user(email=f"f{i}@example.org", name=name, country=country)
            ids.append(create_application(session, fellow, answers={"work": work}, country=country,
                                          files={"cv": ("cv.pdf", pdf_bytes())} if i == 0 else None).id)
        return session.id, ids


def test_each_admin_records_their_own_review_through_the_api(app, client):
    session_id, (first, second, _third) = world(app)
    admin, admin2 = bearer(client, "admin@example.org"), bearer(client, "admin2@example.org")
    url = f"/api/v1/applications/{first}/review"
    assert client.put(url, headers=admin, json={"score": 4, "note": "Strong field work"}).get_json()["score"] == 4
    assert client.put(url, headers=admin, json={"score": 5, "note": "Even better"}).status_code == 200  # edited
    assert client.put(url, headers=admin2, json={"score": 2}).status_code == 200
    assert client.put(url, headers=admin, json={"score": 6}).status_code == 422
    assert client.put(url, headers=admin, json={"score": "4"}).status_code == 422
    assert client.put(f"/api/v1/applications/{first + 99}/review", headers=admin, json={"score": 3}).status_code == 404
    for email in ("teacher@example.org", "f1@example.org", "f0@example.org"):
        headers = bearer(client, email)
        assert client.put(url, headers=headers, json={"score": 5}).status_code == 403  # an instructor reviewing
        assert client.get(f"/api/v1/applications/{first}/reviews", headers=headers).status_code == 403
    reviews = client.get(f"/api/v1/applications/{first}/reviews", headers=admin).get_json()
    assert reviews["count"] == 2 and reviews["mean_score"] == 3.5
    assert [(r["reviewer"], r["score"], r["note"]) for r in reviews["reviews"]] == [
        ("admin@example.org", 5, "Even better"), ("admin2@example.org", 2, "")]

    listed = client.get(f"/api/v1/sessions/{session_id}/applications?sort=score", headers=admin).get_json()
    assert [a["id"] for a in listed["applications"]][0] == first
    assert listed["applications"][0]["mean_score"] == 3.5 and listed["applications"][0]["my_score"] == 5
    assert listed["applications"][0]["files"]["cv"]["name"] == "cv.pdf"
    unscored = client.get(f"/api/v1/sessions/{session_id}/applications?scored=unscored-by-me",
                          headers=admin).get_json()
    unscored_ids = [a["id"] for a in unscored["applications"]]
    assert first not in unscored_ids and second in unscored_ids
    for email in ("teacher@example.org", "f1@example.org"):
        assert client.get(f"/api/v1/sessions/{session_id}/applications", headers=bearer(client, email),
                          ).status_code == 403  # a fellow exporting the list


def test_the_list_page_filters_sorts_and_links_the_files(app):
    session_id, (first, second, third) = world(app)
    admin = app.test_client()
    login(admin, "admin@example.org")
    base = f"/admin/sessions/{session_id}/applications"
    page = admin.get(base).get_data(as_text=True)
    assert "Aigerim Bekova" in page and "Chen Li" in page and f"/applications/{first}/files/cv" in page
    assert "not scored" in page
    assert "Chen Li" not in admin.get(base + "?country=KZ").get_data(as_text=True)
    found = admin.get(base + "?q=bolat").get_data(as_text=True)
    assert "Bolat Nurlan" in found and "Aigerim" not in found
    assert "No application matches" in admin.get(base + "?status=rejected").get_data(as_text=True)
    by_name = admin.get(base + "?sort=country").get_data(as_text=True)
    assert by_name.index("Chen Li") < by_name.index("Aigerim") < by_name.index("Bolat")
    assert admin.get(base + "?sort=nonsense&status=nonsense").status_code == 200  # left out, not an error

    review_page = admin.get(f"/admin/applications/{first}").get_data(as_text=True)
    assert "Your CV" in review_page and "Nobody has scored" in review_page
    saved = admin.post(f"/admin/applications/{first}/review", data={"score": "4", "note": "Good CV"})
    assert saved.status_code == 302
    refused = admin.post(f"/admin/applications/{first}/review", data={"score": "", "note": "x"})
    assert refused.status_code == 422 and "whole number from 1 to 5" in refused.get_data(as_text=True)
    again = admin.get(f"/admin/applications/{first}").get_data(as_text=True)
    assert "Mean score: 4.0" in again and "Good CV" in again and "Admin One" in again
    listed = admin.get(base + "?scored=scored").get_data(as_text=True)
    assert "Aigerim" in listed and "Bolat" not in listed and "mine: 4" in listed
    assert "Aigerim" not in admin.get(base + "?scored=unscored-by-me").get_data(as_text=True)
    other = app.test_client()
    login(other, "admin2@example.org")
    assert "Aigerim" in other.get(base + "?scored=unscored-by-me").get_data(as_text=True)

    teacher = app.test_client()
    login(teacher, "teacher@example.org")
    assert teacher.get(f"/admin/applications/{first}").status_code == 403
    assert teacher.post(f"/admin/applications/{first}/review", data={"score": "5"}).status_code == 403
    assert teacher.get(f"/admin/sessions/{session_id}/applications.csv").status_code == 403
    fellow = app.test_client()
    login(fellow, "f1@example.org")
    assert fellow.get(f"/admin/sessions/{session_id}/applications.csv").status_code == 403  # a fellow exporting
    assert fellow.get(f"/admin/applications/{first}").status_code == 403


def test_the_csv_has_the_answers_as_columns_and_the_mean_score_safely(app, client):
    session_id, (first, _second, _third) = world(app)
    admin = bearer(client, "admin@example.org")
    client.put(f"/api/v1/applications/{first}/review", headers=admin, json={"score": 3})
    web = app.test_client()
    login(web, "admin@example.org")
    response = web.get(f"/admin/sessions/{session_id}/applications.csv?country=KG")
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][-4:] == ["cv", "work", "mean score", "reviews"] and "passport name" in rows[0]
    assert len(rows) == 2  # the filter holds
    assert rows[1][-4:] == ["cv.pdf", "'=HYPERLINK(\"http://x\")", "3", "1"]  # no formula
    api = client.get(f"/api/v1/sessions/{session_id}/applications", headers={**admin, "Accept": "text/csv"})
    assert api.mimetype == "text/csv" and not api.get_data(as_text=True).startswith("\ufeff")


def test_a_rejection_carries_its_reason_to_the_applicant(app, client):
    session_id, (first, second, third) = world(app)
    admin = app.test_client()
    login(admin, "admin@example.org")
    decided = admin.post(f"/admin/applications/{first}/decision",
                         data={"decision": "reject", "reason": "We need field experience in drylands."})
    assert decided.status_code == 302
    admin.post(f"/admin/sessions/{session_id}/applications", data={
        "application": [str(second)], "decision": "reject", "reason": "The cohort is full of hydrologists."})
    api = client.post(f"/api/v1/applications/{third}/decision", headers=bearer(client, "admin@example.org"),
                      json={"decision": "reject", "reason": "Apply again next year."})
    assert api.get_json()["decision_reason"] == "Apply again next year."
    fellow = app.test_client()
    login(fellow, "f0@example.org")
    page = fellow.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "We need field experience in drylands." in page
    assert "We need field experience in drylands." in fellow.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        bodies = [m.body for m in db.session.query(OutboxMessage).all()]
    assert any("We need field experience in drylands." in b for b in bodies)
    assert any("The cohort is full of hydrologists." in b for b in bodies)
    listed = admin.get(f"/admin/sessions/{session_id}/applications").get_data(as_text=True)
    assert "Apply again next year." in listed
    accepted = client.post(f"/api/v1/applications/{third}/decision", headers=bearer(client, "admin@example.org"),
                           json={"decision": "accept", "reason": "ignored"})
    assert accepted.get_json()["decision_reason"] == ""  # a reason belongs to a rejection


def test_the_list_runs_as_many_statements_for_many_applications_as_for_few(app):
    def count(n: int) -> int:
        with committed(app):
            session = create_session(title=f"S{n}", year=2030 + n, questions=QUESTIONS)
            admin = create_user(email=f"a{n}@example.org", roles="admin")
            for i in range(n):
                application = create_application(session, create_user(email=f"n{n}-{i}@example.org"),
                                                 answers={"work": "Dunes"}, files={"cv": ("cv.pdf", pdf_bytes())})
                reviews.record(application, admin, 1 + i % 5, "note")
            session_id = session.id
        client = app.test_client()
        login(client, f"a{n}@example.org")
        with counted(app) as seen:
            assert client.get(f"/admin/sessions/{session_id}/applications?sort=score").status_code == 200
        with counted(app) as csv_seen:
            assert client.get(f"/admin/sessions/{session_id}/applications.csv").status_code == 200
        return len(seen) + 1000 * len(csv_seen)

    assert count(2) == count(12)
