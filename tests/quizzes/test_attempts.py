from datetime import timedelta

import pytest

from institute.courses.bundle import Bundle
from institute.courses.importing import import_bundle
from institute.courses.services import mark_done
from institute.database import utcnow
from institute.errors import Conflict, Forbidden, Invalid
from institute.quizzes import attempts
from institute.quizzes.results import passed_quizzes
from institute.training import services as training
from institute.training.progress import completion

from ..builders import MOTIVATION, course_files, create_fellow, create_session, create_user

QUIZ = """::MC::Capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::TF::Straw checkerboards fix moving sand.{T}

::Num::How many metres is the side of a usual straw square? {#1:0.2}

::Essay::Describe one restoration method you have seen. {}
"""


def quiz_course(slug="quizzed", limit=None, attempts_allowed=2, shuffle=False, pass_mark=60):
    files = course_files(quiz=False, extra_front=(
        f"quizzes:\n  - file: quiz.gift\n    title: Check\n    pass_mark: {pass_mark}\n"
        f"    max_attempts: {attempts_allowed}\n    shuffle: {'true' if shuffle else 'false'}\n"
        + (f"    time_limit_minutes: {limit}\n" if limit else "")))
    files["quiz.gift"] = QUIZ.encode()
    result = import_bundle(Bundle(slug, files), None, publish=True)
    return result.course, result.revision.quizzes[0]


RIGHT = {"0": 0, "1": True, "2": 1.1}


def test_start_save_submit_and_see_results(ctx):
    course, quiz = quiz_course()
    fellow = create_fellow(course)
    attempt, created = attempts.start(quiz, fellow)
    assert created and attempt.number == 1
    again, created = attempts.start(quiz, fellow)
    assert again.id == attempt.id and not created  # resumed, not a second attempt
    payload = attempts.payload(attempt)
    assert [q["id"] for q in payload["questions"]] == ["0", "1", "2", "3"]
    assert attempts.save(attempt, fellow, RIGHT) == 3
    attempts.save(attempt, fellow, {"3": "In Kubuqi they plant willow cuttings..."})
    attempts.submit(attempt, fellow)
    assert attempt.score == 3 and attempt.max_score == 4
    assert attempt.pending_grading and attempt.passed is None
    shown = attempts.payload(attempt)
    assert shown["questions"][0]["right_answer"] == "Ulaanbaatar"
    assert shown["pending_grading"] is True


def test_nothing_before_submission_reveals_right_answers(ctx):
    course, quiz = quiz_course(shuffle=True)
    attempt, _ = attempts.start(quiz, create_fellow(course))
    payload = attempts.payload(attempt)

    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    # No field that tells what is right (checked by key: a timestamp may well contain "1.0").
    secrets = {"fraction", "right_answer", "correct", "feedback", "match", "points", "value",
               "tolerance", "low", "high", "general_feedback"}
    assert keys(payload) & secrets == set()
    assert "Ulaanbaatar" in repr(payload)  # the choices are shown, just not which is right
    choices = next(q for q in payload["questions"] if q["kind"] == "multichoice")["choices"]
    assert sorted(c["id"] for c in choices) == ["0", "1", "2"]


def test_shuffled_order_is_kept_for_the_attempt(ctx):
    course, quiz = quiz_course(shuffle=True)
    attempt, _ = attempts.start(quiz, create_fellow(course))
    first = [q["id"] for q in attempts.payload(attempt)["questions"]]
    assert first == [q["id"] for q in attempts.payload(attempt)["questions"]]
    assert sorted(first) == ["0", "1", "2", "3"]


def test_submitting_twice_and_saving_after_submission_are_refused(ctx):
    course, quiz = quiz_course()
    fellow = create_fellow(course)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.save(attempt, fellow, RIGHT)
    attempts.submit(attempt, fellow)
    score = attempt.score
    with pytest.raises(Conflict):
        attempts.submit(attempt, fellow)
    with pytest.raises(Conflict):
        attempts.save(attempt, fellow, {"0": 1})
    assert attempt.score == score


def test_attempt_limit(ctx):
    course, quiz = quiz_course(attempts_allowed=1)
    fellow = create_fellow(course)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.submit(attempt, fellow)
    with pytest.raises(Conflict):
        attempts.start(quiz, fellow)


def test_another_fellows_attempt_is_refused(ctx):
    course, quiz = quiz_course()
    owner, other = create_fellow(course), create_fellow(course)
    attempt, _ = attempts.start(quiz, owner)
    with pytest.raises(Forbidden):
        attempts.save(attempt, other, {"0": 0})
    with pytest.raises(Forbidden):
        attempts.submit(attempt, other)
    assert attempt.answers == [] and not attempt.submitted


