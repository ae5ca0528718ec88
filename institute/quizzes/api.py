"""Quizzes behind JSON: attempts, answers, submission, grades, gradebook."""

from flask import jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, ID, STRING, array, line, nullable, obj, text
from ..errors import Forbidden
from ..questions import QuestionKind
from ..spreadsheets import csv_response
from ..training import services as training
from ..training.gradebook import gradebook_csv, gradebook_rows
from . import attempts

quizzes_api = ApiBlueprint("quizzes_api", __name__)

NUMBER = {"type": "number"}
# An answer, by question type: a choice's index or indices, true/false, text, a number,
# {item: option} for matching. Which one a question takes, the question type checks.
ANSWER = {"anyOf": [
    {"type": "boolean"}, NUMBER, text(50_000), {"type": "null"},
    array({"anyOf": [{"type": "integer"}, line(1000)]}, 100),
    {"type": "object", "maxProperties": 100, "propertyNames": {"pattern": "^[0-9]{1,4}$"},
     "additionalProperties": line(1000)},
]}
KIND = {"type": "string", "enum": [kind.value for kind in QuestionKind]}
SUMMARY = obj({"score": nullable(NUMBER), "max_score": nullable(NUMBER), "percent": nullable(NUMBER),
               "passed": nullable({"type": "boolean"}), "pending_grading": {"type": "boolean"}},
              required=["score", "max_score", "percent", "passed", "pending_grading"])
ATTEMPT = obj({
    "id": ID, "quiz": ID, "number": ID, "title": STRING, "started_at": DATE_TIME, "deadline": nullable(DATE_TIME),
    "seconds_left": nullable(COUNT), "submitted": {"type": "boolean"},
    "questions": array(obj({"id": STRING, "kind": KIND, "title": STRING, "text": STRING, "answer": {}},
                           required=["id", "kind", "title", "text", "answer"])),
    **SUMMARY["properties"],
}, required=["id", "quiz", "number", "title", "started_at", "deadline", "seconds_left", "submitted", "questions"])


def _may_take(quiz) -> None:
    if not training.studies(current_api_user(), attempts.course_of(quiz).id):
        raise Forbidden("Only fellows enrolled in a session with this course take its quizzes.")


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/attempts", ["POST"], access=("trainee",),
    summary="Start an attempt (or resume the one in progress)",
    responses={201: "{id, questions, deadline} — no right answers", 200: "The attempt in progress",
               401: "No or bad token", 403: "Not enrolled", 404: "Unknown quiz",
               409: "No attempts left"},
    returns=ATTEMPT,
)
def start_attempt(quiz_id: int):
    quiz = attempts.get_quiz(quiz_id, current_api_user())
    _may_take(quiz)
    attempt, created = attempts.start(quiz, current_api_user())
    return jsonify(attempts.payload(attempt)), 201 if created else 200


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>", ["GET"], access=ANY_USER,
    summary="An attempt: the owner, or an instructor of its course, or an admin",
    responses={200: "The attempt (right answers once submitted)", 401: "No or bad token",
               403: "Not yours", 404: "Unknown"},
    returns=ATTEMPT,
)
def get_attempt(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id)
    user = current_api_user()
    if attempt.user_id != user.id and not training.may_grade(
            user, attempts.course_of(attempt.quiz).id, attempt.user_id):
        raise Forbidden("This is not your attempt.")
    attempts.expire_if_due(attempt)
    return jsonify(attempts.payload(attempt))


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>/answers", ["PUT"], access=("trainee",),
    summary="Save answers (autosave): {answers: {question id: value}}",
    body=obj({"answers": {"type": "object", "maxProperties": 1000, "propertyNames": {"pattern": "^[0-9]{1,4}$"},
                          "additionalProperties": ANSWER}}, required=["answers"], additional=False),
    responses={200: "{saved}", 400: "Malformed", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "Submitted, or the time is up", 422: "Unreadable answers"},
    returns=obj({"saved": COUNT}, required=["saved"]),
)
def save_answers(attempt_id: int):
    data = json_body()
    saved = attempts.save(attempts.get_attempt(attempt_id), current_api_user(), data.get("answers"))
    return jsonify({"saved": saved})


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>/submit", ["POST"], access=("trainee",),
    summary="Submit the attempt once",
    responses={200: "{score, max_score, percent, passed, pending_grading}", 401: "No or bad token",
               403: "Not yours", 404: "Unknown", 409: "Already submitted"},
    returns=SUMMARY,
)
def submit(attempt_id: int):
    attempt = attempts.submit(attempts.get_attempt(attempt_id), current_api_user())
    return jsonify(attempts.summary(attempt))


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>/grades", ["POST"], access=ANY_USER,
    summary="Grade an essay answer: {question, points, feedback}",
    body=obj({"question": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 9999},
                                     {"type": "string", "pattern": "^[0-9]{1,4}$"}]},
              "points": {"type": "number", "minimum": 0}, "feedback": text(10_000)},
             required=["question", "points"], additional=False),
    responses={200: "The attempt's totals", 400: "Malformed", 401: "No or bad token",
               403: "Not teaching this course", 404: "Unknown", 409: "Not submitted",
               422: "Invalid points or question"},
    returns=SUMMARY,
)
def grade(attempt_id: int):
    data = json_body()
    attempt = attempts.get_attempt(attempt_id)
    user = current_api_user()
    if not training.may_grade(user, attempts.course_of(attempt.quiz).id, attempt.user_id):
        raise Forbidden("Only the instructors of this fellow's session grade it.")
    attempts.grade(attempt, data.get("question"), data.get("points"), str(data.get("feedback") or ""), user)
    return jsonify(attempts.summary(attempt))


@quizzes_api.endpoint(
    "/sessions/<int:session_id>/gradebook", ["GET"], access=ANY_USER,
    summary="The session's gradebook: fellows × quizzes, best attempt (Accept: text/csv for CSV)",
    responses={200: "The gradebook (JSON or CSV)", 401: "No or bad token",
               403: "Not teaching this session", 404: "Unknown session"},
    produces=("application/json", "text/csv"),
    returns=obj({
        "session": ID,
        "quizzes": array(obj({"id": ID, "title": STRING, "pass_mark": NUMBER}, required=["id", "title", "pass_mark"])),
        "fellows": array(obj({
            "email": STRING, "name": STRING, "completed": {"type": "boolean"},
            "grades": array(nullable(obj({"percent": nullable(NUMBER), "passed": nullable({"type": "boolean"}),
                                          "pending_grading": {"type": "boolean"}, "attempts": COUNT},
                                         required=["percent", "passed", "pending_grading", "attempts"]))),
        }, required=["email", "name", "completed", "grades"])),
    }, required=["session", "quizzes", "fellows"]),
)
def gradebook(session_id: int):
    session = training.session_for_staff(session_id, current_api_user(), "gradebook")
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(gradebook_csv(session), f"gradebook-{session.code}.csv", byte_order_mark=False)
    quizzes, rows = gradebook_rows(session)
    return jsonify({
        "session": session.id,
        "quizzes": [{"id": q.id, "title": q.title, "pass_mark": q.pass_mark} for q in quizzes],
        "fellows": [{"email": f.user.email, "name": f.user.name, "completed": f.completed,
                     "grades": [None if c is None else {"percent": c.percent, "passed": c.passed,
                                                        "pending_grading": c.pending, "attempts": c.attempts}
                                for c in cells]} for f, cells in rows],
    })
