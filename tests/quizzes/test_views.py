"""Taking a quiz in plain HTML forms (no JavaScript), grading, gradebook, statistics."""

import re

from ..builders import committed, create_quiz, create_staff, create_user
from ..conftest import login
from .test_api import setup_cohort


def test_take_a_quiz_with_forms_only(app):
    quiz_id, session_id, _ = setup_cohort(app)
    fellow = app.test_client()
    login(fellow, "fellow@example.org")
    assert "Start an attempt" in fellow.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    page = fellow.get(attempt_url).get_data(as_text=True)
    assert 'name="q-0"' in page and "Right answer" not in page and "Ulaanbaatar" in page
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    saved = fellow.post(f"/attempts/{attempt_id}/save", data={"q-0": "0", "q-1": "true"})
    assert saved.status_code == 302
    page = fellow.get(attempt_url).get_data(as_text=True)
    assert 'id="q-0-0" value="0" checked' in page
    autosave = fellow.post(f"/attempts/{attempt_id}/save", data={"q-2": "1,1"},
                           headers={"Accept": "application/json"})
    assert autosave.get_json() == {"saved": 1}
    fellow.post(f"/attempts/{attempt_id}/review", data={"q-3": "An essay about shelterbelts."})
    fellow.post(f"/attempts/{attempt_id}/submit", data={"confirmed": "1"})
    result = fellow.get(attempt_url).get_data(as_text=True)
    assert "Right answer:" in result and "waiting for grading" in result.lower()
    again = fellow.post(f"/attempts/{attempt_id}/submit", data={"confirmed": "1"}, follow_redirects=True)
    assert "already submitted" in again.get_data(as_text=True)


def test_outsider_cannot_start_or_read(app):
    quiz_id, *_ = setup_cohort(app)
    fellow, outsider = app.test_client(), app.test_client()
    login(fellow, "fellow@example.org")
    login(outsider, "outsider@example.org")
    assert outsider.post(f"/quizzes/{quiz_id}/start").status_code == 403
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    assert outsider.get(attempt_url).status_code == 403
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    assert outsider.post(f"/attempts/{attempt_id}/save", data={"q-0": "1"},
                         follow_redirects=True).status_code == 403


def test_grading_queue_grade_gradebook_and_statistics(app):
    quiz_id, session_id, _ = setup_cohort(app)
    fellow, teacher, other = app.test_client(), app.test_client(), app.test_client()
    login(fellow, "fellow@example.org")
    login(teacher, "teacher@example.org")
    login(other, "other-teacher@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    fellow.post(f"/attempts/{attempt_id}/submit", data={"q-0": "0", "q-1": "true", "q-2": "1",
                                                         "q-3": "Reed fences every two metres.", "confirmed": "1"})
    queue = teacher.get("/grading").get_data(as_text=True)
    assert f"/attempts/{attempt_id}/questions/3/grade" in queue
    assert f"/attempts/{attempt_id}" not in other.get("/grading").get_data(as_text=True)
    assert other.get(f"/attempts/{attempt_id}/questions/3/grade").status_code == 403
    bad = teacher.post(f"/attempts/{attempt_id}/questions/3/grade", data={"points": "5"})
    assert bad.status_code == 422
    good = teacher.post(f"/attempts/{attempt_id}/questions/3/grade",
                        data={"points": "1", "feedback": "Clear and practical."})
    assert good.status_code == 302
    assert "Clear and practical." in fellow.get(attempt_url).get_data(as_text=True)
    book = teacher.get(f"/sessions/{session_id}/gradebook").get_data(as_text=True)
    assert "100.0%" in book
    csv_text = teacher.get(f"/sessions/{session_id}/gradebook?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith('"fellow@example.org",')
    assert other.get(f"/sessions/{session_id}/gradebook").status_code == 403
    stats = teacher.get(f"/quizzes/{quiz_id}/statistics").get_data(as_text=True)
    assert "1 submitted attempt" in stats and "<svg" in stats and "Ulaanbaatar" in stats
    assert fellow.get(f"/quizzes/{quiz_id}/statistics").status_code == 403


def test_a_drafts_quiz_is_unknown_to_those_who_cannot_see_the_draft(app):
    with committed(app):
        author = create_staff("UCA", email="staff@uca.example")
        create_staff("CICA", email="staff@cica.example")
        create_user(email="reader@example.org")
        create_user(email="reviewer@example.org", roles="instructor")
        quiz_id = create_quiz(slug="uca-draft", partner="UCA", publish=False, author=author).id
    for email, status in (("reader@example.org", 404), ("staff@cica.example", 404),
                          ("staff@uca.example", 200), ("reviewer@example.org", 200)):
        client = app.test_client()
        login(client, email)
        assert client.get(f"/quizzes/{quiz_id}").status_code == status, email
    assert app.test_client().get(f"/quizzes/{quiz_id}").status_code == 302  # visitors log in first


def test_submitting_asks_first_with_a_summary_of_blank_questions(app):
    quiz_id, _session_id, _ = setup_cohort(app)
    fellow = app.test_client()
    login(fellow, "fellow@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    page = fellow.get(attempt_url).get_data(as_text=True)
    # Save and submit look different and stand apart; the attempt page's button only reviews.
    assert f'formaction="/attempts/{attempt_id}/review"' in page and "Review and submit" in page
    assert f'formaction="/attempts/{attempt_id}/submit"' not in page

    reviewed = fellow.post(f"/attempts/{attempt_id}/review", data={"q-0": "0", "q-1": "true"})
    assert reviewed.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    summary = fellow.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "2 questions are still blank:" in summary  # questions 3 and 4 of the layout
    assert summary.count("<strong>blank</strong>") == 2 and 'name="confirmed" value="1"' in summary
    assert "Right answer" not in fellow.get(attempt_url).get_data(as_text=True)  # nothing submitted yet

    # Posting the attempt's form to submit without confirming only saves and leads to the summary.
    unconfirmed = fellow.post(f"/attempts/{attempt_id}/submit", data={"q-2": "1", "q-3": "Reed fences."})
    assert unconfirmed.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    assert "Every question has an answer." in fellow.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)

    done = fellow.post(f"/attempts/{attempt_id}/submit", data={"confirmed": "1"}, follow_redirects=True)
    assert "Your attempt is submitted." in done.get_data(as_text=True)
    assert "Right answer" in fellow.get(attempt_url).get_data(as_text=True)
    # The summary of a submitted attempt leads back to its result.
    assert fellow.get(f"/attempts/{attempt_id}/review").headers["Location"].endswith(f"/attempts/{attempt_id}")


def test_only_the_attempts_fellow_reaches_its_summary(app):
    quiz_id, _session_id, _ = setup_cohort(app)
    fellow = app.test_client()
    login(fellow, "fellow@example.org")
    attempt_url = fellow.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    attempt_id = re.search(r"/attempts/(\d+)", attempt_url).group(1)
    with committed(app):
        create_user(email="stranger@example.org")
    stranger = app.test_client()
    login(stranger, "stranger@example.org")
    assert stranger.get(f"/attempts/{attempt_id}/review").status_code == 403
    assert stranger.post(f"/attempts/{attempt_id}/review", data={"q-0": "1"}).status_code == 403
    teacher = app.test_client()
    login(teacher, "teacher@example.org")
    assert teacher.get(f"/attempts/{attempt_id}/review").status_code == 403  # teachers read, never submit
