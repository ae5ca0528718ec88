"""Training sessions behind JSON: sessions, applications, enrolment, cohort."""

from flask import jsonify, request

from ..accounts.access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..errors import BadRequest
from ..spreadsheets import csv_response
from . import services
from .enrolment import enrol_csv
from .exports import cohort_csv
from .progress import cohort_progress
from .serializers import application_json, fellow_json, session_json

training_api = ApiBlueprint("training_api", __name__)

_DATE = {"type": "string", "format": "date"}
SESSION_SCHEMA = {
    "type": "object",
    "required": ["title", "year", "starts_on", "ends_on"],
    "properties": {
        "title": {"type": "string"}, "year": {"type": "integer"},
        "sequence": {"enum": [1, 2]}, "starts_on": _DATE, "ends_on": _DATE,
        "seats": {"type": "integer", "minimum": 1, "default": 15},
        "courses": {"type": "array", "items": {"type": "string"}},
        "instructors": {"type": "array", "items": {"type": "string", "format": "email"}},
        "applications_open": _DATE, "applications_close": _DATE,
        "place": {"type": "string"}, "description": {"type": "string"},
    },
}


@training_api.endpoint(
    "/sessions", ["GET"], access=ANY_USER, summary="Training sessions (upcoming=1 for open ones)",
    responses={200: "The sessions", 401: "No or bad token"},
)
def list_sessions():
    sessions = services.list_sessions(upcoming_only=request.args.get("upcoming") == "1")
    return jsonify({"sessions": [session_json(s) for s in sessions]})


@training_api.endpoint(
    "/sessions", ["POST"], access=("admin",), summary="Create a training session",
    body=SESSION_SCHEMA,
    responses={201: "The session", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               409: "That year and sequence exist", 422: "Invalid fields"},
)
def create_session():
    return jsonify(session_json(services.create_session(json_body()))), 201


@training_api.endpoint(
    "/sessions/<int:session_id>", ["GET"], access=ANY_USER, summary="A training session",
    responses={200: "The session", 401: "No or bad token", 404: "Unknown"},
)
def get_session(session_id: int):
    return jsonify(session_json(services.get_session(session_id)))


@training_api.endpoint(
    "/sessions/<int:session_id>/applications", ["POST"], access=("trainee",),
    summary="Apply to a session with a motivation statement",
    body={"type": "object", "required": ["motivation"],
          "properties": {"motivation": {"type": "string", "minLength": 20},
                         "country": {"type": "string"}, "institution": {"type": "string"}}},
    responses={201: "{id, status: applied}", 401: "No or bad token", 403: "Not a fellow",
               404: "Unknown session", 409: "Applied already, outside the window or closed",
               422: "Invalid fields"},
)
def apply(session_id: int):
    data = json_body()
    application = services.apply(services.get_session(session_id), current_api_user(),
                                 str(data.get("motivation") or ""), data.get("country"),
                                 str(data.get("institution") or ""))
    return jsonify(application_json(application)), 201


@training_api.endpoint(
    "/applications/<int:application_id>/decision", ["POST"], access=("admin",),
    summary="Accept, waitlist or reject an application",
    body={"type": "object", "required": ["decision"],
          "properties": {"decision": {"enum": ["accept", "waitlist", "reject"]}}},
    responses={200: "{status}", 401: "No or bad token", 403: "Not an admin", 404: "Unknown",
               409: "The session is full, or the application withdrawn", 422: "Unknown decision"},
)
def decide(application_id: int):
    data = json_body()
    application = services.decide(services.get_application(application_id),
                                  str(data.get("decision") or ""), current_api_user())
    return jsonify(application_json(application))


@training_api.endpoint(
    "/applications/<int:application_id>/withdraw", ["POST"], access=("trainee", "admin"),
    summary="Withdraw an application (the applicant or an admin); frees the seat",
    responses={200: "{status: withdrawn}", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "Already withdrawn or rejected"},
)
def withdraw(application_id: int):
    application = services.withdraw(services.get_application(application_id), current_api_user())
    return jsonify(application_json(application))


@training_api.endpoint(
    "/sessions/<int:session_id>/enrolments", ["POST"], access=("admin",),
    summary="Bulk enrolment: a CSV body (email,name,country,partner); all rows or none",
    body={"type": "string"}, body_type="text/csv",
    responses={201: "{enrolled, invited}", 400: "No CSV body", 401: "No or bad token",
               403: "Not an admin", 404: "Unknown session", 409: "Session closed",
               422: "Problems, each with its line"},
)
def enrol(session_id: int):
    data = request.get_data()
    if not data:
        raise BadRequest("Send the CSV as the request body (Content-Type: text/csv).")
    result = enrol_csv(services.get_session(session_id), data, current_api_user())
    return jsonify({"enrolled": [u.email for u in result.enrolled],
                    "invited": [u.email for u in result.invited]}), 201


@training_api.endpoint(
    "/sessions/<int:session_id>/cohort", ["GET"], access=ANY_USER,
    summary="The cohort: every fellow with progress and completion (Accept: text/csv for CSV)",
    responses={200: "{fellows}, or the CSV", 401: "No or bad token", 403: "Not teaching this session",
               404: "Unknown session"},
)
def cohort(session_id: int):
    session = services.session_for_staff(session_id, current_api_user())
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(cohort_csv(session), f"cohort-{session.code}.csv")
    return jsonify({"session": session.id,
                    "fellows": [fellow_json(f) for f in cohort_progress(session)]})
