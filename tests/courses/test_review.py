"""Reviewing partner material: word-level diffs, requests for changes, discarding drafts,
archiving courses; service, pages, API and CLI, with each role."""

import sqlalchemy as sa

from institute.courses import diffing, services
from institute.courses.models import Course, CourseRevision, RevisionReview
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import committed, create_course, create_revision, create_user
from ..conftest import bearer, login

DIFF = "/courses/test-course/revisions/2/diff"
CHANGES = "/courses/test-course/revisions/2/request-changes"
API_CHANGES = "/api/v1" + CHANGES
ROLES = {"stranger": None, "fellow": "f@example.org", "instructor": "i@example.org",
         "partner": "p@example.org", "other-partner": "o@example.org", "admin": "a@example.org"}


def setup_draft(app):
    """A published course of GDI with a draft revision 2, and one person of each role."""
    with committed(app):
        create_user(email="f@example.org")
        create_user(email="i@example.org", roles="instructor")
        partner = create_user(email="p@example.org", roles="partner", partner="GDI", name="Pat Partner")
        create_user(email="o@example.org", roles="partner", partner="UCA")
        create_user(email="a@example.org", roles="admin", name="Ada Admin")
        create_course(author=partner)
        create_revision(author=partner, text="gravel plains")


def client_of(app, role):
    client = app.test_client()
    if ROLES[role]:
        login(client, ROLES[role])
    return client


def test_word_segments_mark_only_the_changed_words():
    old, new = diffing.word_segments("The sand dunes move.", "The gravel plains move.")
    assert [s.text for s in old if s.kind == "del"] == ["sand dunes"]
    assert [s.text for s in new if s.kind == "ins"] == ["gravel plains"]
    rows = diffing.text_rows(["a", "b c", "d"], ["a", "b x", "d", "e"])
    kinds = [r.kind for r in rows]
    assert kinds[0] == "hunk" and kinds.count("del") == 1 and kinds.count("add") == 2
    assert [r for r in rows if r.kind == "add"][1].segments == ()  # "e" pairs with nothing


def test_diff_page_marks_words_once_per_line_with_a_preview_and_publish_last(app):
    setup_draft(app)
    page = client_of(app, "admin").get(DIFF).get_data(as_text=True)
    assert '<ins class="word-ins">' in page and "gravel plains" in page
    assert '<del class="word-del">' in page and "[removed: </span>sand dunes" in page
    assert "\n\n" not in page[page.index('<pre class="diff">'):page.index("</pre>")]
    assert "The changed modules as fellows will read them" in page
    assert page.index('class="review-previews"') < page.index("Request changes to revision 2") \
        < page.index("Publish revision 2")


def test_request_changes_keeps_the_draft_tells_the_partner_and_shows_it(app):
    setup_draft(app)
    admin = client_of(app, "admin")
    response = admin.post(CHANGES, data={"comment": "   "})
    assert response.status_code == 422 and "Say what should change." in response.get_data(as_text=True)
    response = admin.post(CHANGES, data={"comment": "Name the plains' region, please."})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalars(sa.select(RevisionReview)).one()
        assert review.author_name == "Ada Admin" and review.revision.number == 2
        course = services.get_course("test-course")
        assert course.latest.number == 2 and services.revision_state(course.latest) == "changes-requested"
        assert services.review_queue() == []
        mail = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == "p@example.org", OutboxMessage.kind == "changes-requested")).one()
        assert "Name the plains' region, please." in mail.body and "revision 2" in mail.subject
    again = admin.post(CHANGES, data={"comment": "More"})
    assert "already requested" in admin.get(again.headers["Location"]).get_data(as_text=True)
    partner = client_of(app, "partner")
    assert "Test Course: changes requested" in partner.get("/dashboard").get_data(as_text=True)
    page = partner.get("/courses/test-course").get_data(as_text=True)
    assert "Name the plains&#39; region, please." in page and "Changes requested to revision 2" in page
    with committed(app):  # a new revision continues the flow
        create_revision(author=db.session.scalar(sa.select(services.User).where(
            services.User.email == "p@example.org")), text="the Alashan plains")
        assert [c.slug for c in services.review_queue()] == ["test-course"]


def test_request_changes_by_role(app):
    setup_draft(app)
    expected = {"stranger": 302, "fellow": 403, "partner": 403, "other-partner": 403, "instructor": 302}
    for role, status in expected.items():
        assert client_of(app, role).post(CHANGES, data={"comment": "x"}).status_code == status, role
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RevisionReview)) == 1  # the instructor's