def test_bad_answers_are_refused_and_nothing_is_saved(ctx):
    course, quiz = quiz_course()
    fellow = create_fellow(course)
    attempt, _ = attempts.start(quiz, fellow)
    with pytest.raises(Invalid) as caught:
        attempts.save(attempt, fellow, {"0": 1, "2": "many", "9": "x"})
    assert {d["field"] for d in caught.value.details} == {"2", "9"}
    assert attempts.payload(attempt)["questions"][0]["answer"] is None


def test_two_tabs_keep_each_others_answers(ctx):
    course, quiz = quiz_course()
    fellow = create_fellow(course)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.save(attempt, fellow, {"0": 2})
    attempts.save(attempt, fellow, {"1": True})   # the other tab
    attempts.save(attempt, fellow, {"0": 0})      # the first tab changes its answer
    answers = {q["id"]: q["answer"] for q in attempts.payload(attempt)["questions"]}
    assert answers["0"] == 0 and answers["1"] is True


def test_time_limit_with_a_minute_of_grace(ctx):
    course, quiz = quiz_course(limit=20)
    fellow = create_fellow(course)
    start = utcnow()
    attempt, _ = attempts.start(quiz, fellow, now=start)
    assert attempt.deadline == start + timedelta(minutes=20)
    attempts.save(attempt, fellow, {"0": 0}, now=start + timedelta(minutes=5))
    attempts.save(attempt, fellow, {"1": True}, now=start + timedelta(minutes=20, seconds=30))  # grace
    with pytest.raises(Conflict):
        attempts.save(attempt, fellow, {"2": 1.0}, now=start + timedelta(minutes=22))
    assert attempt.submitted  # submitted with what was saved in time
    assert attempt.score == 2 and attempt.submitted_at == start + timedelta(minutes=21)


def test_late_submission_is_graded_on_what_was_saved_in_time(ctx):
    course, quiz = quiz_course(limit=10)
    fellow = create_fellow(course)
    start = utcnow()
    attempt, _ = attempts.start(quiz, fellow, now=start)
    attempts.save(attempt, fellow, {"0": 0, "1": True}, now=start + timedelta(minutes=9))
    attempts.submit(attempt, fellow, now=start + timedelta(hours=3))
    assert attempt.score == 2 and attempt.submitted_at == start + timedelta(minutes=11)
    with pytest.raises(Conflict):
        attempts.submit(attempt, fellow, now=start + timedelta(hours=4))


def session_data(session) -> dict:
    return {"title": session.title, "year": session.year, "sequence": session.sequence, "seats": session.seats,
            "starts_on": session.starts_on, "ends_on": session.ends_on, "courses": [c.slug for c in session.courses]}


def test_starting_is_for_enrolled_fellows_only(ctx):
    course, quiz = quiz_course()
    with pytest.raises(Forbidden, match="Only fellows enrolled"):
        attempts.start(quiz, create_user())  # a fellow of no session with this course
    with pytest.raises(Forbidden, match="Only fellows enrolled"):
        attempts.start(quiz, create_user(roles="admin"))
    attempt, created = attempts.start(quiz, create_fellow(course))
    assert created


def test_essay_grading_and_completion(ctx):
    course, quiz = quiz_course(pass_mark=75)
    admin = create_user(roles="admin")
    session = create_session(courses=[course.slug])
    application = training.apply(session, create_user(), MOTIVATION)
    training.decide(application, "accept", admin)
    fellow = application.user
    for module in ("module-1", "module-2"):
        mark_done(fellow, course, module)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.save(attempt, fellow, {**RIGHT, "3": "An essay about sand fences."})
    attempts.submit(attempt, fellow)
    assert not completion(session, fellow).completed
    assert completion(session, fellow).missing == ["essay not graded: quizzed: Check"]
    assert attempts.pending_essays([(course.id, fellow.id)]) == [(attempt, 3)]
    assert attempts.pending_essays([(course.id, admin.id)]) == []
    instructor = create_user(roles="instructor")
    with pytest.raises(Forbidden):
        attempts.grade(attempt, 3, 1, "", instructor)  # teaches no session of this fellow
    training.update_session(session, {**session_data(session), "instructors": [instructor.email]})
    with pytest.raises(Invalid):
        attempts.grade(attempt, 3, 2, "", instructor)  # at most 1 point
    with pytest.raises(Invalid):
        attempts.grade(attempt, 0, 1, "", instructor)  # not an essay
    attempts.grade(attempt, 3, 0.5, "Good, but cite a source.", instructor)
    assert attempt.score == 3.5 and attempt.percent == 87.5 and attempt.passed
    assert passed_quizzes([fellow.id], [quiz.id]) == {(fellow.id, quiz.id)}
    assert completion(session, fellow).completed
    attempts.grade(attempt, 3, 0, "On second reading: off topic.", instructor)  # regrade
    assert attempt.percent == 75.0 and attempt.passed
    assert attempts.pending_essays(None) == []
