"""Quiz results a fellow understands, points per question from the bundle, and the
instructors' preview — each with every role."""

import io
import json
import re
import zipfile

import pytest

from institute.courses.bundle import Bundle
from institute.courses.importing import check_bundle, import_bundle
from institute.errors import Invalid
from institute.extensions import db
from institute.questions import type_of, verdict
from institute.questions.gift import parse_gift
from institute.questions.rendering import render_question
from institute.quizzes import attempts
from institute.quizzes.models import Attempt
from institute.quizzes.standing import State, standing
from institute.quizzes.statistics import quiz_statistics

from ..builders import committed, course_files, create_attempt, create_session, create_staff, create_user, enrol
from ..conftest import bearer, login, page_words

# A question of every kind, each with an internal title no fellow may read ("zq-…").
GIFT = """::zq-capital::What is the capital of Mongolia? {=Ulaanbaatar#Yes, the capital.
~Darkhan#No, Darkhan is a smaller city. ~Erdenet}

::zq-shrubs::Which of these shrubs are planted to fix sand? {~%50%Salix ~%50%Caragana ~%-100%Rice}

::zq-sand::Straw checkerboards fix moving sand.{T#No: they do fix it.#Right: they fix it.}

::zq-desert::The desert south of Baotou is the {=Kubuqi =Hobq} desert.

::zq-rain::How many millimetres of rain fall in a year at the study site? {#75..78}

::zq-side::How many centimetres is the side of a usual straw square? {#100:5}

::zq-uses::Match each desert with its country. {=Gobi -> China =Karakum -> Turkmenistan =Kyzylkum -> Uzbekistan}

::zq-essay::Describe one restoration method you have seen. {}
"""
TITLES = ["zq-capital", "zq-shrubs", "zq-sand", "zq-desert", "zq-rain", "zq-side", "zq-uses", "zq-essay"]
POINTS = '    points: {"zq-essay": 5, "zq-sand": 2}\n'
# Right, partly, wrong, right, wrong, right, partly (1 of 3), an essay to grade.
ANSWERS = {"0": 0, "1": [0], "2": False, "3": "hobq", "4": 80, "5": 103,
           "6": {"0": "China", "1": "Uzbekistan", "2": "Turkmenistan"}, "7": "Straw squares, then Salix."}


def quiz_files(points: str = POINTS, gift: str = GIFT, max_attempts: int = 2, partner: str = "UCA") -> dict:
    front = (f"quizzes:\n  - file: quiz.gift\n    title: Dunes\n    pass_mark: 50\n"
             f"    max_attempts: {max_attempts}\n{points}")
    files = course_files(quiz=False, partner=partner, extra_front=front)
    files["quiz.gift"] = gift.encode()
    return files


def make_quiz(slug: str = "results", **kwargs):
    return import_bundle(Bundle(slug, quiz_files(**kwargs)), None, publish=True).revision.quizzes[0]


@pytest.fixture
def people(app):
    """The quiz of a course owned by UCA, taught in a session; one of each role."""
    with committed(app):
        quiz = make_quiz()
        teacher = create_user(email="teacher@example.org", roles="instructor")
        session = create_session(courses=[quiz.revision.course], instructors=[teacher])
        enrol(session, email="fellow@example.org")
        create_user(email="stranger@example.org")
        create_user(email="idle-instructor@example.org", roles="instructor")
        create_user(email="admin@example.org", roles="admin")
        create_staff("UCA", email="owner@uca.example")
        create_staff("CICA", email="other@cica.example")
        return {"quiz": quiz.id, "session": session.id}


# ------------------------------------------------------------------ right answers in words


def question(source: str) -> dict:
    parsed = parse_gift(source)
    assert parsed.errors == []
    first = parsed.questions[0]
    return render_question(first.__dict__ | {"answers": [a.__dict__ for a in first.answers]})