def test_request_changes_api(app):
    setup_draft(app)
    client = app.test_client()
    headers = bearer(client, "a@example.org")
    assert client.post(API_CHANGES, json={"comment": " "}, headers=headers).status_code == 422
    assert client.post("/api/v1/courses/test-course/revisions/1/request-changes", json={"comment": "x"},
                       headers=headers).status_code == 409  # published
    assert client.post("/api/v1/courses/test-course/revisions/9/request-changes", json={"comment": "x"},
                       headers=headers).status_code == 404
    response = client.post(API_CHANGES, json={"comment": "Fix the map."}, headers=headers)
    assert response.status_code == 201 and response.get_json()["status"] == "changes-requested"
    assert client.post(API_CHANGES, json={"comment": "Again"}, headers=headers).status_code == 409
    for role, status in {"fellow": 403, "partner": 403, "other-partner": 403}.items():
        assert client.post(API_CHANGES, json={"comment": "x"},
                           headers=bearer(client, ROLES[role])).status_code == status, role
    assert client.post(API_CHANGES, json={"comment": "x"}).status_code == 401


def test_partner_discards_its_draft_after_a_confirm_page(app):
    setup_draft(app)
    url = "/courses/test-course/revisions/2/discard"
    for role, status in {"stranger": 302, "fellow": 403, "instructor": 403, "admin": 403,
                         "other-partner": 403}.items():
        assert client_of(app, role).post(url).status_code == status, role
    partner = client_of(app, "partner")
    assert "Discard revision 2?" in partner.get(url).get_data(as_text=True)
    refused = partner.post("/courses/test-course/revisions/1/discard")
    assert "published revisions are kept for ever" in partner.get(refused.headers["Location"]).get_data(as_text=True)
    assert partner.post(url).status_code == 302
    with app.app_context():
        course = services.get_course("test-course")
        assert course.latest.number == 1 and course.published.number == 1 and not course.has_draft


def test_discard_api_and_the_only_revision(app):
    setup_draft(app)
    with committed(app):
        create_course("only-draft", publish=False, author=db.session.scalar(
            sa.select(services.User).where(services.User.email == "p@example.org")))
    client = app.test_client()
    headers = bearer(client, "p@example.org")
    assert client.post("/api/v1/courses/test-course/revisions/1/discard", headers=headers).status_code == 409
    assert client.post("/api/v1/courses/test-course/revisions/2/discard",
                       headers=bearer(client, "o@example.org")).status_code == 403
    assert client.post("/api/v1/courses/test-course/revisions/2/discard",
                       headers=bearer(client, "a@example.org")).status_code == 403
    response = client.post("/api/v1/courses/only-draft/revisions/1/discard", headers=headers)
    assert response.status_code == 200 and response.get_json()["course_kept"] is False
    with app.app_context():
        assert db.session.scalar(sa.select(Course).where(Course.slug == "only-draft")) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseRevision)) == 2


def test_archive_hides_keeps_and_restores(app, runner):
    setup_draft(app)
    for role, status in {"stranger": 302, "fellow": 403, "instructor": 403, "partner": 403}.items():
        assert client_of(app, role).post("/courses/test-course/archive").status_code == status, role
    admin = client_of(app, "admin")
    assert "Archive test-course?" in admin.get("/courses/test-course/archive").get_data(as_text=True)
    assert admin.post("/courses/test-course/archive").status_code == 302
    again = admin.post("/courses/test-course/archive")
    assert "already archived" in admin.get(again.headers["Location"]).get_data(as_text=True)
    assert "Test Course" not in client_of(app, "stranger").get("/courses?q=test").get_data(as_text=True)
    partner = client_of(app, "partner")
    assert "Test Course" not in partner.get("/courses?drafts=1").get_data(as_text=True)
    fellow = client_of(app, "fellow")
    page = fellow.get("/courses/test-course").get_data(as_text=True)
    assert "This course is archived" in page
    assert fellow.get("/courses/test-course/modules/module-1").status_code == 200
    assert "test-course" in admin.get("/courses/archived").get_data(as_text=True)
    assert admin.post("/courses/test-course/restore").status_code == 302
    assert admin.post("/courses/test-course/restore").status_code == 302  # refused, told
    assert "Test Course" in client_of(app, "stranger").get("/courses").get_data(as_text=True)
    client = app.test_client()
    headers = bearer(client, "a@example.org")
    assert client.post("/api/v1/courses/test-course/archive", headers=headers).get_json()["archived"] is True
    assert client.post("/api/v1/courses/test-course/archive", headers=headers).status_code == 409
    assert client.post("/api/v1/courses/test-course/restore",
                       headers=bearer(client, "i@example.org")).status_code == 403
    assert client.post("/api/v1/courses/test-course/restore", headers=headers).status_code == 200
    result = runner.invoke(args=["courses", "archive", "test-course"])
    assert result.exit_code == 0 and "archived" in result.output
    result = runner.invoke(args=["courses", "archive", "test-course"])
    assert result.exit_code == 1 and "already archived" in result.output
    assert runner.invoke(args=["courses", "restore", "test-course"]).exit_code == 0
    assert runner.invoke(args=["courses", "restore", "nothing"]).exit_code == 1
