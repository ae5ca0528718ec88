"""Admissions behind JSON: applying with the session's questions (JSON, or multipart with
files), an application's files, reviewers' scores, the admins' list and its CSV."""

import io
import json

from flask import jsonify, request, send_file

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import (
    COUNT,
    COUNTRY,
    DATE_TIME,
    ID,
    QUERY_TEXT,
    STRING,
    array,
    line,
    nullable,
    obj,
    text,
)
from ..errors import Invalid
from ..filetypes import KINDS
from ..spreadsheets import csv_response
from ..training import services as training
from ..training.api import APPLICATION, QUESTION
from ..training.serializers import application_json
from . import reviews, services
from .questions import file_questions

admissions_api = ApiBlueprint("admissions_api", __name__)

NUMBER = {"type": "number"}
APPLY = obj({"motivation": text(5000, 20), "passport_name": line(200), "nationality": nullable(COUNTRY),
             "country": nullable(COUNTRY), "institution": line(200),
             "answers": {"type": "object", "additionalProperties": text(5000), "maxProperties": 20}},
            required=["motivation"], additional=False)
REVIEW = obj({"score": {"type": "integer", "minimum": 1, "maximum": 5}, "note": STRING,
              "reviewer": STRING, "updated_at": DATE_TIME}, required=["score", "note", "reviewer", "updated_at"])
LISTED = obj({**APPLICATION["properties"], "name": STRING, "files": obj({}),
              "mean_score": nullable(NUMBER), "reviews": COUNT, "my_score": nullable(COUNT)},
             required=[*APPLICATION["required"], "name", "files", "mean_score", "reviews", "my_score"])
# What is not understood is left out, as on the page: status (a state), country (a code),
# q (name, email, institution, passport name), scored (scored, unscored, unscored-by-me),
# sort (applied, score, name, country).
LIST_QUERY = {name: QUERY_TEXT for name in ("status", "country", "q", "scored", "sort")}


def _multipart(session) -> tuple[dict, dict[str, services.Upload]]:
    """The multipart form's fields: ``answers`` is the JSON object as text; each file is the
    field named by its question's id."""
    data: dict = {k: request.form.get(k) for k in ("motivation", "passport_name", "nationality", "country",
                                                     "institution") if request.form.get(k) is not None}
    raw = request.form.get("answers")
    if raw:
        try:
            data["answers"] = json.loads(raw)
        except ValueError as exc:
            raise Invalid(details=[{"field": "answers", "message": "Not JSON: send the answers as a JSON object."}]) \
                from exc
    uploads = {}
    for question in file_questions(session.questions):
        storage = request.files.get(question["id"])
        if storage is not None:
            limit = question.get("max_megabytes", 5) * 2**20
            uploads[question["id"]] = services.Upload(storage.filename or question["id"],
                                                      storage.stream.read(limit + 1))
    for name in request.files:
        uploads.setdefault(name, services.Upload(name, b"-"))  # a file no question asks for: refused
    return data, uploads


@admissions_api.endpoint(
    "/sessions/<int:session_id>/applications", ["POST"], access=("trainee",),
    summary="Apply to a session: JSON {motivation, passport_name, nationality, answers: {<id>: value}}, "
            "or multipart/form-data with the same fields, answers as JSON text and each file as the field "
            "named by its question's id",
    body=APPLY, multipart_too=True,
    responses={201: "{id, status: applied}", 401: "No or bad token", 403: "Not a fellow",
               404: "Unknown session", 409: "Applied already, outside the window or closed",
               422: "Invalid fields: each answer named answers.<id>"},
    returns=APPLICATION,
)
def apply(session_id: int):
    session = training.session_for(session_id, current_api_user())
    if request.mimetype == "multipart/form-data":
        data, uploads = _multipart(session)
    else:
        data, uploads = json_body(), {}
    application = services.apply(session, current_api_user(), data, uploads)
    return jsonify(application_json(application)), 201


