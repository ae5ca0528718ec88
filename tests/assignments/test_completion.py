"""A passed assignment counts for completion like a quiz: the progress, the certificates'
eligibility and its reasons, the gradebook page and CSV see it, in a fixed number of
statements."""

import sqlalchemy as sa

from institute.assignments import services
from institute.certificates.services import eligibility
from institute.extensions import db
from institute.training.labels import missing_texts
from institute.training.models import Application
from institute.training.progress import completion

from ..builders import committed, complete_modules, create_course, create_session, create_user, enrol
from ..conftest import bearer, login
from .helpers import assignment_files


def _world():
    course = create_course("assigned", files=assignment_files(quiz=False)).course
    teacher = create_user(email="teacher@example.org", roles="instructor")
    session = create_session(courses=[course], instructors=[teacher])
    fellow = enrol(session, create_user(email="fellow@example.org", name="Fellow One"))
    complete_modules(fellow, course)
    return course.published.assignments[0], session, fellow, teacher


def test_a_passed_assignment_completes_and_a_failed_or_pending_one_does_not(ctx):
    assignment, session, fellow, teacher = _world()
    assert not completion(session, fellow).completed
    assert missing_texts(completion(session, fellow).missing) == [
        "Assignment “Field report” of “Test Course” not submitted yet (pass mark 6 points)"]
    submission = services.submit(assignment, fellow, "My report", None)
    assert missing_texts(completion(session, fellow).missing) == [
        "Assignment “Field report” of “Test Course”: waiting for grading"]
    services.grade(submission, teacher, {"Site": 3, "Plan": 2}, "")
    assert missing_texts(completion(session, fellow).missing) == [
        "Assignment “Field report” of “Test Course” not passed (5 points, pass mark 6)"]
    eligible, ineligible = eligibility(session)
    assert eligible == [] and ineligible[0][0].id == fellow.id
    services.grade(submission, teacher, {"Site": 3, "Plan": 3}, "")
    assert completion(session, fellow).completed and completion(session, fellow).missing == []
    eligible, ineligible = eligibility(session)
    assert [f.user.id for f in eligible] == [fellow.id] and ineligible == []


def test_a_submission_on_an_earlier_revision_still_counts(ctx):
    from institute.courses.bundle import Bundle
    from institute.courses.importing import import_bundle

    assignment, session, fellow, teacher = _world()
    services.grade(services.submit(assignment, fellow, "Report", None), teacher, {"Site": 5, "Plan": 5}, "")
    files = assignment_files(quiz=False)
    files["report.md"] += b"\nA new paragraph.\n"
    import_bundle(Bundle(slug="assigned", files=files), None, publish=True)
    db.session.expire_all()
    assert completion(session, fellow).completed


def test_the_requirement_runs_in_a_fixed_number_of_statements(ctx):
    assignment, session, fellow, teacher = _world()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    applications = list(db.session.scalars(sa.select(Application).where(Application.session_id == session.id)))
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        services.assignment_requirement([session], applications)
        few = len(seen)
        for n in range(5):
            enrol(session, create_user(email=f"more{n}@example.org"))
        applications = list(db.session.scalars(sa.select(Application).where(Application.session_id == session.id)))
        seen.clear()
        services.assignment_requirement([session], applications)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(seen) <= few


def test_the_gradebook_shows_the_assignment(app, client):
    with committed(app):
        assignment, session, fellow, teacher = _world()
        other = enrol(session, create_user(email="other@example.org", name="Fellow Two"))
        graded = services.submit(assignment, fellow, "Report", None)
        services.grade(graded, teacher, {"Site": 4, "Plan": 3}, "")
        services.submit(assignment, other, "Mine", None)
        session_id, assignment_id, graded_id = session.id, assignment.id, graded.id
    login(client, "teacher@example.org")
    page = client.get(f"/sessions/{session_id}/gradebook").get_data(as_text=True)
    assert "Field report" in page and "7/10" in page and "to grade" in page
    assert f"/sessions/{session_id}/assignments" in page
    csv = client.get(f"/sessions/{session_id}/gradebook?format=csv").get_data(as_text=True)
    header, *rows = csv.strip().splitlines()
    assert "Field report (points)" in header
    assert any("fellow@example.org" in row and ",7" in row for row in rows)
    api = f"/api/v1/sessions/{session_id}/gradebook"
    body = client.get(api, headers=bearer(client, "teacher@example.org")).get_json()
    assert body["columns"] == [{"kind": "assignment", "id": assignment_id, "title": "Field report", "max": 10}]
    cells = {f["email"]: f["columns"] for f in body["fellows"]}
    assert cells["fellow@example.org"] == [{"state": "passed", "points": 7, "submission": graded_id}]
    assert cells["other@example.org"][0]["state"] == "pending" and cells["other@example.org"][0]["points"] is None


