"""Training sessions behind JSON: sessions, applications, enrolment, cohort."""

from flask import current_app, jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import (
    COUNT,
    DATE,
    DATE_TIME,
    EMAIL,
    ID,
    QUERY_TEXT,
    SLUG,
    STRING,
    TEXT_PATTERN,
    array,
    enum_of,
    line,
    nullable,
    obj,
    text,
)
from ..door import YEARS
from ..errors import BadRequest
from ..filetypes import KINDS
from ..page_cache import kept_page
from ..spreadsheets import csv_response
from . import services
from .enrolment import enrol_csv
from .exports import cohort_csv
from .gradebook import extra_columns, gradebook_csv, gradebook_rows
from .models import ApplicationDecision, ApplicationStatus, QuestionKind
from .progress import cohort_progress
from .serializers import application_json, fellow_json, session_json

NUMBER = {"type": "number"}

training_api = ApiBlueprint("training_api", __name__)

SESSION_SCHEMA = obj({
    "title": line(200, 1), "year": {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
    "sequence": {"enum": [1, 2]}, "starts_on": DATE, "ends_on": DATE,
    "seats": {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 15},
    "courses": array(SLUG, 50), "instructors": array(EMAIL, 50),
    "applications_open": nullable(DATE), "applications_close": nullable(DATE),
    "place": line(200), "description": text(20_000),
    "on_site_days": nullable({"type": "integer", "minimum": 0, "maximum": 400}),
    "attendance_required": nullable({"type": "integer", "minimum": 1, "maximum": 100}),
    # The session's application questions; admissions checks them (institute.admissions.questions).
    "questions": array(obj({
        "id": line(40, 1), "label": line(500, 1), "kind": enum_of(QuestionKind),
        "choices": array(line(200, 1), 30), "required": {"type": "boolean"},
        "types": array({"enum": list(KINDS)}, len(KINDS)),
        "max_megabytes": {"type": "integer", "minimum": 1, "maximum": 20},
    }, required=["id", "label", "kind"], additional=False), 20),
}, required=["title", "year", "starts_on", "ends_on"], additional=False)
QUESTION = obj({"id": STRING, "label": STRING, "kind": enum_of(QuestionKind),
                "required": {"type": "boolean"}, "choices": array(STRING), "types": array(STRING),
                "max_megabytes": COUNT}, required=["id", "label", "kind", "required"])
SESSION = obj({
    "id": ID, "title": STRING, "year": {"type": "integer"}, "sequence": {"enum": [1, 2]}, "starts_on": DATE,
    "ends_on": DATE, "place": STRING, "on_site_days": nullable(COUNT),
    "attendance_required": nullable(COUNT), "weeks": COUNT, "seats": COUNT,
    "seats_left": COUNT, "applications_open": nullable(DATE),
    "applications_close": DATE, "closed": {"type": "boolean"}, "courses": array(STRING),
    "instructors": array(STRING), "questions": array(QUESTION),
}, required=["id", "title", "year", "sequence", "starts_on", "ends_on", "place", "seats", "seats_left",
             "applications_open", "applications_close", "closed", "courses", "instructors", "questions"])
APPLICATION = obj({
    "id": ID, "session": ID, "user": STRING,
    "status": enum_of(ApplicationStatus),
    "country": nullable(STRING), "institution": STRING, "created_at": DATE_TIME,
    "passport_name": STRING, "nationality": nullable(STRING), "answers": {"type": "object"},
    "decision_reason": STRING,
}, required=["id", "session", "user", "status", "country", "institution", "created_at", "passport_name",
             "nationality", "answers", "decision_reason"])
FELLOW = obj({
    "email": STRING, "name": STRING, "country": nullable(STRING), "institution": STRING,
    "modules_done": COUNT, "modules_total": COUNT, "quizzes_passed": COUNT, "quizzes_total": COUNT,
    "completed": {"type": "boolean"},
    "courses": array(obj({"slug": STRING, "modules_done": array(STRING), "complete": {"type": "boolean"}},
                         required=["slug", "modules_done", "complete"])),
}, required=["email", "name", "country", "institution", "modules_done", "modules_total", "quizzes_passed",
             "quizzes_total", "completed", "courses"])


@training_api.endpoint(
    "/sessions", ["GET"], access=ANY_USER, summary="Training sessions (upcoming=1 for open ones)",
    responses={200: "The sessions", 401: "No or bad token"},
    query={"upcoming": QUERY_TEXT}, returns=obj({"sessions": array(SESSION)}, required=["sessions"]),
)
def list_sessions():
    sessions = services.list_sessions(upcoming_only=request.args.get("upcoming") == "1")
    left = services.seats_left_of(sessions)
    return jsonify({"sessions": [session_json(s, left[s.id]) for s in sessions]})


@training_api.endpoint(
    "/sessions", ["POST"], access=("admin",), summary="Create a training session",
    body=SESSION_SCHEMA,
    responses={201: "The session", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               409: "That year and sequence exist", 422: "Invalid fields"},
    returns=SESSION,
)
def create_session():
    return jsonify(session_json(services.create_session(json_body()))), 201


@training_api.endpoint(
    "/sessions/<int:session_id>", ["GET"], access=ANY_USER, summary="A training session",
    responses={200: "The session", 401: "No or bad token", 404: "Unknown"},
    returns=SESSION,
)
def get_session(session_id: int):
    return jsonify(session_json(services.session_for(session_id, current_api_user())))


@training_api.endpoint(
    "/applications/<int:application_id>/decision", ["POST"], access=("admin",),
    summary="Accept, waitlist or reject an application; a rejection may carry a reason the applicant reads",
    body=obj({"decision": enum_of(ApplicationDecision), "reason": text(2000)}, required=["decision"],
             additional=False),
    responses={200: "{status}", 401: "No or bad token", 403: "Not an admin", 404: "Unknown",
               409: "The session is full, or the application withdrawn", 422: "Unknown decision"},
    returns=APPLICATION,
)
def decide(application_id: int):
    data = json_body()
    application = services.decide(services.application_for(application_id, current_api_user(), "decide"),
                                  str(data.get("decision") or ""), current_api_user(), str(data.get("reason") or ""))
    return jsonify(application_json(application))


@training_api.endpoint(
    "/applications/<int:application_id>/withdraw", ["POST"], access=("trainee", "admin"),
    summary="Withdraw an application (the applicant or an admin); frees the seat",
    responses={200: "{status: withdrawn}", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "Already withdrawn or rejected"},
    returns=APPLICATION,
)
def withdraw(application_id: int):
    application = services.withdraw(services.application_for(application_id, current_api_user()), current_api_user())
    return jsonify(application_json(application))


@training_api.endpoint(
    "/sessions/<int:session_id>/enrolments", ["POST"], access=("admin",),
    summary="Bulk enrolment: a CSV body (email,name,country,partner); all rows or none",
    body={"type": "string", "minLength": 1, "pattern": TEXT_PATTERN}, body_type="text/csv",
    responses={201: "{enrolled, invited}", 400: "No CSV body", 401: "No or bad token",
               403: "Not an admin", 404: "Unknown session", 409: "Session closed",
               413: "More than 2 MB", 422: "Problems, each with its line"},
    returns=obj({"enrolled": array(STRING), "invited": array(STRING)}, required=["enrolled", "invited"]),
)
def enrol(session_id: int):
    data = request.get_data()
    if not data:
        raise BadRequest("Send the CSV as the request body (Content-Type: text/csv).")
    result = enrol_csv(services.session_for(session_id, current_api_user(), "manage"), data, current_api_user())
    return jsonify({"enrolled": [u.email for u in result.enrolled],
                    "invited": [u.email for u in result.invited]}), 201


@training_api.endpoint(
    "/sessions/<int:session_id>/cohort", ["GET"], access=ANY_USER,
    summary="The cohort: every fellow with progress and completion (Accept: text/csv for CSV)",
    responses={200: "{fellows}, or the CSV", 401: "No or bad token", 403: "Not teaching this session",
               404: "Unknown session"},
    produces=("application/json", "text/csv"),
    returns=obj({"session": ID, "fellows": array(FELLOW)}, required=["session", "fellows"]),
)
def cohort(session_id: int):
    session = services.session_for(session_id, current_api_user(), "cohort")
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(cohort_csv(session), f"cohort-{session.code}.csv", byte_order_mark=False)
    return jsonify({"session": session.id,
                    "fellows": [fellow_json(f) for f in cohort_progress(session)]})


@training_api.endpoint(
    "/sessions/<int:session_id>/gradebook", ["GET"], access=ANY_USER,
    summary="The session's gradebook: fellows × quizzes (best attempt) and assignments (Accept: text/csv for CSV)",
    responses={200: "The gradebook (JSON or CSV)", 401: "No or bad token",
               403: "Not teaching this session", 404: "Unknown session"},
    produces=("application/json", "text/csv"),
    returns=obj({
        "session": ID,
        "quizzes": array(obj({"id": ID, "title": STRING, "pass_mark": NUMBER}, required=["id", "title", "pass_mark"])),
        "fellows": array(obj({
            "email": STRING, "name": STRING, "completed": {"type": "boolean"},
            "grades": array(nullable(obj({"percent": nullable(NUMBER), "passed": nullable({"type": "boolean"}),
                                          "pending_grading": {"type": "boolean"}, "attempts": COUNT,
                                          "attempt": nullable(ID)},
                                         required=["percent", "passed", "pending_grading", "attempts"]))),
            "columns": array(nullable(obj({"state": STRING, "points": nullable(NUMBER), "submission": nullable(ID)},
                                          required=["state", "points", "submission"]))),
        }, required=["email", "name", "completed", "grades", "columns"])),
        "columns": array(obj({"kind": STRING, "id": nullable(ID), "title": STRING, "max": nullable(NUMBER)},
                             required=["kind", "id", "title", "max"])),
    }, required=["session", "quizzes", "fellows", "columns"]),
)
def gradebook(session_id: int):
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        session = services.session_for(session_id, current_api_user(), "gradebook")
        return csv_response(gradebook_csv(session), f"gradebook-{session.code}.csv", byte_order_mark=False)
    body = kept_page(lambda: _gradebook_json(session_id), current_api_user())
    return current_app.response_class(body, mimetype="application/json")


def _gradebook_json(session_id: int) -> str:
    session = services.session_for(session_id, current_api_user(), "gradebook")
    quizzes, rows = gradebook_rows(session)
    # Columns other domains add (assignments: points, or "pending" while the work waits).
    columns = extra_columns(session, [f.user.id for f, _cells in rows])

    def cell_json(cell):
        return None if cell is None else {"state": cell.state, "points": cell.value, "submission": cell.id}

    return current_app.json.dumps({
        "session": session.id,
        "quizzes": [{"id": q.id, "title": q.title, "pass_mark": q.pass_mark} for q in quizzes],
        "columns": [{"kind": c.kind, "id": c.id, "title": c.title, "max": c.maximum} for c in columns],
        "fellows": [{"email": f.user.email, "name": f.user.name, "completed": f.completed,
                     "grades": [None if c is None else {"percent": c.percent, "passed": c.passed,
                                                        "pending_grading": c.pending, "attempts": c.attempts,
                                                        "attempt": c.attempt_id}
                                for c in cells],
                     "columns": [cell_json(column.cells.get(f.user.id)) for column in columns]} for f, cells in rows],
    })