@pytest.mark.parametrize("source, items, heading", [
    ("Rain? {#75..78}", ["between 75 and 78"], ""),
    ("Side? {#76:2}", ["76, give or take 2"], ""),
    ("Year? {#1822}", ["1822"], ""),
    ("Fix sand? {T}", ["True"], ""),
    ("Rice fixes sand. {F}", ["False"], ""),
    ("Match {=Gobi -> China =Karakum -> Turkmenistan}", ["Gobi → China", "Karakum → Turkmenistan"], "Right pairs:"),
    ("Shrubs? {~%50%Salix ~%50%Caragana ~%-100%Rice}", ["Salix", "Caragana"], "Right answers (tick all of them):"),
    ("Desert? {=Kubuqi =Hobq}", ["Kubuqi", "Hobq"], "Accepted answers (any one of them):"),
    ("Capital? {=Ulaanbaatar ~Darkhan}", ["Ulaanbaatar"], ""),
])
def test_each_type_says_its_right_answer_in_words(app, source, items, heading):
    q = question(source)
    with app.test_request_context():
        said = type_of(q).right_answer(q)
    assert (said.items, said.heading) == (items, heading)


def test_an_essay_has_no_right_answer_and_verdicts_read_in_four_words():
    q = question("Describe a dune. {}")
    assert type_of(q).right_answer(q) is None
    assert [verdict(f) for f in (None, 1.0, 0.5, 0.0)] == ["waiting", "right", "partly", "wrong"]


# ------------------------------------------------------------------ points from the bundle


def test_points_are_stored_with_the_questions_and_weigh_the_score(ctx):
    quiz = make_quiz()
    assert [type_of(q).points(q) for q in quiz.questions] == [1, 1, 2, 1, 1, 1, 1, 5]
    attempt = create_attempt(quiz, state="submitted", answers=ANSWERS)
    assert attempt.max_score == 13 and attempt.pending_grading and attempt.passed is None
    assert attempt.score == pytest.approx(1 + 0.5 + 0 + 1 + 0 + 1 + 1 / 3, abs=1e-3)
    admin = create_user(roles="admin")
    with pytest.raises(Invalid) as refused:
        attempts.grade(attempt, 7, 6, "", admin)
    assert refused.value.details == [{"field": "points", "message": "Points are between 0 and 5."}]
    attempts.grade(attempt, 7, 5, "Clear.", admin)
    assert attempt.score == pytest.approx(3.8333 + 5, abs=1e-3)
    assert attempt.percent == pytest.approx(100 * 8.8333 / 13, abs=0.01) and attempt.passed is True
    essay = attempts.payload(attempt)["questions"][7]
    assert (essay["points"], essay["max_points"], essay["verdict"]) == (5, 5, "right")


def test_without_points_every_question_is_worth_one(ctx):
    quiz = make_quiz(points="")
    assert [type_of(q).points(q) for q in quiz.questions] == [1] * 8
    assert "points" not in quiz.questions[0]


def test_statistics_count_the_rest_of_the_quiz_in_points(ctx):
    quiz = make_quiz()
    create_attempt(quiz, state="submitted", answers={**ANSWERS, "2": True, "7": ""})
    create_attempt(quiz, state="submitted", answers={"0": 1, "2": False})
    stats = quiz_statistics(quiz)
    assert stats.attempts == 2 and stats.questions[2].facility == 50.0


@pytest.mark.parametrize("points, line, message", [
    ('    points: {"zq-nothing": 3}\n', 16,
     "quiz 1: points for 'zq-nothing': quiz.gift has no question titled 'zq-nothing' "
     "(a title is written ::title:: before the question)"),
    ('    points:\n      zq-essay: 0\n', 17,
     "quiz 1: points for 'zq-essay' must be a number above 0 and at most 1000, not 0"),
    ('    points:\n      zq-sand: -2\n', 17,
     "quiz 1: points for 'zq-sand' must be a number above 0 and at most 1000, not -2"),
    ('    points:\n      zq-sand: many\n', 17,
     "quiz 1: points for 'zq-sand' must be a number above 0 and at most 1000, not 'many'"),
    ('    points: 5\n', 16, "quiz 1: 'points' must map question titles to their points, "
                            'e.g. points: {"Essay on dunes": 5}'),
])
def test_bad_points_are_reported_with_file_and_line(ctx, points, line, message):
    found = [(p.file, p.line, p.message) for p in check_bundle(Bundle("results", quiz_files(points))).problems]
    assert found == [("course.md", line, message)]


