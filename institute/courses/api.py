"""The course library behind JSON."""

from flask import Response, jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, ID, QUERY_TEXT, STRING, array, nullable, obj, query_number, text
from ..door import query_int
from ..errors import BadRequest
from . import services
from .serializers import course_json, course_summary_json, module_json

courses_api = ApiBlueprint("courses_api", __name__)

_STATUS = {"enum": ["published", "draft"]}
COURSE_SUMMARY = obj({
    "slug": STRING, "title": STRING, "partner": STRING, "language": STRING, "license": STRING,
    "authors": array(STRING), "version": STRING, "summary": STRING, "topics": array(STRING),
    "hours": nullable({"type": "number"}), "revision": ID, "status": _STATUS, "derived_from": nullable(STRING),
    "translation_of": nullable(STRING),
}, required=["slug", "title", "partner", "language", "license", "authors", "version", "summary", "topics",
             "hours", "revision", "status", "derived_from", "translation_of"])
QUIZ = obj({"id": ID, "title": STRING, "file": STRING, "after": nullable(STRING), "pass_mark": {"type": "number"},
            "max_attempts": COUNT, "time_limit_minutes": nullable(COUNT), "shuffle": {"type": "boolean"},
            "questions": COUNT},
           required=["id", "title", "file", "after", "pass_mark", "max_attempts", "time_limit_minutes",
                     "shuffle", "questions"])
COURSE = {**COURSE_SUMMARY, "properties": {
    **COURSE_SUMMARY["properties"],
    "modules": array(obj({"slug": STRING, "title": STRING, "minutes": nullable(COUNT), "position": COUNT},
                         required=["slug", "title", "minutes", "position"])),
    "quizzes": array(QUIZ),
    "revision_info": obj({"number": ID, "status": _STATUS, "author": nullable(STRING), "message": STRING,
                          "created_at": DATE_TIME, "published_at": nullable(DATE_TIME), "content_hash": STRING},
                         required=["number", "status", "author", "message", "created_at", "published_at",
                                   "content_hash"]),
}, "required": [*COURSE_SUMMARY["required"], "modules", "quizzes", "revision_info"]}
REVISION_STATE = obj({"slug": STRING, "revision": ID, "status": _STATUS}, required=["slug", "revision", "status"])
REVISION_QUERY = {"revision": query_number(1)}


@courses_api.endpoint(
    "/courses", ["GET"], access=ANY_USER,
    summary="Courses visible to the caller (filters: q, partner, language, topic, drafts=1)",
    responses={200: "The courses", 401: "No or bad token"},
    query={name: QUERY_TEXT for name in ("q", "partner", "language", "topic", "drafts")},
    returns=obj({"courses": array(COURSE_SUMMARY)}, required=["courses"]),
)
def list_courses():
    args = request.args
    rows = services.catalogue(current_api_user(), args.get("q", ""), args.get("partner", ""),
                              args.get("language", ""), args.get("topic", ""),
                              include_drafts=args.get("drafts") == "1")
    return jsonify({"courses": [course_summary_json(c, r) for c, r in rows]})


@courses_api.endpoint(
    "/courses", ["POST"], access=("partner", "admin"),
    summary="Upload a course bundle (multipart field 'bundle', a zip); creates a draft revision",
    body=obj({"bundle": {"type": "string", "format": "binary", "contentMediaType": "application/zip"},
              "message": text(10_000)}, required=["bundle"], additional=False),
    body_type="multipart/form-data",
    responses={201: "{slug, revision, status}", 200: "Unchanged: {slug, revision, status}",
               400: "No bundle", 401: "No or bad token", 403: "Not your institution's course",
               413: "Too large", 422: "Problems, each with file and line"},
    returns={**REVISION_STATE, "properties": {**REVISION_STATE["properties"], "created": {"type": "boolean"}},
             "required": [*REVISION_STATE["required"], "created"]},
)
def upload_course():
    upload = request.files.get("bundle")
    if upload is None:
        raise BadRequest("Send the bundle as the multipart field 'bundle'.")
    result = services.upload(services.read_upload(upload, upload.filename or ""), current_api_user(),
                             request.form.get("message", ""))
    body = {"slug": result.course.slug, "revision": result.revision.number,
            "status": result.status, "created": result.created}
    return jsonify(body), 201 if result.created else 200


@courses_api.endpoint(
    "/courses/<slug>", ["GET"], access=ANY_USER,
    summary="A course with its modules and quizzes (ids)",
    responses={200: "The course", 401: "No or bad token", 404: "Unknown or not visible"},
    query=REVISION_QUERY, returns=COURSE,
)
def get_course(slug: str):
    revision = services.with_outline(services.revision_for(slug, current_api_user(), "read",
                                                           query_int("revision", low=1)))
    return jsonify(course_json(revision.course, revision))


@courses_api.endpoint(
    "/courses/<slug>/publish", ["POST"], access=("instructor", "admin"),
    summary="Publish the newest revision",
    responses={200: "{slug, revision, status}", 401: "No or bad token", 403: "Not a reviewer",
               404: "Unknown course", 409: "Already published"},
    returns=REVISION_STATE,
)
def publish_course(slug: str):
    course = services.get_course(slug)
    revision = services.publish(course, current_api_user())
    return jsonify({"slug": course.slug, "revision": revision.number, "status": "published"})


