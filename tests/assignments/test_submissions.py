"""Submitting and grading through the API: a file checked by its content and size, a
text, resubmission until graded, grading per rubric criterion, and who may see what."""

import io

import sqlalchemy as sa

from institute.assignments.models import Submission
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..conftest import bearer
from .helpers import PNG, docx_bytes, pdf_bytes, world


def post(client, assignment_id, headers, text=None, file=None):
    data = {}
    if text is not None:
        data["text"] = text
    if file is not None:
        data["file"] = (io.BytesIO(file[1]), file[0])
    return client.post(f"/api/v1/assignments/{assignment_id}/submissions", headers=headers, data=data,
                       content_type="multipart/form-data")


def details(response) -> dict:
    return {d["field"]: d["message"] for d in response.get_json()["error"]["details"]}


def grade(client, submission_id, headers, scores, feedback="Good work."):
    return client.post(f"/api/v1/submissions/{submission_id}/grade", headers=headers,
                       json={"scores": scores, "feedback": feedback})


def test_a_fellow_submits_a_pdf_and_reads_it_back(app, client):
    ids = world(app)
    fellow = bearer(client, "f1@example.org")
    response = post(client, ids["assignment"], fellow, file=("My report.pdf", pdf_bytes("Dunes")))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["file"]["name"] == "My report.pdf" and body["file"]["content_type"] == "application/pdf"
    assert body["graded"] is False and body["session"] == ids["a"] and body["times"] == 1
    own = client.get(body["file"]["url"], headers=fellow)
    assert own.status_code == 200 and own.data == pdf_bytes("Dunes")
    assert own.headers["Content-Disposition"].startswith("attachment;")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    got = client.get(f"/api/v1/assignments/{ids['assignment']}", headers=fellow).get_json()
    assert got["submission"]["id"] == body["id"] and got["assignment"]["rubric"][0] == {"criterion": "Site",
                                                                                         "points": 5}


def test_docx_and_images_are_taken_by_their_content(app, client):
    ids = world(app)
    assert post(client, ids["assignment"], bearer(client, "f1@example.org"),
                file=("report", docx_bytes())).get_json()["file"]["name"] == "report.docx"
    assert post(client, ids["assignment"], bearer(client, "f2@example.org"),
                file=("photo.jpg", PNG)).get_json()["file"]["name"] == "photo.png"  # named by its content


def test_a_file_of_the_wrong_kind_by_content_is_refused_whatever_its_name(app, client):
    ids = world(app)
    fellow = bearer(client, "f1@example.org")
    for name, data in [("report.pdf", b"MZ\x90\x00 an executable"), ("report.pdf", b"GIF89a" + b"\0" * 20),
                       ("report.docx", b"PK\x03\x04 not really a zip")]:
        response = post(client, ids["assignment"], fellow, text="also a text", file=(name, data))
        assert response.status_code == 422, name
        assert "not one of the accepted kinds" in details(response)["file"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_a_file_over_the_assignments_size_is_refused(app, client):
    ids = world(app)
    big = pdf_bytes() + b"%" * (2**20)
    response = post(client, ids["assignment"], bearer(client, "f1@example.org"), file=("big.pdf", big))
    assert response.status_code == 422 and "larger than 1 MB" in details(response)["file"]


def test_a_text_alone_is_a_submission_and_nothing_at_all_is_refused(app, client):
    ids = world(app)
    fellow = bearer(client, "f1@example.org")
    empty = post(client, ids["assignment"], fellow, text="   ")
    assert empty.status_code == 422 and "text" in details(empty)
    response = post(client, ids["assignment"], fellow, text="The dunes of Hobq move south-east.")
    assert response.status_code == 201 and response.get_json()["file"] is None
    assert response.get_json()["text"] == "The dunes of Hobq move south-east."


def test_resubmission_replaces_until_graded_then_is_refused(app, client):
    ids = world(app)
    fellow = bearer(client, "f1@example.org")
    first = post(client, ids["assignment"], fellow, text="Draft", file=("a.pdf", pdf_bytes("one")))
    second = post(client, ids["assignment"], fellow, text="Final")
    assert second.status_code == 200 and second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["times"] == 2 and second.get_json()["text"] == "Final"
    assert second.get_json()["file"]["name"] == "a.pdf"  # a resubmission without a file keeps the file
    submission_id = first.get_json()["id"]
    assert grade(client, submission_id, bearer(client, "a-teacher@example.org"), {"Site": 4, "Plan": 3}).status_code \
        == 200
    late = post(client, ids["assignment"], fellow, text="After the grade")
    assert late.status_code == 409
    assert client.get(f"/api/v1/submissions/{submission_id}", headers=fellow).get_json()["text"] == "Final"


def test_grading_per_criterion_and_the_fellow_sees_scores_and_feedback(app, client):
    ids = world(app)
    fellow = bearer(client, "f1@example.org")
    submission_id = post(client, ids["assignment"], fellow, text="Report").get_json()["id"]
    teacher = bearer(client, "a-teacher@example.org")
    response = grade(client, submission_id, teacher, {"Site": 4, "Plan": 1.5}, "Say more about water.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["scores"] == {"Site": 4, "Plan": 1.5} and body["total"] == 5.5 and body["passed"] is False
    seen = client.get(f"/api/v1/submissions/{submission_id}", headers=fellow).get_json()
    assert seen["feedback"] == "Say more about water." and seen["passed"] is False and seen["graded"] is True
    corrected = grade(client, submission_id, bearer(client, "admin@example.org"), {"Site": 5, "Plan": 1})
    assert corrected.get_json()["total"] == 6 and corrected.get_json()["passed"] is True  # 6 ≥ pass mark 6
    with app.app_context():
        mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "assignment-graded")
                                   .order_by(OutboxMessage.id)).all()
        assert len(mails) == 2 and "Field report" in mails[0].subject
        assert "5.5 of 10 points, not passed" in mails[0].body and f"/assignments/{ids['assignment']}" in mails[0].body