def test_a_description_has_no_points(ctx):
    gift = GIFT + "\n::zq-note::The last questions are about your district.\n"
    bundle = Bundle("results", quiz_files('    points: {"zq-note": 2}\n', gift))
    found = [p.message for p in check_bundle(bundle).problems]
    assert found == ["quiz 1: points for 'zq-note': a description is not answered and has no points"]


def test_courses_check_reports_points_with_file_and_line(app, runner, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    for name, data in quiz_files('    points: {"zq-nothing": 3}\n').items():
        (folder / name).write_bytes(data)
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code != 0
    assert "course.md:16" in result.output and "no question titled 'zq-nothing'" in result.output


def test_export_and_import_keep_the_points(app, client):
    with committed(app):
        make_quiz(slug="exported")
        create_user(email="admin@example.org", roles="admin")
    login(client, "admin@example.org")
    response = client.get("/courses/exported/bundle")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        files = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    assert b'points: {"zq-essay": 5, "zq-sand": 2}' in files["course.md"]
    with app.app_context():
        again = import_bundle(Bundle("reimported", files), None, publish=True).revision.quizzes[0]
        assert [type_of(q).points(q) for q in again.questions] == [1, 1, 2, 1, 1, 1, 1, 5]


# ------------------------------------------------------------------ the result page


def _submitted(app, client, quiz_id: int, answers=ANSWERS) -> int:
    login(client, "fellow@example.org")
    attempt_id = int(re.search(r"/attempts/(\d+)", client.post(f"/quizzes/{quiz_id}/start").headers["Location"])[1])
    token = bearer(client, "fellow@example.org")
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers", headers=token, json={"answers": answers})
    assert saved.status_code == 200
    client.post(f"/attempts/{attempt_id}/submit", data={"confirmed": "1"})
    return attempt_id


def test_the_result_page_says_right_and_wrong_in_words(app, client, people):
    attempt_id = _submitted(app, client, people["quiz"])
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    words = page_words(html)
    for said in ["✓ Question 1 Right · 1 of 1 point", "◑ Question 2 Partly right · 0.5 of 1 point",
                 "✗ Question 3 Wrong · 0 of 2 points", "⌛ Question 8 Waiting for grading · worth 5 points",
                 "Right answer: between 75 and 78", "Right answer: 100, give or take 5", "Right answer: True",
                 "Right pairs: Gobi → China Karakum → Turkmenistan Kyzylkum → Uzbekistan",
                 "Right answers (tick all of them): Salix Caragana",
                 "Accepted answers (any one of them): Kubuqi Hobq",
                 "About your right answer: Yes, the capital.", "About your wrong answer: No: they do fix it.",
                 "Waiting for grading", "Score: 3.83 of 13 points"]:
        assert said in words, said
    assert 'class="feedback feedback-right"' in html and 'class="feedback feedback-wrong"' in html
    assert '<section class="question verdict-wrong"' in html
    assert '<span class="mark" aria-hidden="true">✗</span>' in html
    # The options ticked and the pairs given are each an item of a list, not run together.
    assert re.search(r'<ul class="answer-list"><li>Gobi → China</li><li>Karakum → Uzbekistan</li>', html)
    assert "You cannot pass" not in words


def test_no_fellow_facing_page_or_answer_names_a_question_by_its_title(app, client, people):
    quiz_id = people["quiz"]
    login(client, "fellow@example.org")
    seen = [client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)]
    attempt_url = client.post(f"/quizzes/{quiz_id}/start").headers["Location"]
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    seen.append(client.get(attempt_url).get_data(as_text=True))
    token = bearer(client, "fellow@example.org")
    api = f"/api/v1/attempts/{attempt_id}"
    seen.append(client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=token).get_data(as_text=True))
    seen.append(client.get(api, headers=token).get_data(as_text=True))
    client.put(api + "/answers", headers=token, json={"answers": ANSWERS})
    seen.append(client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True))
    seen.append(client.post(api + "/submit", headers=token).get_data(as_text=True))
    seen.append(client.get(attempt_url).get_data(as_text=True))
    seen.append(client.get(api, headers=token).get_data(as_text=True))
    seen.append(client.get("/courses/results").get_data(as_text=True))
    seen.append(client.get("/api/v1/courses/results", headers=token).get_data(as_text=True))
    seen.append(client.get("/").get_data(as_text=True))
    for text in seen:
        assert "zq-" not in text
    assert all("title" not in q for q in json.loads(seen[-4])["questions"])
    # Their graders and admins do read the titles, on the page and in the answer.
    for email in ("teacher@example.org", "admin@example.org"):
        staff = app.test_client()
        login(staff, email)
        assert all(f"· {title}" in staff.get(attempt_url).get_data(as_text=True) for title in TITLES)
        body = staff.get(api, headers=bearer(staff, email)).get_json()
        assert [q["title"] for q in body["questions"]] == TITLES


