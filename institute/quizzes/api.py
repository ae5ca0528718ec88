"""Quizzes behind JSON: attempts, answers, submission, grades, gradebook."""

from flask import jsonify, request

from ..accounts.access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..errors import Forbidden
from ..spreadsheets import csv_response
from ..training import services as training
from ..training.gradebook import gradebook_csv, gradebook_rows
from . import attempts

quizzes_api = ApiBlueprint("quizzes_api", __name__)


def _may_take(quiz) -> None:
    if not training.studies(current_api_user(), attempts.course_of(quiz).id):
        raise Forbidden("Only fellows enrolled in a session with this course take its quizzes.")


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/attempts", ["POST"], access=("trainee",),
    summary="Start an attempt (or resume the one in progress)",
    responses={201: "{id, questions, deadline} — no right answers", 200: "The attempt in progress",
               401: "No or bad token", 403: "Not enrolled", 404: "Unknown quiz",
               409: "No attempts left"},
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
    body={"type": "object", "required": ["answers"], "properties": {"answers": {"type": "object"}}},
    responses={200: "{saved}", 400: "Malformed", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "Submitted, or the time is up", 422: "Unreadable answers"},
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
)
def submit(attempt_id: int):
    attempt = attempts.submit(attempts.get_attempt(attempt_id), current_api_user())
    return jsonify(attempts.summary(attempt))


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>/grades", ["POST"], access=ANY_USER,
    summary="Grade an essay answer: {question, points, feedback}",
    body={"type": "object", "required": ["question", "points"],
          "properties": {"question": {"type": ["string", "integer"]}, "points": {"type": "number"},
                         "feedback": {"type": "string"}}},
    responses={200: "The attempt's totals", 400: "Malformed", 401: "No or bad token",
               403: "Not teaching this course", 404: "Unknown", 409: "Not submitted",
               422: "Invalid points or question"},
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
)
def gradebook(session_id: int):
    session = training.session_for_staff(session_id, current_api_user(), "gradebook")
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(gradebook_csv(session), f"gradebook-{session.code}.csv")
    quizzes, rows = gradebook_rows(session)
    return jsonify({
        "session": session.id,
        "quizzes": [{"id": q.id, "title": q.title, "pass_mark": q.pass_mark} for q in quizzes],
        "fellows": [{"email": f.user.email, "name": f.user.name, "completed": f.completed,
                     "grades": [None if c is None else {"percent": c.percent, "passed": c.passed,
                                                        "pending_grading": c.pending, "attempts": c.attempts}
                                for c in cells]} for f, cells in rows],
    })
