"""A session's schedule and attendance behind JSON."""

from flask import jsonify

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, ID, STRING, array, enum_of, line, nullable, obj, text
from . import services
from .models import EventKind, Presence
from .serializers import attendance_json, event_json

schedule_api = ApiBlueprint("schedule_api", __name__)

EVENT = obj({
    "id": ID, "session": ID, "title": STRING, "kind": enum_of(EventKind), "starts_at": DATE_TIME,
    "ends_at": DATE_TIME, "place": STRING, "description": STRING, "sequence": COUNT,
    "cancelled": {"type": "boolean"}, "url": STRING, "quiz": nullable(ID),
}, required=["id", "session", "title", "kind", "starts_at", "ends_at", "place", "description", "sequence",
             "cancelled", "url", "quiz"])
EVENT_FIELDS = {"title": line(200, 1), "kind": enum_of(EventKind), "starts_at": DATE_TIME,
                "ends_at": nullable(DATE_TIME), "place": line(200), "description": text(10_000),
                "quiz": nullable(ID)}
ATTENDANCE = obj({
    "event": ID,
    "attendance": {"type": "object", "additionalProperties": nullable(enum_of(Presence))},
}, required=["event", "attendance"])


@schedule_api.endpoint(
    "/sessions/<int:session_id>/events", ["POST"], access=ANY_USER,
    summary="Add an event to a session's schedule (its instructors and admins)",
    body=obj(EVENT_FIELDS, required=["title", "kind", "starts_at"], additional=False),
    responses={201: "The event", 400: "Malformed", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown session", 422: "Invalid fields"},
    returns=EVENT,
)
def create_event(session_id: int):
    user = current_api_user()
    session = services.schedule_for(session_id, user, "plan")
    return jsonify(event_json(services.create_event(session, user, json_body()))), 201


@schedule_api.endpoint(
    "/sessions/<int:session_id>/events", ["GET"], access=ANY_USER,
    summary="A session's schedule (its fellows, instructors and admins)",
    responses={200: "{events}", 401: "No or bad token", 403: "Not one of the session's people",
               404: "Unknown session"},
    returns=obj({"events": array(EVENT)}, required=["events"]),
)
def list_events(session_id: int):
    session = services.schedule_for(session_id, current_api_user())
    quizzes = services.session_quizzes(session)
    events = services.session_events(session, include_cancelled=True)
    return jsonify({"events": [event_json(e, quizzes) for e in events]})


@schedule_api.endpoint(
    "/events/<int:event_id>", ["GET"], access=ANY_USER, summary="One event",
    responses={200: "The event", 401: "No or bad token", 403: "Not one of the session's people", 404: "Unknown"},
    returns=EVENT,
)
def get_event(event_id: int):
    return jsonify(event_json(services.event_for(event_id, current_api_user())))


@schedule_api.endpoint(
    "/events/<int:event_id>", ["PATCH"], access=ANY_USER,
    summary="Change an event (calendars see the same UID with a higher SEQUENCE)",
    body=obj(EVENT_FIELDS, additional=False),
    responses={200: "The event", 400: "Malformed", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown", 422: "Invalid fields"},
    returns=EVENT,
)
def update_event(event_id: int):
    event = services.event_for(event_id, current_api_user(), "plan")
    return jsonify(event_json(services.update_event(event, json_body())))


@schedule_api.endpoint(
    "/events/<int:event_id>", ["DELETE"], access=ANY_USER,
    summary="Cancel an event (kept, shown cancelled in calendars)",
    responses={200: "The cancelled event", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown"},
    returns=EVENT,
)
def cancel_event(event_id: int):
    event = services.event_for(event_id, current_api_user(), "plan")
    return jsonify(event_json(services.cancel_event(event)))


@schedule_api.endpoint(
    "/events/<int:event_id>/attendance", ["PUT"], access=ANY_USER,
    summary="Take attendance at a lecture or field trip: {attendance: {email: present|absent|excused}}",
    body=obj({"attendance": {"type": "object", "maxProperties": 2000,
                             "additionalProperties": enum_of(Presence)}},
             required=["attendance"], additional=False),
    responses={200: "The event's attendance", 400: "Malformed", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown event",
               422: "Not a fellow of the session, a wrong mark, or not an on-site event"},
    returns=ATTENDANCE,
)
def put_attendance(event_id: int):
    user = current_api_user()
    event = services.event_for(event_id, user, "plan")
    services.record_attendance(event, json_body()["attendance"], user)
    return jsonify(attendance_json(event, services.session_of(event)))


@schedule_api.endpoint(
    "/events/<int:event_id>/attendance", ["GET"], access=ANY_USER,
    summary="An event's attendance, by fellow's email (null: not marked)",
    responses={200: "The event's attendance", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown event"},
    returns=ATTENDANCE,
)
def get_attendance(event_id: int):
    event = services.event_for(event_id, current_api_user(), "plan")
    return jsonify(attendance_json(event, services.session_of(event)))