def test_work_to_grade_waits_on_the_dashboards_of_its_graders_only(app, client):
    with committed(app):
        assignment, session, fellow, teacher = _world()
        submission = services.submit(assignment, fellow, "Report", None)
        create_user(email="admin@example.org", roles="admin")
        create_user(email="elsewhere@example.org", roles="instructor")
        create_session(courses=[assignment.revision.course], instructors=[create_user(
            email="other-teacher@example.org", roles="instructor")], sequence=2)
        session_id, title = session.id, session.title
    for email in ("teacher@example.org", "admin@example.org"):
        reader = app.test_client()
        login(reader, email)
        page = reader.get("/dashboard").get_data(as_text=True)
        assert "Assignments to grade" in page and f"{title}: 1 to grade" in page, email
        assert f'href="/sessions/{session_id}/assignments"' in page
    for email in ("other-teacher@example.org", "elsewhere@example.org", "fellow@example.org"):
        reader = app.test_client()
        login(reader, email)
        assert "Assignments to grade" not in reader.get("/dashboard").get_data(as_text=True), email
    with committed(app):
        services.grade(db.session.get(type(submission), submission.id), db.session.get(type(teacher), teacher.id),
                       {"Site": 4, "Plan": 3}, "")
    login(client, "teacher@example.org")
    assert "Assignments to grade" not in client.get("/dashboard").get_data(as_text=True)


def test_the_fellows_dashboard_lists_the_assignments_still_to_pass(app, client):
    with committed(app):
        assignment, session, fellow, teacher = _world()
        assignment_id = assignment.id
    login(client, "fellow@example.org")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Assignments to pass:" in page and f'href="/assignments/{assignment_id}">Field report</a></p>' in page
    with committed(app):
        submission = services.submit(db.session.get(type(assignment), assignment_id),
                                     db.session.get(type(fellow), fellow.id), "Report", None)
    assert "Field report</a> (waiting for grading)" in client.get("/dashboard").get_data(as_text=True)
    with committed(app):
        services.grade(db.session.get(type(submission), submission.id), db.session.get(type(teacher), teacher.id),
                       {"Site": 1, "Plan": 1}, "")
    assert "Field report</a> (not passed)" in client.get("/dashboard").get_data(as_text=True)
    with committed(app):
        found = db.session.get(type(submission), submission.id)
        services.grade(found, db.session.get(type(teacher), teacher.id), {"Site": 5, "Plan": 4}, "")
    assert "Assignments to pass:" not in client.get("/dashboard").get_data(as_text=True)


def test_each_gradebook_row_has_one_cell_per_quiz_and_per_assignment(app, client):
    from lxml import html as lxml_html

    with committed(app):
        course = create_course("assigned-quiz", files=assignment_files(quiz=True)).course
        teacher = create_user(email="teacher@example.org", roles="instructor")
        session = create_session(courses=[course], instructors=[teacher])
        fellow = enrol(session, create_user(email="fellow@example.org", name="Fellow One"))
        services.submit(course.published.assignments[0], fellow, "Report", None)
        quizzes, session_id = len(course.published.quizzes), session.id
    assert quizzes >= 1
    login(client, "teacher@example.org")
    page = lxml_html.fromstring(client.get(f"/sessions/{session_id}/gradebook").get_data(as_text=True))
    headings = page.xpath("//table/thead/tr/th")
    rows = page.xpath("//table/tbody/tr")
    assert len(headings) == 1 + quizzes + 1 + 1  # fellow, quizzes, the assignment, completed
    for row in rows:
        assert len(row.xpath("./td")) == quizzes + 1 + 1 and not row.xpath(".//td//td")
        assert row.xpath("./td")[quizzes].text_content().strip() == "to grade"
        overrides = row.xpath(".//a[@class='cell-extra']/@href")
        assert len(overrides) == quizzes and all(f"session={session_id}&user=" in h for h in overrides)