@courses_api.endpoint(
    "/courses/<slug>/modules/<module>", ["GET"], access=ANY_USER,
    summary="A module: {slug, title, html}",
    responses={200: "The module", 401: "No or bad token", 404: "Unknown"},
    returns=obj({"slug": STRING, "title": STRING, "minutes": nullable(COUNT), "html": STRING},
                required=["slug", "title", "minutes", "html"]),
)
def get_module(slug: str, module: str):
    page = services.module_page(slug, module, current_api_user())
    return jsonify(module_json(page.module))


@courses_api.endpoint(
    "/courses/<slug>/modules/<module>/complete", ["POST"], access=("trainee",),
    summary="Mark a module as done",
    responses={200: "Done", 401: "No or bad token", 403: "Not a fellow", 404: "Unknown"},
    returns=obj({"slug": STRING, "module": STRING, "completed_at": DATE_TIME},
                required=["slug", "module", "completed_at"]),
)
def complete_module(slug: str, module: str):
    completion = services.mark_done(current_api_user(), services.get_course(slug), module)
    return jsonify({"slug": slug, "module": module,
                    "completed_at": completion.completed_at.isoformat()})


@courses_api.endpoint(
    "/courses/<slug>/bundle", ["GET"], access=ANY_USER,
    summary="The course as a zip bundle (the newest revision the caller may see; partner staff, "
            "instructors and admins)",
    responses={200: "The zip", 401: "No or bad token", 403: "No role that downloads bundles",
               404: "Unknown"},
    produces="application/zip", query=REVISION_QUERY,
)
def download_bundle(slug: str):
    revision = services.revision_for(slug, current_api_user(), "export", query_int("revision", low=1))
    return Response(services.export_bundle(revision.course, revision), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.zip"'})


REVIEW = obj({"slug": STRING, "revision": ID, "status": {"enum": ["changes-requested"]},
              "comment": STRING, "author": STRING, "created_at": DATE_TIME},
             required=["slug", "revision", "status", "comment", "author", "created_at"])


@courses_api.endpoint(
    "/courses/<slug>/revisions/<int:number>/request-changes", ["POST"], access=("instructor", "admin"),
    summary="Send the newest draft back to its institution with a comment (kept; they are emailed)",
    body=obj({"comment": text(10_000)}, required=["comment"], additional=False),
    responses={201: "The request for changes", 400: "Malformed", 401: "No or bad token",
               403: "Not a reviewer", 404: "Unknown course or revision",
               409: "Published, superseded or already sent back", 422: "Empty or too long comment"},
    returns=REVIEW,
)
def request_changes(slug: str, number: int):
    user = current_api_user()
    revision = services.revision_for(slug, user, "request-changes", number)
    review = services.request_changes(revision, user, str(json_body().get("comment") or ""))
    return jsonify({"slug": slug, "revision": revision.number, "status": "changes-requested",
                    "comment": review.comment, "author": review.author_name,
                    "created_at": review.created_at.isoformat()}), 201


@courses_api.endpoint(
    "/courses/<slug>/revisions/<int:number>/discard", ["POST"], access=("partner",),
    summary="Discard a draft of your institution's course (never a published revision)",
    responses={200: "{slug, revision, course_kept}", 401: "No or bad token",
               403: "Not your institution's course", 404: "Unknown course or revision",
               409: "Published, or in use"},
    returns=obj({"slug": STRING, "revision": ID, "course_kept": {"type": "boolean"}},
                required=["slug", "revision", "course_kept"]),
)
def discard_revision(slug: str, number: int):
    user = current_api_user()
    revision = services.revision_for(slug, user, "discard", number)
    kept = services.discard(revision, user)
    return jsonify({"slug": slug, "revision": number, "course_kept": kept is not None})


ARCHIVE_STATE = obj({"slug": STRING, "archived": {"type": "boolean"}}, required=["slug", "archived"])


@courses_api.endpoint(
    "/courses/<slug>/archive", ["POST"], access=("admin",),
    summary="Archive a course: listed nowhere, kept whole (its pages still open by address)",
    responses={200: "{slug, archived}", 401: "No or bad token", 403: "Not an admin",
               404: "Unknown course", 409: "Already archived"},
    returns=ARCHIVE_STATE,
)
def archive_course(slug: str):
    user = current_api_user()
    course = services.archive(services.revision_for(slug, user, "archive").course, user)
    return jsonify({"slug": course.slug, "archived": True})


@courses_api.endpoint(
    "/courses/<slug>/restore", ["POST"], access=("admin",),
    summary="Restore an archived course to the catalogue and the lists",
    responses={200: "{slug, archived}", 401: "No or bad token", 403: "Not an admin",
               404: "Unknown course", 409: "Not archived"},
    returns=ARCHIVE_STATE,
)
def restore_course(slug: str):
    user = current_api_user()
    course = services.restore(services.revision_for(slug, user, "archive").course, user)
    return jsonify({"slug": course.slug, "archived": False})
