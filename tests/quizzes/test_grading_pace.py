"""Grading at the pace of a cohort: save and next, word counts, gradebook cells, overrides."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from institute.accounts.models import User
from institute.courses.models import Quiz
from institute.errors import Conflict, Forbidden, Invalid
from institute.extensions import db
from institute.quizzes import attempts, grading, overrides
from institute.quizzes.models import Attempt, QuizOverride

from ..builders import committed, create_attempt, create_quiz, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login

ESSAYS = """::TF::Straw checkerboards fix moving sand.{T}

::Essay::Describe one restoration method you have seen, in 5–40 words. {}
"""
ESSAY = "Reed fences every two metres, then Caragana planted inside once the sand is still."


def _cohort(app, essays: int = 3):
    """A quiz (one attempt, 30 minutes) in a session taught by teacher@pace with three fellows
    whose attempts are submitted; another session of the same course taught by other@pace."""
    with committed(app):
        quiz = create_quiz(ESSAYS, slug="paced", title="Paced quiz", max_attempts=1, time_limit_minutes=30,
                           pass_mark=60)
        course = quiz.revision.course
        teacher = create_user(email="teacher@pace.example", name="Tess Teacher", roles="instructor")
        other = create_user(email="other@pace.example", roles="instructor")
        create_user(email="admin@pace.example", roles="admin")
        create_staff("UCA", email="partner@pace.example")
        create_user(email="stranger@pace.example")
        session = create_session(title="Paced 2026", courses=[course], instructors=[teacher])
        other_session = create_session(title="Other 2026", sequence=2, courses=[course], instructors=[other])
        fellows = [enrol(session, email=f"f{i}@pace.example", name=f"Fellow {i}") for i in range(3)]
        elsewhere = enrol(other_session, email="elsewhere@pace.example", name="Elsewhere Fellow")
        ids = []
        for i, fellow in enumerate(fellows[:essays]):
            attempt = create_attempt(quiz, fellow, "submitted", answers={"0": i != 0, "1": ESSAY})
            ids.append(attempt.id)
        create_attempt(quiz, elsewhere, "submitted", answers={"0": True, "1": ESSAY})
        return {"quiz": quiz.id, "session": session.id, "other_session": other_session.id, "attempts": ids,
                "fellows": [f.id for f in fellows], "elsewhere": elsewhere.id}


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


# ------------------------------------------------------------------ overrides, services


def test_an_override_changes_the_attempts_allowed_and_the_time_limit(app):
    ids = _cohort(app, essays=0)
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz"])
        fellow, teacher = _user("f0@pace.example"), _user("teacher@pace.example")
        assert (overrides.allowed_attempts(fellow, quiz), overrides.time_limit_for(fellow, quiz)) == (1, 30)
        first, _ = attempts.start(quiz, fellow)
        assert first.deadline - first.started_at == timedelta(minutes=30)
        attempts.submit(first, fellow)
        with pytest.raises(Conflict):
            attempts.start(quiz, fellow)
        override = overrides.grant(quiz, fellow.id, teacher, extra_attempts=1, extra_minutes=15,
                                   reason="Extra time agreed for a visual impairment.")
        assert override.granted_by_id == teacher.id and override.created_at is not None
        overrides.grant(quiz, fellow.email, teacher, time_multiplier="1.5", reason="Reads in a second language.")
        assert overrides.allowed_attempts(fellow, quiz) == 2
        assert overrides.time_limit_for(fellow, quiz) == 45 + 15  # 30 × 1.5, then the extra minutes
        assert overrides.allowance(fellow, quiz).extra_minutes == 30
        second, created = attempts.start(quiz, fellow)
        assert created and second.deadline - second.started_at == timedelta(minutes=60)
        attempts.submit(second, fellow)
        with pytest.raises(Conflict):
            attempts.start(quiz, fellow)
        # Another fellow is not affected.
        assert overrides.time_limit_for(_user("f1@pace.example"), quiz) == 30
        overrides.revoke(override, teacher)
        assert override.revoked_by_id == teacher.id and override.revoked_at is not None
        assert overrides.allowed_attempts(fellow, quiz) == 1 and overrides.time_limit_for(fellow, quiz) == 45
        assert len(overrides.overrides_of(quiz, teacher)) == 2  # the revoked one stays on record


@pytest.mark.parametrize("change, field", [
    ({"reason": "  "}, "reason"),
    ({"extra_attempts": -1}, "extra_attempts"),
    ({"extra_attempts": "1.5"}, "extra_attempts"),
    ({"extra_minutes": -10}, "extra_minutes"),
    ({"extra_minutes": "ten"}, "extra_minutes"),
    ({"time_multiplier": "0.5"}, "time_multiplier"),
    ({"extra_attempts": 0}, "extra_attempts"),  # nothing granted
    ({"fellow": "nobody@pace.example"}, "user"),
    ({"fellow": "999999999999"}, "user"),
    ({"fellow": "teacher@pace.example"}, "user"),  # not a fellow
])
def test_bad_grants_are_refused_and_change_nothing(app, change, field):
    ids = _cohort(app, essays=0)
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz"])
        data = {"fellow": "f0@pace.example", "extra_attempts": 1, "reason": "A medical appointment."} | change
        with pytest.raises(Invalid) as refused:
            overrides.grant(quiz, data.pop("fellow"), _user("teacher@pace.example"), **data)
        assert field in [d["field"] for d in refused.value.details]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizOverride)) == 0


@pytest.mark.parametrize("actor", ["other@pace.example", "f1@pace.example", "partner@pace.example",
                                   "stranger@pace.example", None])
def test_only_the_fellows_instructors_and_admins_grant(app, actor):
    ids = _cohort(app, essays=0)
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz"])
        with pytest.raises(Forbidden):
            overrides.grant(quiz, "f0@pace.example", _user(actor) if actor else None, extra_attempts=1,
                            reason="A medical appointment.")
        # An admin grants to any fellow of the course; an instructor only to their own session's.
        admin = _user("admin@pace.example")
        assert overrides.grant(quiz, "elsewhere@pace.example", admin, extra_minutes=5, reason="Power cut.").id
        with pytest.raises(Forbidden):
            overrides.grant(quiz, "elsewhere@pace.example", _user("teacher@pace.example"), extra_minutes=5,
                            reason="Power cut.")
        assert [o.user.email for o in overrides.overrides_of(quiz, _user("teacher@pace.example"))] == []
        assert len(overrides.overrides_of(quiz, admin)) == 1


# ------------------------------------------------------------------ the queue and the length


def test_expected_length_and_word_count():
    assert grading.expected_length({"text": "Answer in 300–500 words."}) == (300, 500)
    assert grading.expected_length({"text": "Write 200 to 250 words"}) == (200, 250)
    assert grading.expected_length({"text": "At most 100 words, please."}) == (None, 100)
    assert grading.expected_length({"text": "at least 50 words"}) == (50, None)
    assert grading.expected_length({"text": "About 300 words."}) == (240, 360)
    assert grading.expected_length({"text": "Describe a method."}) is None
    assert grading.word_count("  Reed fences\nevery two metres. ") == 5
    assert grading.word_count(None) == 0


def test_length_note_says_the_count_beside_the_expected_length(app):
    with app.test_request_context():
        answer = " ".join(["word"] * 412)
        assert grading.length_note({"text": "In 300–500 words."}, answer)["text"] == "412 words; expected 300–500"
        short = grading.length_note({"text": "In 300–500 words."}, "Too short.")
        assert short["outside"] and "shorter than expected" in short["text"]
        assert grading.length_note({"text": "Describe."}, "One")["text"] == "1 word"


def test_the_queue_is_the_quizs_essays_in_the_graders_session(app):
    ids = _cohort(app)
    with app.app_context():
        quiz = db.session.get(Quiz, ids["quiz"])
        teacher = _user("teacher@pace.example")
        a, b, c = ids["attempts"]
        queue = grading.queue(quiz, teacher, ids["session"], (a, 1))
        assert (queue.total, queue.left, queue.next) == (3, 3, (b, 1))
        assert grading.queue(quiz, teacher, ids["session"], (c, 1)).next == (a, 1)  # wraps round
        assert grading.queue(quiz, teacher, ids["other_session"]).total == 0  # not theirs
        admin = _user("admin@pace.example")
        assert grading.queue(quiz, admin, ids["other_session"]).total == 1
        first = db.session.get(Attempt, a)
        assert grading.session_for_grading(teacher, first, None) == ids["session"]
        assert grading.session_for_grading(teacher, first, ids["other_session"]) == ids["session"]


# ------------------------------------------------------------------ pages


def test_save_and_next_through_three_essays_to_the_all_graded_page(app):
    ids = _cohort(app)
    teacher = app.test_client()
    login(teacher, "teacher@pace.example")
    a, b, c = ids["attempts"]
    url = f"/attempts/{a}/questions/1/grade?session={ids['session']}"
    page = teacher.get(url).get_data(as_text=True)
    assert "3 of 3 essays left in this quiz" in page
    assert "14 words; expected 5–40" in page and "Save and next" in page
    bad = teacher.post(url, data={"points": "7", "then": "next"})
    assert bad.status_code == 422 and "Points are between 0 and 1" in bad.get_data(as_text=True)
    stay = teacher.post(url, data={"points": "0.5", "feedback": "Good start.", "then": "stay"})
    assert stay.headers["Location"].endswith(url)  # a plain save stays on the essay
    assert "2 of 3 essays left" in teacher.get(url).get_data(as_text=True)
    nxt = teacher.post(url, data={"points": "0.5", "then": "next"})
    assert nxt.headers["Location"].endswith(f"/attempts/{b}/questions/1/grade?session={ids['session']}")
    nxt = teacher.post(nxt.headers["Location"], data={"points": "1", "then": "next"})
    assert f"/attempts/{c}/questions/1/grade" in nxt.headers["Location"]
    done = teacher.post(nxt.headers["Location"], data={"points": "1", "then": "next"})
    assert done.headers["Location"].endswith(f"/quizzes/{ids['quiz']}/graded?session={ids['session']}")
    page = teacher.get(done.headers["Location"]).get_data(as_text=True)
    assert "All essays of this quiz are graded" in page and f"/sessions/{ids['session']}/gradebook" in page
    # Without the session in the address, the fellow's session is found.
    assert "0 of 3 essays left" in teacher.get(f"/attempts/{a}/questions/1/grade").get_data(as_text=True)
    other = app.test_client()
    login(other, "other@pace.example")
    assert other.get(url).status_code == 403
    assert other.post(url, data={"points": "1", "then": "next"}).status_code == 403
    fellow = app.test_client()
    login(fellow, "f0@pace.example")
    assert fellow.get(f"/quizzes/{ids['quiz']}/graded").status_code == 403


def test_the_gradebook_links_each_cell_to_its_attempt_and_says_failing(app):
    ids = _cohort(app)
    teacher = app.test_client()
    login(teacher, "teacher@pace.example")
    a, b, _c = ids["attempts"]
    teacher.post(f"/attempts/{a}/questions/1/grade", data={"points": "0.5"})  # 25%: failing
    teacher.post(f"/attempts/{b}/questions/1/grade", data={"points": "1"})  # 100%: passed
    book = teacher.get(f"/sessions/{ids['session']}/gradebook").get_data(as_text=True)
    assert re.search(rf'class="grade failing">\s*<a href="/attempts/{a}">25.0% · failing</a>', book)
    assert f'<a href="/attempts/{b}">100.0% · passed</a>' in book
    assert "50.0% · to grade" in book  # the third waits for its essay
    assert f"/quizzes/{ids['quiz']}/overrides?session={ids['session']}&amp;user={ids['fellows'][0]}" in book
    api = app.test_client()
    grades = api.get(f"/api/v1/sessions/{ids['session']}/gradebook",
                     headers=bearer(api, "teacher@pace.example")).get_json()["fellows"]
    assert grades[0]["grades"][0]["attempt"] == a


def test_granting_and_revoking_on_the_overrides_page(app):
    ids = _cohort(app, essays=0)
    quiz = ids["quiz"]
    teacher, fellow = app.test_client(), app.test_client()
    login(teacher, "teacher@pace.example")
    login(fellow, "f0@pace.example")
    url = f"/quizzes/{quiz}/overrides?session={ids['session']}&user={ids['fellows'][0]}"
    fellow_page = teacher.get(f"/sessions/{ids['session']}/fellows/{ids['fellows'][0]}").get_data(as_text=True)
    assert url.replace("&", "&amp;") in fellow_page  # from the fellow in the cohort too
    own = fellow.get(f"/sessions/{ids['session']}/fellows/{ids['fellows'][0]}").get_data(as_text=True)
    assert "/overrides" not in own
    page = teacher.get(url).get_data(as_text=True)
    assert f'<option value="{ids["fellows"][0]}" selected>' in page and "Elsewhere" not in page
    refused = teacher.post(url, data={"user": ids["fellows"][0], "extra_attempts": "-1", "reason": ""})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "A whole number from 0 to 20." in text and "Give the reason" in text
    granted = teacher.post(url, data={"user": ids["fellows"][0], "extra_attempts": "1", "extra_minutes": "10",
                                      "reason": "Missed the first attempt: hospital."})
    assert granted.status_code == 302
    page = teacher.get(url).get_data(as_text=True)
    assert "hospital" in page and "Tess Teacher" in page and "1 extra attempt" in page
    quiz_page = fellow.get(f"/quizzes/{quiz}").get_data(as_text=True)
    assert "2 attempts allowed" in quiz_page and "including 1 extra attempt granted to you" in quiz_page
    assert "Time limit: 40 minutes" in quiz_page and "including 10 extra minutes granted to you" in quiz_page
    with app.app_context():
        override_id = db.session.scalar(sa.select(QuizOverride.id))
    for email in ("other@pace.example", "f0@pace.example", "partner@pace.example", "stranger@pace.example"):
        someone = app.test_client()
        login(someone, email)
        if email == "other@pace.example":  # teaches the course elsewhere: sees only their own fellows
            page = someone.get(url).get_data(as_text=True)
            assert "hospital" not in page and "No fellow has an override" in page
        else:
            assert someone.get(url).status_code == 403, email
        assert someone.post(url, data={"user": ids["fellows"][0], "extra_attempts": "1",
                                       "reason": "Because."}).status_code == 403, email
        assert someone.post(f"/quizzes/{quiz}/overrides/{override_id}/revoke").status_code == 403, email
    assert app.test_client().get(url).status_code in (302, 401)
    revoked = teacher.post(f"/quizzes/{quiz}/overrides/{override_id}/revoke?session={ids['session']}")
    assert revoked.status_code == 302
    assert "revoked" in teacher.get(url).get_data(as_text=True)
    assert "1 attempt allowed" in fellow.get(f"/quizzes/{quiz}").get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin@pace.example")
    granted = admin.post(f"/quizzes/{quiz}/overrides", data={"user": "elsewhere@pace.example",
                                                               "time_multiplier": "1.5", "reason": "Dyslexia."})
    assert granted.status_code == 302


def test_the_overrides_api(app, client):
    ids = _cohort(app, essays=0)
    quiz, fellow = ids["quiz"], ids["fellows"][0]
    route = f"/api/v1/quizzes/{quiz}/overrides"
    teacher = bearer(client, "teacher@pace.example")
    made = client.post(route, headers=teacher, json={"user": fellow, "extra_attempts": 1, "extra_minutes": 20,
                                                     "reason": "Accommodation on file."})
    assert made.status_code == 201
    body = made.get_json()
    assert body["extra_attempts"] == 1 and body["extra_minutes"] == 20 and body["revoked_at"] is None
    assert [o["id"] for o in client.get(route, headers=teacher).get_json()["overrides"]] == [body["id"]]
    for data, field in [({"user": fellow, "extra_attempts": 1}, "reason"),
                        ({"user": fellow, "extra_attempts": -2, "reason": "Why not."}, "extra_attempts"),
                        ({"user": fellow, "extra_minutes": -5, "reason": "Why not."}, "extra_minutes"),
                        ({"user": fellow, "reason": "Nothing at all."}, "extra_attempts")]:
        refused = client.post(route, headers=teacher, json=data)
        assert refused.status_code == 422, data
        assert field in [d["field"] for d in refused.get_json()["error"]["details"]]
    for email in ("other@pace.example", "f0@pace.example", "partner@pace.example", "stranger@pace.example"):
        someone = bearer(client, email)
        assert client.post(route, headers=someone, json={"user": fellow, "extra_attempts": 1,
                                                         "reason": "Because."}).status_code == 403, email
        listed = client.get(route, headers=someone)
        if email == "other@pace.example":  # teaches the course elsewhere: none of theirs yet
            assert listed.get_json() == {"overrides": []}
        else:
            assert listed.status_code == 403, email
        assert client.delete(f"{route}/{body['id']}", headers=someone).status_code == 403, email
    assert client.get(route).status_code == 401
    other = bearer(client, "other@pace.example")
    assert client.post(route, headers=bearer(client, "admin@pace.example"),
                       json={"user": "elsewhere@pace.example", "extra_minutes": 5, "reason": "Power cut."}
                       ).status_code == 201
    assert len(client.get(route, headers=other).get_json()["overrides"]) == 1  # their own fellow's
    gone = client.delete(f"{route}/{body['id']}", headers=teacher)
    assert gone.status_code == 200 and gone.get_json()["revoked_at"] is not None
    assert client.delete(f"{route}/99999", headers=teacher).status_code == 404
    with app.app_context():
        assert db.session.get(QuizOverride, body["id"]).revoked_by_id is not None
