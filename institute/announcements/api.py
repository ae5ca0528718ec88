"""Announcements behind JSON."""

from flask import jsonify

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import DATE_TIME, ID, STRING, array, line, nullable, obj, text
from . import services
from .models import Announcement
from .services import MAX_BODY

announcements_api = ApiBlueprint("announcements_api", __name__)

ANNOUNCEMENT = obj({"id": ID, "session": ID, "title": STRING, "body": STRING, "html": STRING,
                    "author": nullable(STRING), "created_at": DATE_TIME},
                   required=["id", "session", "title", "body", "html", "author", "created_at"])


def announcement_json(announcement: Announcement) -> dict:
    return {"id": announcement.id, "session": announcement.session_id, "title": announcement.title,
            "body": announcement.body, "html": announcement.html,
            "author": announcement.author.name if announcement.author else None,
            "created_at": announcement.created_at.isoformat()}


@announcements_api.endpoint(
    "/sessions/<int:session_id>/announcements", ["POST"], access=ANY_USER,
    summary="Announce to a session's cohort, in Markdown; each fellow gets it by email",
    body=obj({"title": line(200, 1), "body": text(MAX_BODY, 1)}, required=["title", "body"], additional=False),
    responses={201: "The announcement", 400: "Malformed", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown session", 422: "Invalid fields"},
    returns=ANNOUNCEMENT,
)
def post_announcement(session_id: int):
    user = current_api_user()
    session = services.announcements_for(session_id, user, "post")
    data = json_body()
    return jsonify(announcement_json(services.post(session, user, data["title"], data["body"]))), 201


@announcements_api.endpoint(
    "/sessions/<int:session_id>/announcements", ["GET"], access=ANY_USER,
    summary="A session's announcements, newest first (its fellows, instructors and admins)",
    responses={200: "{announcements}", 401: "No or bad token", 403: "Not one of the session's people",
               404: "Unknown session"},
    returns=obj({"announcements": array(ANNOUNCEMENT)}, required=["announcements"]),
)
def list_announcements(session_id: int):
    session = services.announcements_for(session_id, current_api_user())
    return jsonify({"announcements": [announcement_json(a) for a in services.of_session(session)]})
