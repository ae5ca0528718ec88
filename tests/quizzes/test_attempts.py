from datetime import timedelta

import pytest
from flask import current_app

from institute.database import utcnow
from institute.errors import Conflict, Forbidden, Invalid
from institute.extensions import db
from institute.quizzes import attempts
from institute.quizzes.access import attempt_for
from institute.quizzes.results import passed_quizzes
from institute.training import services as training
from institute.training.labels import missing_text
from institute.training.progress import completion

from ..builders import RIGHT, complete_modules, create_quiz, create_session, create_user, enrol, enrol_in_course
from ..test_statement_counts import counted


def test_start_save_submit_and_see_results(ctx):
    quiz = create_quiz()
    fellow = enrol_in_course(quiz)
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
    quiz = create_quiz(shuffle=True)
    attempt, _ = attempts.start(quiz, enrol_in_course(quiz))
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
    quiz = create_quiz(shuffle=True)
    attempt, _ = attempts.start(quiz, enrol_in_course(quiz))
    first = [q["id"] for q in attempts.payload(attempt)["questions"]]
    assert first == [q["id"] for q in attempts.payload(attempt)["questions"]]
    assert sorted(first) == ["0", "1", "2", "3"]


def test_submitting_twice_and_saving_after_submission_are_refused(ctx):
    quiz = create_quiz()
    fellow = enrol_in_course(quiz)
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
    quiz = create_quiz(max_attempts=1)
    fellow = enrol_in_course(quiz)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.submit(attempt, fellow)
    with pytest.raises(Conflict):
        attempts.start(quiz, fellow)


def test_another_fellows_attempt_is_refused(ctx):
    quiz = create_quiz()
    owner, other = enrol_in_course(quiz), enrol_in_course(quiz)
    attempt, _ = attempts.start(quiz, owner)
    with pytest.raises(Forbidden):
        attempts.save(attempt, other, {"0": 0})
    with pytest.raises(Forbidden):
        attempts.submit(attempt, other)
    assert attempt.answers == [] and not attempt.submitted


def test_bad_answers_are_refused_and_nothing_is_saved(ctx):
    quiz = create_quiz()
    fellow = enrol_in_course(quiz)
    attempt, _ = attempts.start(quiz, fellow)
    with pytest.raises(Invalid) as caught:
        attempts.save(attempt, fellow, {"0": 1, "2": "many", "9": "x"})
    assert {d["field"] for d in caught.value.details} == {"2", "9"}
    assert attempts.payload(attempt)["questions"][0]["answer"] is None


def test_two_tabs_keep_each_others_answers(ctx):
    quiz = create_quiz()
    fellow = enrol_in_course(quiz)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.save(attempt, fellow, {"0": 2})
    attempts.save(attempt, fellow, {"1": True})   # the other tab
    attempts.save(attempt, fellow, {"0": 0})      # the first tab changes its answer
    answers = {q["id"]: q["answer"] for q in attempts.payload(attempt)["questions"]}
    assert answers["0"] == 0 and answers["1"] is True


def statements_of(call) -> list[str]:
    """The statements ``call`` sends, without the tests' own transaction control."""
    with counted(current_app) as seen:
        call()
    return [" ".join(s.split()) for s in seen if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_an_attempt_loaded_to_answer_is_locked_with_its_quiz_in_one_statement(ctx):
    """To answer, the attempt is read as it is now and (PostgreSQL) locked, with its quiz,
    in one statement; the save then takes it as it is, and a save given an attempt read
    otherwise (another transaction, a plain read) locks it first."""
    quiz = create_quiz()
    fellow = enrol_in_course(quiz)
    attempt, _ = attempts.start(quiz, fellow)
    db.session.commit()
    db.session.expunge_all()
    postgres = db.engine.dialect.name == "postgresql"
    loaded = statements_of(lambda: attempt_for(attempt.id, fellow, "answer"))
    assert len(loaded) == 1 and "JOIN quizzes" in loaded[0]
    assert ("FOR UPDATE OF attempts" in loaded[0]) is postgres
    answering = attempt_for(attempt.id, fellow, "answer")
    saved = statements_of(lambda: attempts.save(answering, fellow, {"0": 2}))
    assert not [s for s in saved if "FROM attempts" in s], saved  # taken already: not read again
    db.session.commit()  # a new transaction: the attempt must be taken again
    again = statements_of(lambda: attempts.save(answering, fellow, {"1": True}))
    assert len([s for s in again if "FROM attempts" in s]) == 1
    assert ("FOR UPDATE" in next(s for s in again if "FROM attempts" in s)) is postgres
    read = db.session.get(type(attempt), attempt.id)
    db.session.commit()
    assert len([s for s in statements_of(lambda: attempts.submit(read, fellow)) if "FROM attempts" in s]) == 1
    answers = {q["id"]: q["answer"] for q in attempts.payload(read)["questions"]}
    assert answers["0"] == 2 and answers["1"] is True and read.submitted


def test_time_limit_with_a_minute_of_grace(ctx):
    quiz = create_quiz(time_limit_minutes=20)
    fellow = enrol_in_course(quiz)
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
    quiz = create_quiz(time_limit_minutes=10)
    fellow = enrol_in_course(quiz)
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
    quiz = create_quiz()
    with pytest.raises(Forbidden, match="Only fellows enrolled"):
        attempts.start(quiz, create_user())  # a fellow of no session with this course
    with pytest.raises(Forbidden, match="Only fellows enrolled"):
        attempts.start(quiz, create_user(roles="admin"))
    attempt, created = attempts.start(quiz, enrol_in_course(quiz))
    assert created


def test_essay_grading_and_completion(ctx):
    quiz = create_quiz(pass_mark=75)
    course = quiz.revision.course
    admin = create_user(roles="admin")
    session = create_session(courses=[course])
    fellow = enrol(session, admin=admin)
    complete_modules(fellow, course)
    attempt, _ = attempts.start(quiz, fellow)
    attempts.save(attempt, fellow, {**RIGHT, "3": "An essay about sand fences."})
    attempts.submit(attempt, fellow)
    assert not completion(session, fellow).completed
    assert [missing_text(m) for m in completion(session, fellow).missing] == [
        "Quiz “Check” of “Test Course”: essay waiting for grading"]
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