def test_waiting_for_grading_is_not_cannot_pass(app, client, people):
    quiz_id = people["quiz"]
    first = _submitted(app, client, quiz_id)
    words = page_words(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
    assert "Waiting for grading." in words and "You cannot pass" not in words
    # The essay graded 0: 3.83 of 13 is below the pass mark; one attempt is left.
    teacher = app.test_client()
    login(teacher, "teacher@example.org")
    assert teacher.post(f"/attempts/{first}/questions/7/grade", data={"points": "0"}).status_code == 302
    # The gradebook's percentage is in points too: 3.83 of 13.
    assert "29.49%" in teacher.get(f"/sessions/{people['session']}/gradebook").get_data(as_text=True)
    words = page_words(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
    assert "Not passed yet (pass mark 50%). You have 1 attempt left." in words and "Start an attempt" in words
    second = _submitted(app, client, quiz_id, {"0": 1, "7": ""})
    for url in (f"/quizzes/{quiz_id}", f"/attempts/{second}"):
        words = page_words(client.get(url).get_data(as_text=True))
        assert ("You cannot pass this quiz any more. You have used all 2 attempts, and your best result, "
                "29.49%, is below the pass mark of 50%.") in words
        assert "Waiting for grading" not in words and "Start an attempt" not in words


def test_standing_service(ctx):
    quiz = make_quiz(max_attempts=1)
    attempt = create_attempt(quiz, state="started", answers=ANSWERS)
    fellow = attempt.user
    assert standing(fellow, quiz).state == State.IN_PROGRESS
    attempts.submit(attempt, fellow)
    assert standing(fellow, quiz).state == State.WAITING
    attempts.grade(attempt, 7, 0, "", create_user(roles="admin"))
    found = standing(fellow, quiz)
    assert (found.state, found.left, found.used) == (State.CANNOT_PASS, 0, 1)
    other = create_attempt(quiz, state="graded", answers={**ANSWERS, "2": True, "4": 76}, points=5)
    assert standing(other.user, quiz).state == State.PASSED
    assert standing(create_user(), quiz).state == State.NOT_STARTED


# ------------------------------------------------------------------ the preview


@pytest.mark.parametrize("email, status", [
    ("stranger@example.org", 403), ("fellow@example.org", 403), ("other@cica.example", 403),
    ("idle-instructor@example.org", 403), ("teacher@example.org", 200), ("owner@uca.example", 200),
    ("admin@example.org", 200),
])
def test_the_preview_for_each_role(app, client, people, email, status):
    quiz_id = people["quiz"]
    login(client, email)
    page = client.get(f"/quizzes/{quiz_id}/preview")
    api = client.get(f"/api/v1/quizzes/{quiz_id}/preview", headers=bearer(client, email))
    assert (page.status_code, api.status_code) == (status, status)
    link = f"/quizzes/{quiz_id}/preview" in client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert link == (status == 200)
    if status != 200:
        message = ("Only the instructors of a session with this course, the staff of its institution "
                   "and admins preview its quizzes.")
        assert api.get_json()["error"]["message"] == message and message in page.get_data(as_text=True)
        return
    words = page_words(page.get_data(as_text=True))
    for said in ["Question 1 · zq-capital", "Right answer: Ulaanbaatar", "Yes, the capital.",
                 "No, Darkhan is a smaller city.", "Right pairs: Gobi → China", "worth 5 points",
                 "graded by an instructor", "Right answer: between 75 and 78", "13 points in all",
                 "Nothing you do here is an attempt"]:
        assert said in words, said
    body = api.get_json()
    assert [q["title"] for q in body["questions"]] == TITLES and body["max_score"] == 13
    assert body["questions"][2]["answer_key"][1] == {"answer": "False", "fraction": 0.0,
                                                     "feedback": "No: they do fix it."}
    with app.app_context():
        assert db.session.query(Attempt).count() == 0  # nothing was started, nothing counts


def test_a_stranger_without_a_login_is_sent_to_log_in(client, people):
    assert client.get(f"/quizzes/{people['quiz']}/preview").status_code == 302
    assert client.get(f"/api/v1/quizzes/{people['quiz']}/preview").status_code == 401


def test_an_unknown_quiz_has_no_preview(client, people):
    login(client, "admin@example.org")
    assert client.get("/quizzes/999999/preview").status_code == 404


def test_an_upload_with_bad_points_is_422_with_file_and_line_and_imports_nothing(client, make_user):
    from institute.courses.bundle import write_zip

    make_user(email="p@uca.example", roles="partner", partner="UCA")
    files = quiz_files('    points:\n      zq-essay: 5\n      zq-nowhere: 2\n')
    response = client.post("/api/v1/courses", headers=bearer(client, "p@uca.example"), data={
        "bundle": (io.BytesIO(write_zip("bad-points", files)), "bad-points.zip")}, content_type="multipart/form-data")
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert [(d["file"], d["line"]) for d in details] == [("course.md", 18)]
    assert "no question titled 'zq-nowhere'" in details[0]["message"]
    assert client.get("/api/v1/courses/bad-points", headers=bearer(client, "p@uca.example")).status_code == 404


@pytest.mark.parametrize("email, status, titles", [
    ("stranger@example.org", 403, False), ("other@cica.example", 403, False), ("owner@uca.example", 403, False),
    ("idle-instructor@example.org", 403, False), ("fellow@example.org", 200, False),
    ("teacher@example.org", 200, True), ("admin@example.org", 200, True),
])
def test_the_results_for_each_role(app, client, people, email, status, titles):
    attempt_id = _submitted(app, client, people["quiz"])
    reader = app.test_client()
    login(reader, email)
    page = reader.get(f"/attempts/{attempt_id}")
    api = reader.get(f"/api/v1/attempts/{attempt_id}", headers=bearer(reader, email))
    assert (page.status_code, api.status_code) == (status, status)
    if status == 200:
        html = page.get_data(as_text=True)
        assert ("zq-capital" in html) == titles and ("zq-capital" in api.get_data(as_text=True)) == titles
        assert "Right answer: between 75 and 78" in page_words(html)
        assert [q["verdict"] for q in api.get_json()["questions"]] == [
            "right", "partly", "wrong", "right", "wrong", "right", "partly", "waiting"]
    else:
        assert api.get_json()["error"]["message"] == "This is not your attempt."
