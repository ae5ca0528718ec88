"""The pages: the assignment with its instructions and the fellow's form and status, the
graders' queue and grading form, who is refused; CSRF on the forms."""

import io

import sqlalchemy as sa

from institute.assignments.models import Submission
from institute.extensions import db

from ..conftest import login
from .helpers import PNG, pdf_bytes, world


def test_a_fellow_submits_on_the_page_and_sees_the_grade(app, client):
    ids = world(app)
    login(client, "f1@example.org")
    url = f"/assignments/{ids['assignment']}"
    page = client.get(url).get_data(as_text=True)
    assert "<strong>site</strong>" in page and "<script>alert" not in page and 'enctype="multipart/form-data"' in page
    assert "Site" in page and "Send your work" in page
    course = client.get("/courses/assigned").get_data(as_text=True)
    assert url in course
    module = client.get("/courses/assigned/modules/module-1").get_data(as_text=True)  # the module it comes after
    assert "Assignment after this module:" in module and url in module
    assert url not in client.get("/courses/assigned/modules/module-2").get_data(as_text=True)
    wrong = client.post(url, data={"text": "", "file": (io.BytesIO(b"MZ\x90 exe"), "report.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 200 and "not one of the accepted kinds" in wrong.get_data(as_text=True)
    sent = client.post(url, data={"text": "My report", "file": (io.BytesIO(pdf_bytes()), "r.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "Your work is sent" in sent.get_data(as_text=True) and "r.pdf" in sent.get_data(as_text=True)
    with app.app_context():
        submission_id = db.session.scalar(sa.select(Submission.id))

    client.post("/logout")
    login(client, "a-teacher@example.org")
    queue = client.get(f"/sessions/{ids['a']}/assignments").get_data(as_text=True)
    assert "Fellow One" in queue and f"/submissions/{submission_id}" in queue
    form = client.get(f"/submissions/{submission_id}").get_data(as_text=True)
    assert 'name="score-0"' in form and 'name="score-1"' in form
    bad = client.post(f"/submissions/{submission_id}", data={"score-0": "9", "score-1": "2", "feedback": "x"})
    assert bad.status_code == 200 and "From 0 to 5 points." in bad.get_data(as_text=True)
    done = client.post(f"/submissions/{submission_id}", data={"score-0": "5", "score-1": "4",
                                                             "feedback": "Clear plan."}, follow_redirects=True)
    assert "The grade is saved" in done.get_data(as_text=True)

    client.post("/logout")
    login(client, "f1@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Graded: 9 of 10 points, passed." in page and "Clear plan." in page and "Send your work" not in page
    assert client.post(url, data={"text": "again"}).status_code == 200  # refused with a message, nothing changed
    with app.app_context():
        assert db.session.get(Submission, submission_id).text == "My report"


def test_who_is_refused_on_the_pages(app, client):
    ids = world(app)
    login(client, "f1@example.org")
    client.post(f"/assignments/{ids['assignment']}", data={"file": (io.BytesIO(PNG), "photo.png")},
                content_type="multipart/form-data")
    with app.app_context():
        submission_id = db.session.scalar(sa.select(Submission.id))
    assert client.get(f"/submissions/{submission_id}/file").status_code == 200
    assert client.get(f"/sessions/{ids['a']}/assignments").status_code == 403
    client.post("/logout")
    for email, status in [("f2@example.org", 404), ("b-teacher@example.org", 403)]:
        login(client, email)
        assert client.get(f"/submissions/{submission_id}").status_code == status
        assert client.get(f"/submissions/{submission_id}/file").status_code == status
        assert client.post(f"/submissions/{submission_id}", data={"score-0": "1", "score-1": "1"}).status_code \
            == status
        client.post("/logout")
    login(client, "b-teacher@example.org")
    assert client.get(f"/sessions/{ids['a']}/assignments").status_code == 403
    assert client.post(f"/assignments/{ids['assignment']}", data={"text": "x"}).status_code == 403
    client.post("/logout")
    assert client.get(f"/assignments/{ids['assignment']}").status_code in (302, 401)


def test_the_forms_need_their_csrf_token(app, client):
    ids = world(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login_page = client.get("/login").get_data(as_text=True)
        import re

        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', login_page)
        client.post("/login", data={"email": "f1@example.org", "password": "correct horse battery",
                                    "csrf_token": token.group(1) if token else ""})
        from ..builders import PASSWORD
        client.post("/login", data={"email": "f1@example.org", "password": PASSWORD,
                                    "csrf_token": token.group(1) if token else ""})
        response = client.post(f"/assignments/{ids['assignment']}", data={"text": "no token"})
        assert response.status_code == 400
        page = client.get(f"/assignments/{ids['assignment']}").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0