@admissions_api.endpoint(
    "/sessions/<int:session_id>/applications", ["GET"], access=("admin",),
    summary="The session's applications with files and scores, filtered (status, country, q, scored: scored | "
            "unscored | unscored-by-me) and sorted (sort: applied | score | name | country); Accept: text/csv for CSV",
    query=LIST_QUERY, produces=("application/json", "text/csv"),
    responses={200: "{applications}, or the CSV", 401: "No or bad token", 403: "Not an admin",
               404: "Unknown session"},
    returns=obj({"session": ID, "questions": array(QUESTION), "applications": array(LISTED)},
                required=["session", "questions", "applications"]),
)
def list_applications(session_id: int):
    session = training.session_for(session_id, current_api_user(), "manage")
    rows = services.application_rows(session, current_api_user(), services.Filters.from_args(request.args))
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(services.applications_csv(session, rows), f"applications-{session.code}.csv",
                            byte_order_mark=False)
    return jsonify({"session": session.id, "questions": session.questions or [], "applications": [
        {**application_json(r.application), "name": r.application.user.name,
         "files": {qid: {"name": f.name, "content_type": f.content_type, "size": f.size}
                   for qid, f in r.files.items()},
         "mean_score": r.reviews.mean, "reviews": r.reviews.count,
         "my_score": r.reviews.mine.score if r.reviews.mine else None} for r in rows]})


@admissions_api.endpoint(
    "/applications/<int:application_id>/files/<question_id>", ["GET"], access=ANY_USER,
    summary="A file answered in an application (the applicant and admins), as an attachment",
    produces=tuple(dict.fromkeys(kind.content_type for kind in KINDS.values())),
    responses={200: "The file", 401: "No or bad token", 403: "Not yours", 404: "Unknown, or no such file"},
)
def application_file(application_id: int, question_id: str):
    found = services.file_for(application_id, question_id, current_api_user())
    response = send_file(io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _review_json(review) -> dict:
    return {"score": review.score, "note": review.note,
            "reviewer": review.reviewer.email if getattr(review, "reviewer", None) else "",
            "updated_at": review.updated_at.isoformat()}


@admissions_api.endpoint(
    "/applications/<int:application_id>/review", ["PUT"], access=("admin",),
    summary="Your own score (1 to 5) and private note on an application; changed as often as you like",
    body=obj({"score": {"type": "integer", "minimum": 1, "maximum": 5}, "note": text(5000)},
             required=["score"], additional=False),
    responses={200: "Your review", 401: "No or bad token", 403: "Not an admin", 404: "Unknown",
               422: "Invalid fields"},
    returns=REVIEW,
)
def review(application_id: int):
    data = json_body()
    application = training.application_for(application_id, current_api_user(), "review")
    found = reviews.record(application, current_api_user(), data.get("score"), data.get("note"))
    found.reviewer = current_api_user()  # type: ignore[attr-defined]
    return jsonify(_review_json(found))


@admissions_api.endpoint(
    "/applications/<int:application_id>/reviews", ["GET"], access=("admin",),
    summary="Every reviewer's score and note on an application, and the mean (admins)",
    responses={200: "{mean_score, reviews}", 401: "No or bad token", 403: "Not an admin", 404: "Unknown"},
    returns=obj({"application": ID, "mean_score": nullable(NUMBER), "count": COUNT, "reviews": array(REVIEW)},
                required=["application", "mean_score", "count", "reviews"]),
)
def list_reviews(application_id: int):
    application = training.application_for(application_id, current_api_user(), "review")
    found = reviews.reviews_of([application.id], current_api_user())[application.id]
    return jsonify({"application": application.id, "mean_score": found.mean, "count": found.count,
                    "reviews": [_review_json(r) for r in found.reviews]})


@admissions_api.endpoint(
    "/sessions/<int:session_id>/questions", ["PUT"], access=("admin",),
    summary="Change a session's application questions (a question already answered keeps its id and kind)",
    body=obj({"questions": {"type": "array", "maxItems": 20, "items": {"type": "object"}}},
             required=["questions"], additional=False),
    responses={200: "{questions}", 401: "No or bad token", 403: "Not an admin", 404: "Unknown session",
               422: "Invalid questions: details name each place, questions[2].choices"},
    returns=obj({"session": ID, "questions": array(QUESTION)}, required=["session", "questions"]),
)
def put_questions(session_id: int):
    session = training.session_for(session_id, current_api_user(), "manage")
    session.questions = services.session_questions(json_body().get("questions"), session)
    return jsonify({"session": session.id, "questions": session.questions})
