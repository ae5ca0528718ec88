import csv
import io
import json

from institute.extensions import db

from ..builders import RIGHT, committed, create_quiz, create_session, create_user, enrol
from ..conftest import bearer


def setup_cohort(app, **quiz):
    """A course with a quiz in a session; an enrolled fellow, an outsider, its instructor."""
    with committed(app):
        quiz_row = create_quiz(**quiz)
        teacher = create_user(email="teacher@example.org", roles="instructor")
        session = create_session(courses=[quiz_row.revision.course], instructors=[teacher])
        enrol(session, email="fellow@example.org")
        create_user(email="outsider@example.org")
        create_user(email="other-teacher@example.org", roles="instructor")
        return quiz_row.id, session.id, teacher


def test_take_a_quiz_through_the_api(app, client):
    quiz_id, session_id, _ = setup_cohort(app)
    fellow = bearer(client, "fellow@example.org")
    started = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow)
    assert started.status_code == 201
    body = started.get_json()
    assert {"id", "questions", "deadline"} <= set(body)
    raw = json.dumps(body)
    for secret in ('"fraction"', '"right_answer"', '"correct"', '"feedback"', '"match"'):
        assert secret not in raw
    attempt_url = f"/api/v1/attempts/{body['id']}"
    assert client.put(attempt_url + "/answers", headers=fellow,
                      json={"answers": RIGHT}).get_json() == {"saved": 3}
    bad = client.put(attempt_url + "/answers", headers=fellow, json={"answers": {"2": "many"}})
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["field"] == "2"
    result = client.post(attempt_url + "/submit", headers=fellow).get_json()
    assert result == {"score": 3.0, "max_score": 4.0, "percent": 75.0, "passed": True,
                      "pending_grading": False}
    assert client.post(attempt_url + "/submit", headers=fellow).status_code == 409
    review = client.get(attempt_url, headers=fellow).get_json()
    assert review["questions"][0]["right_answer"] == "Ulaanbaatar"


def test_outsiders_and_others_are_refused(app, client):
    quiz_id, session_id, _ = setup_cohort(app)
    outsider = bearer(client, "outsider@example.org")
    assert client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=outsider).status_code == 403
    fellow = bearer(client, "fellow@example.org")
    attempt_id = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow).get_json()["id"]
    url = f"/api/v1/attempts/{attempt_id}"
    assert client.put(url + "/answers", headers=outsider, json={"answers": {"0": 0}}).status_code == 403
    assert client.post(url + "/submit", headers=outsider).status_code == 403
    assert client.get(url, headers=outsider).status_code == 403
    other_teacher = bearer(client, "other-teacher@example.org")
    assert client.get(url, headers=other_teacher).status_code == 403


def test_attempt_limit_is_409(app, client):
    quiz_id, *_ = setup_cohort(app, max_attempts=1)
    fellow = bearer(client, "fellow@example.org")
    attempt_id = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow).get_json()["id"]
    client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=fellow)
    refused = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow)
    assert refused.status_code == 409


def test_grading_by_the_sessions_instructor_only(app, client):
    quiz_id, session_id, _ = setup_cohort(app, pass_mark=80)
    fellow = bearer(client, "fellow@example.org")
    attempt_id = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow).get_json()["id"]
    client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=fellow,
               json={"answers": {**RIGHT, "3": "Sand fences of reeds, two metres apart."}})
    result = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=fellow).get_json()
    assert result["pending_grading"] is True and result["passed"] is None
    grade = {"question": "3", "points": 1, "feedback": "Well argued."}
    other = bearer(client, "other-teacher@example.org")
    assert client.post(f"/api/v1/attempts/{attempt_id}/grades", headers=other, json=grade).status_code == 403
    assert client.post(f"/api/v1/attempts/{attempt_id}/grades", headers=fellow, json=grade).status_code == 403
    teacher = bearer(client, "teacher@example.org")
    graded = client.post(f"/api/v1/attempts/{attempt_id}/grades", headers=teacher, json=grade).get_json()
    assert graded == {"score": 4.0, "max_score": 4.0, "percent": 100.0, "passed": True,
                      "pending_grading": False}
    review = client.get(f"/api/v1/attempts/{attempt_id}", headers=fellow).get_json()
    assert review["questions"][3]["grader_feedback"] == "Well argued."

    book = client.get(f"/api/v1/sessions/{session_id}/gradebook", headers=teacher).get_json()
    assert book["fellows"][0]["grades"][0]["percent"] == 100.0
    csv_response = client.get(f"/api/v1/sessions/{session_id}/gradebook",
                              headers={**teacher, "Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True))))
    assert rows[0] == ["email", "name", "country", "Check (%)", "completed"]
    assert rows[1][0] == "fellow@example.org" and rows[1][3] == "100"
    assert client.get(f"/api/v1/sessions/{session_id}/gradebook", headers=fellow).status_code == 403
    assert client.get(f"/api/v1/sessions/{session_id}/gradebook", headers=other).status_code == 403


def test_instructor_of_another_session_with_the_same_course_cannot_grade(app, client):
    quiz_id, session_id, _ = setup_cohort(app)
    with committed(app):
        from institute.courses.models import Quiz

        create_session(title="Another", sequence=2, courses=[db.session.get(Quiz, quiz_id).revision.course],
                       instructors=[create_user(email="teacher2@example.org", roles="instructor")])
    fellow = bearer(client, "fellow@example.org")
    attempt_id = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=fellow).get_json()["id"]
    client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=fellow, json={"answers": {"3": "An essay."}})
    client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=fellow)
    grade = {"question": "3", "points": 1}
    other = bearer(client, "teacher2@example.org")
    assert client.post(f"/api/v1/attempts/{attempt_id}/grades", headers=other, json=grade).status_code == 403
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=other).status_code == 403
    teacher = bearer(client, "teacher@example.org")
    assert client.post(f"/api/v1/attempts/{attempt_id}/grades", headers=teacher, json=grade).status_code == 200