def test_points_out_of_range_missing_or_of_an_unknown_criterion_are_refused(app, client):
    ids = world(app)
    submission_id = post(client, ids["assignment"], bearer(client, "f1@example.org"), text="Report").get_json()["id"]
    teacher = bearer(client, "a-teacher@example.org")
    over = grade(client, submission_id, teacher, {"Site": 6, "Plan": -1})
    assert over.status_code == 422 and details(over) == {"scores.Site": "From 0 to 5 points.",
                                                         "scores.Plan": "From 0 to 5 points."}
    unknown = grade(client, submission_id, teacher, {"Site": 1, "Plan": 1, "Style": 2})
    assert unknown.status_code == 422 and list(details(unknown)) == ["scores.Style"]
    missing = grade(client, submission_id, teacher, {"Site": 1})
    assert missing.status_code == 422 and list(details(missing)) == ["scores.Plan"]
    wrong_type = grade(client, submission_id, teacher, {"Site": "five", "Plan": 1})
    assert wrong_type.status_code == 422
    assert client.post(f"/api/v1/submissions/{submission_id}/grade", headers=teacher,
                       json={"feedback": "no scores"}).status_code == 422
    with app.app_context():
        assert db.session.get(Submission, submission_id).graded_at is None


def test_an_instructor_of_another_session_is_refused(app, client):
    ids = world(app)
    submission_id = post(client, ids["assignment"], bearer(client, "f1@example.org"), text="Report").get_json()["id"]
    other = bearer(client, "b-teacher@example.org")
    assert grade(client, submission_id, other, {"Site": 5, "Plan": 5}).status_code == 403
    assert client.get(f"/api/v1/submissions/{submission_id}", headers=other).status_code == 403
    listed = client.get(f"/api/v1/assignments/{ids['assignment']}/submissions", headers=other)
    assert listed.status_code == 200 and listed.get_json()["submissions"] == []
    own = client.get(f"/api/v1/assignments/{ids['assignment']}/submissions",
                     headers=bearer(client, "a-teacher@example.org"))
    assert [s["id"] for s in own.get_json()["submissions"]] == [submission_id]
    admin = client.get(f"/api/v1/assignments/{ids['assignment']}/submissions?session={ids['b']}",
                       headers=bearer(client, "admin@example.org"))
    assert admin.get_json()["submissions"] == []


def test_strangers_and_other_fellows_cannot_read_a_submission_or_its_file(app, client):
    ids = world(app)
    body = post(client, ids["assignment"], bearer(client, "f1@example.org"), file=("r.pdf", pdf_bytes())).get_json()
    for email, status in [("f2@example.org", 404), ("f3@example.org", 404), ("stranger@example.org", 404),
                          ("b-teacher@example.org", 403)]:
        headers = bearer(client, email)
        assert client.get(f"/api/v1/submissions/{body['id']}", headers=headers).status_code == status, email
        assert client.get(body["file"]["url"], headers=headers).status_code == status, email
        assert grade(client, body["id"], headers, {"Site": 1, "Plan": 1}).status_code in (403, 404), email
    assert client.get(f"/api/v1/submissions/{body['id']}").status_code == 401
    assert client.get(body["file"]["url"], headers=bearer(client, "a-teacher@example.org")).status_code == 200
    assert client.get(body["file"]["url"], headers=bearer(client, "admin@example.org")).status_code == 200
    assert client.get(f"/api/v1/submissions/{body['id'] + 99}", headers=bearer(client, "admin@example.org")) \
        .status_code == 404


def test_who_may_submit(app, client):
    ids = world(app)
    assert post(client, ids["assignment"], bearer(client, "stranger@example.org"), text="x").status_code == 403
    assert post(client, ids["assignment"], bearer(client, "a-teacher@example.org"), text="x").status_code == 403
    assert post(client, ids["assignment"] + 99, bearer(client, "f1@example.org"), text="x").status_code == 404
    assert post(client, ids["assignment"], {}, text="x").status_code == 401
    assert client.get(f"/api/v1/assignments/{ids['assignment']}/submissions",
                      headers=bearer(client, "f1@example.org")).status_code == 403
    assert client.get(f"/api/v1/assignments/{ids['assignment'] + 99}",
                      headers=bearer(client, "f1@example.org")).status_code == 404


def test_a_submission_is_graded_by_the_session_the_fellow_studies_in(app, client):
    ids = world(app)
    body = post(client, ids["assignment"], bearer(client, "f3@example.org"), text="From B").get_json()
    assert body["session"] == ids["b"]
    assert grade(client, body["id"], bearer(client, "a-teacher@example.org"), {"Site": 1, "Plan": 1}).status_code \
        == 403
    assert grade(client, body["id"], bearer(client, "b-teacher@example.org"), {"Site": 1, "Plan": 1}).status_code \
        == 200
