"""Assignments behind JSON: submitting (multipart ``file`` and/or ``text``), reading a
submission and its file, the graders' list, and grading per rubric criterion."""

from flask import jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, EMAIL, ID, STRING, array, nullable, obj, query_number, text
from ..door import query_int
from ..filetypes import KINDS
from . import services
from .downloads import file_response
from .serializers import assignment_json, submission_json

assignments_api = ApiBlueprint("assignments_api", __name__)

NUMBER = {"type": "number"}
RUBRIC = array(obj({"criterion": STRING, "points": ID}, required=["criterion", "points"]))
ASSIGNMENT = obj({
    "id": ID, "title": STRING, "file": STRING, "course": STRING, "revision": ID, "after": nullable(STRING),
    "pass_mark": NUMBER, "max_points": COUNT, "max_megabytes": ID, "rubric": RUBRIC, "instructions_html": STRING,
}, required=["id", "title", "course", "pass_mark", "max_points", "max_megabytes", "rubric", "instructions_html"])
SUBMISSION = obj({
    "id": ID, "assignment": ID, "title": STRING, "session": ID,
    "fellow": obj({"id": ID, "name": STRING, "email": EMAIL}, required=["id", "name", "email"]),
    "text": STRING,
    "file": nullable(obj({"name": STRING, "content_type": STRING, "size": COUNT, "url": STRING},
                         required=["name", "content_type", "size", "url"])),
    "submitted_at": DATE_TIME, "times": ID, "graded": {"type": "boolean"},
    "scores": nullable({"type": "object", "additionalProperties": NUMBER}),
    "total": nullable(NUMBER), "max_points": COUNT, "pass_mark": NUMBER,
    "passed": nullable({"type": "boolean"}), "feedback": STRING, "graded_at": nullable(DATE_TIME),
}, required=["id", "assignment", "session", "fellow", "text", "file", "submitted_at", "graded", "scores",
             "total", "passed", "feedback"])


@assignments_api.endpoint(
    "/assignments/<int:assignment_id>", ["GET"], access=ANY_USER,
    summary="An assignment: its instructions, rubric and pass mark, and your own submission if any",
    responses={200: "{assignment, submission}", 401: "No or bad token", 404: "Unknown assignment"},
    returns=obj({"assignment": ASSIGNMENT, "submission": nullable(SUBMISSION)},
                required=["assignment", "submission"]),
)
def get_assignment(assignment_id: int):
    assignment = services.assignment_for(assignment_id, current_api_user())
    mine = services.submission_of(current_api_user(), assignment)
    return jsonify({"assignment": assignment_json(assignment),
                    "submission": submission_json(mine) if mine else None})


@assignments_api.endpoint(
    "/assignments/<int:assignment_id>/submissions", ["POST"], access=("trainee",),
    summary="Submit (or submit again until graded) multipart fields 'file' (PDF, DOCX, ODT, PNG or JPEG, "
            "checked by its content, up to the assignment's max_megabytes) and/or 'text'; a graded submission "
            "is final. Each new submission replaces the last",
    body=obj({"file": {"type": "string", "format": "binary"}, "text": text(services.MAX_TEXT)}, additional=False),
    body_type="multipart/form-data",
    responses={201: "The submission, first sent", 200: "The submission, sent again", 401: "No or bad token",
               403: "Not a fellow of a session with the course", 404: "Unknown assignment",
               409: "Graded already", 413: "Too large", 422: "No text nor file, a file of the wrong kind "
               "or too large"},
    returns=SUBMISSION,
)
def submit(assignment_id: int):
    assignment = services.assignment_for(assignment_id, current_api_user(), "submit")
    storage = request.files.get("file")
    upload = None
    if storage is not None:
        upload = services.Upload(storage.filename or "file",
                                 storage.stream.read(services.max_bytes(assignment) + 1))
    before = services.submission_of(current_api_user(), assignment)
    submission = services.submit(assignment, current_api_user(), request.form.get("text"), upload)
    return jsonify(submission_json(submission)), 200 if before is not None else 201


@assignments_api.endpoint(
    "/assignments/<int:assignment_id>/submissions", ["GET"], access=("instructor", "admin"),
    summary="The submissions to an assignment that you grade (an instructor: those of the sessions you teach; "
            "session: only that session's)",
    query={"session": query_number(1)},
    responses={200: "{assignment, submissions}", 401: "No or bad token", 403: "Not an instructor or admin",
               404: "Unknown assignment"},
    returns=obj({"assignment": ID, "submissions": array(SUBMISSION)}, required=["assignment", "submissions"]),
)
def list_submissions(assignment_id: int):
    assignment = services.assignment_for(assignment_id, current_api_user())
    session = query_int("session", low=1)
    rows = services.submissions_for_grader(assignment, current_api_user(), session)
    return jsonify({"assignment": assignment.id, "submissions": [submission_json(s) for s in rows]})


@assignments_api.endpoint(
    "/submissions/<int:submission_id>", ["GET"], access=ANY_USER,
    summary="A submission: its fellow, and the instructors of their session and admins",
    responses={200: "The submission, with its scores and feedback once graded", 401: "No or bad token",
               403: "Not yours to see", 404: "Unknown"},
    returns=SUBMISSION,
)
def get_submission(submission_id: int):
    return jsonify(submission_json(services.submission_for(submission_id, current_api_user())))


@assignments_api.endpoint(
    "/submissions/<int:submission_id>/file", ["GET"], access=ANY_USER,
    summary="A submission's file (its fellow, the instructors of their session, admins), as an attachment",
    produces=tuple(dict.fromkeys(KINDS[k].content_type for k in services.ACCEPTED)),
    responses={200: "The file", 401: "No or bad token", 403: "Not yours to see", 404: "Unknown, or no file"},
)
def submission_file(submission_id: int):
    return file_response(services.submission_for(submission_id, current_api_user()))


@assignments_api.endpoint(
    "/submissions/<int:submission_id>/grade", ["POST"], access=("instructor", "admin"),
    summary="Grade a submission per rubric criterion: {scores: {<criterion>: points}, feedback}; each criterion "
            "from 0 to its points; passed when the total reaches the pass mark. A grade may be corrected",
    body=obj({"scores": {"type": "object", "maxProperties": 50, "additionalProperties": NUMBER},
              "feedback": text(services.MAX_FEEDBACK)}, required=["scores"], additional=False),
    responses={200: "The graded submission", 401: "No or bad token",
               403: "Not an instructor of the fellow's session", 404: "Unknown",
               422: "A criterion missing, unknown or out of its range"},
    returns=SUBMISSION,
)
def grade(submission_id: int):
    data = json_body()
    submission = services.submission_for(submission_id, current_api_user(), "grade")
    services.grade(submission, current_api_user(), data.get("scores"), data.get("feedback"))
    return jsonify(submission_json(submission))

