"""Quizzes behind JSON: attempts, answers, submission, grades, gradebook."""

from flask import jsonify

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, EMAIL, ID, STRING, array, line, nullable, obj, text
from ..questions import QuestionKind
from . import attempts, overrides
from .access import attempt_for, override_for, quiz_for, sees_question_titles
from .preview import preview

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
    # "title", the author's name for a question, only for those who preview the quiz
    # (never its fellows); once submitted, each question has its verdict, points and right answer.
    "questions": array(obj({"id": STRING, "kind": KIND, "title": STRING, "text": STRING, "answer": {},
                            "verdict": nullable({"type": "string", "enum": ["right", "partly", "wrong", "waiting"]}),
                            "points": nullable(NUMBER), "max_points": NUMBER, "right_answer": STRING,
                            "right_answers": array(STRING), "right_answer_heading": STRING},
                           required=["id", "kind", "text", "answer"])),
    **SUMMARY["properties"],
}, required=["id", "quiz", "number", "title", "started_at", "deadline", "seconds_left", "submitted", "questions"])


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/attempts", ["POST"], access=("trainee",),
    summary="Start an attempt (or resume the one in progress)",
    responses={201: "{id, questions, deadline} — no right answers", 200: "The attempt in progress",
               401: "No or bad token", 403: "Not enrolled", 404: "Unknown quiz",
               409: "No attempts left"},
    returns=ATTEMPT,
)
def start_attempt(quiz_id: int):
    quiz = quiz_for(quiz_id, current_api_user(), "take")
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
    attempt = attempt_for(attempt_id, current_api_user())
    attempts.expire_if_due(attempt)
    return jsonify(attempts.payload(attempt, titles=sees_question_titles(current_api_user(), attempt.quiz)))


PREVIEW = obj({
    "quiz": ID, "title": STRING, "pass_mark": NUMBER, "max_attempts": COUNT, "time_limit_minutes": nullable(COUNT),
    "shuffle": {"type": "boolean"}, "max_score": NUMBER,
    "questions": array(obj({"id": STRING, "kind": KIND, "title": STRING, "text": STRING, "max_points": NUMBER,
                            "right_answer": STRING, "right_answers": array(STRING), "answer_key": array(obj({
                                "answer": STRING, "fraction": NUMBER, "feedback": STRING}))},
                           required=["id", "kind", "title", "text", "max_points", "right_answers", "answer_key"])),
}, required=["quiz", "title", "max_score", "questions"])


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/preview", ["GET"], access=ANY_USER,
    summary="Every question with its right answers, points and feedback; no attempt is made",
    responses={200: "The quiz's questions with their answers", 401: "No or bad token",
               403: "Not its instructor, its institution's staff or an admin", 404: "Unknown quiz"},
    returns=PREVIEW,
)
def preview_quiz(quiz_id: int):
    return jsonify(preview(quiz_for(quiz_id, current_api_user(), "preview")))


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
    saved = attempts.save(attempt_for(attempt_id, current_api_user(), "answer"), current_api_user(),
                          data.get("answers"))
    return jsonify({"saved": saved})


@quizzes_api.endpoint(
    "/attempts/<int:attempt_id>/submit", ["POST"], access=("trainee",),
    summary="Submit the attempt once",
    responses={200: "{score, max_score, percent, passed, pending_grading}", 401: "No or bad token",
               403: "Not yours", 404: "Unknown", 409: "Already submitted"},
    returns=SUMMARY,
)
def submit(attempt_id: int):
    attempt = attempts.submit(attempt_for(attempt_id, current_api_user(), "answer"), current_api_user())
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
    user = current_api_user()
    attempt = attempt_for(attempt_id, user, "grade")
    # The body schema requires question and points.
    attempts.grade(attempt, data["question"], data["points"], str(data.get("feedback") or ""), user)
    return jsonify(attempts.summary(attempt))


OVERRIDE = obj({
    "id": ID, "quiz": ID, "user": ID, "user_name": STRING, "extra_attempts": COUNT, "extra_minutes": COUNT,
    "time_multiplier": NUMBER, "reason": STRING, "granted_by": nullable(ID), "granted_at": DATE_TIME,
    "revoked_at": nullable(DATE_TIME), "revoked_by": nullable(ID),
}, required=["id", "quiz", "user", "extra_attempts", "extra_minutes", "time_multiplier", "reason",
             "granted_by", "granted_at", "revoked_at", "revoked_by"])


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/overrides", ["GET"], access=ANY_USER,
    summary="A quiz's overrides (extra attempts, more time) of the fellows one grants them to",
    responses={200: "{overrides: [...]}, newest first, revoked ones too", 401: "No or bad token",
               403: "Not an instructor of a session with this course, nor an admin", 404: "Unknown quiz"},
    returns=obj({"overrides": array(OVERRIDE)}, required=["overrides"]),
)
def list_overrides(quiz_id: int):
    user = current_api_user()
    quiz = quiz_for(quiz_id, user)
    return jsonify({"overrides": [overrides.serialise(o) for o in overrides.overrides_of(quiz, user)]})


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/overrides", ["POST"], access=ANY_USER,
    summary="Grant a fellow extra attempts and/or more time: {user, extra_attempts, extra_minutes, "
            "time_multiplier, reason}",
    body=obj({"user": {"anyOf": [ID, EMAIL]},
              "extra_attempts": {"type": "integer"}, "extra_minutes": {"type": "integer"},
              "time_multiplier": NUMBER, "reason": text(10_000)},
             required=["user", "reason"], additional=False),
    responses={201: "The override", 400: "Malformed", 401: "No or bad token",
               403: "Not an instructor of the fellow's session, nor an admin", 404: "Unknown quiz",
               422: "No reason, negative or too large numbers, nothing granted, not a fellow of the course"},
    returns=OVERRIDE,
)
def grant_override(quiz_id: int):
    data = json_body()
    user = current_api_user()
    quiz = quiz_for(quiz_id, user)
    override = overrides.grant(quiz, data["user"], user, data.get("extra_attempts", 0), data.get("extra_minutes", 0),
                               data.get("time_multiplier"), data.get("reason", ""))
    return jsonify(overrides.serialise(override)), 201


@quizzes_api.endpoint(
    "/quizzes/<int:quiz_id>/overrides/<int:override_id>", ["DELETE"], access=ANY_USER,
    summary="Revoke an override (it stays on record, marked revoked)",
    responses={200: "The override, revoked", 401: "No or bad token",
               403: "Not an instructor of the fellow's session, nor an admin", 404: "Unknown quiz or override"},
    returns=OVERRIDE,
)
def revoke_override(quiz_id: int, override_id: int):
    user = current_api_user()
    quiz = quiz_for(quiz_id, user)
    return jsonify(overrides.serialise(overrides.revoke(override_for(override_id, quiz, user), user)))
