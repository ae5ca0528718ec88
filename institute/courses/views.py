"""Web pages of the course library: catalogue, course, module, upload, review, diff."""

import mimetypes
from pathlib import PurePosixPath

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, public, roles_required
from ..door import query_int
from ..errors import Conflict, Invalid, NotFound, TooLarge
from ..page_cache import kept_page
from ..web import apply_errors, error_messages, flash_error, wants_json
from . import offline, reading, services, translations, urls
from .forms import AdaptForm, UploadForm

courses = Blueprint("courses", __name__, template_folder="templates")


def _viewer():
    return current_user if current_user.is_authenticated else None


@courses.route("/courses")
@public
def catalogue():
    args = request.args
    drafts = args.get("drafts") == "1"
    rows = services.catalogue(_viewer(), args.get("q", ""), args.get("partner", ""),
                              args.get("language", ""), args.get("topic", ""), drafts)
    entries = services.catalogue_entries(rows, args.get("language", ""), str(get_locale()))
    return render_template("courses/catalogue.html", entries=entries, facets=services.facets(),
                           args=args)


@courses.route("/courses/review")
@roles_required("instructor", "admin")
def review():
    return render_template("courses/review.html", courses=services.review_queue())


@courses.route("/courses/upload", methods=["GET", "POST"])
@roles_required("partner", "admin")
def upload():
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        file = form.bundle.data
        if not file:
            form.bundle.errors = [_("Choose a .zip file of the course folder.")]
        else:
            try:
                result = services.upload(services.read_upload(file, file.filename or ""), current_user,
                                         form.message.data)
            except TooLarge as exc:
                apply_errors(form, exc, "bundle")
            except Invalid as exc:
                problems = exc.details or [{"file": "", "line": None, "message": exc.message}]
            else:
                if result.created:
                    flash(_("Revision %(n)s of %(slug)s is uploaded as a draft; an instructor "
                            "will review and publish it.", n=result.revision.number,
                            slug=result.course.slug), "success")
                else:
                    flash(_("Nothing changed: the content is the same as revision %(n)s.",
                            n=result.revision.number), "info")
                return redirect(url_for("courses.course", slug=result.course.slug))
    status = 422 if problems else 200
    return render_template("courses/upload.html", form=form, problems=problems), status


@courses.route(urls.COURSE)
@public
def course(slug: str):
    asked = query_int("revision", low=1)
    return kept_page(lambda: _course_page(slug, asked))


def _course_page(slug: str, asked: int | None) -> str:
    viewer = _viewer()
    revision = services.with_outline(services.revision_for(slug, viewer, "read", asked))
    course = revision.course
    return render_template(
        "courses/course.html",
        course=course,
        revision=revision,
        revisions=services.revisions_of(course) if services.sees_drafts(viewer, course) else [],
        done=services.done_modules(viewer, course),
        may_publish=services.may_publish(viewer) and course.has_draft,
        may_edit=services.may_edit(viewer, course),
        may_export=services.may_export(viewer),
        may_discard=services.may_discard(viewer, course) and not revision.is_published,
        may_archive=services.may_archive(viewer),
        reviews=services.reviews_of(course) if services.sees_drafts(viewer, course) else [],
        state=services.revision_state(revision),
        also_in=translations.other_versions(course),
        offline_sizes=offline.sizes(revision) if services.may_take_offline(viewer, revision) else None,
        human_size=offline.human_size,
    )


@courses.route(urls.MODULE)
@login_required
def module(slug: str, module: str):
    user = current_user._get_current_object()
    page = services.module_page(slug, module, user, query_int("revision", low=1))
    return reading.module_html(page, user)


@courses.route(urls.MODULE + "/complete", methods=["POST"])
@roles_required("trainee")
def complete(slug: str, module: str):
    services.mark_done(current_user, services.get_course(slug), module)
    if wants_json():  # a mark queued offline, sent by static/offline.js once back online
        return jsonify({"course": slug, "module": module, "done": True})
    page = services.module_page(slug, module, current_user)
    if page.next:
        return redirect(url_for("courses.module", slug=slug, module=page.next[0]))
    flash(_("Module marked as done. You have reached the end of the course."), "success")
    return redirect(url_for("courses.course", slug=slug))


@courses.route(urls.FILE)
@public
def file(slug: str, sha256: str, path: str):
    course = services.get_course(slug)
    data = services.course_file(course, sha256, path, _viewer())
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = Response(data, mimetype=mimetype)
    # The URL names the content: it can be cached for ever. Drafts stay private.
    public_file = course.published is not None and not services.sees_drafts(_viewer(), course)
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if public_file else "private, max-age=3600")
    response.set_etag(sha256)
    if PurePosixPath(path).suffix.lower() == ".svg":
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response.make_conditional(request)


def _diff_page(revision, comment: str = "", problems=(), status: int = 200):
    course = revision.course
    base = services.previous_revision(revision)
    diffs = services.diff_revisions(base, revision)
    latest_draft = revision.id == course.latest_revision_id and course.has_draft
    state = services.revision_state(revision)
    return render_template(
        "courses/diff.html", course=course, revision=revision, base=base, diffs=diffs,
        previews=services.changed_modules(diffs, revision), state=state,
        reviews=[r for r in services.reviews_of(course) if r.revision_id == revision.id],
        may_publish=services.may_publish(current_user) and latest_draft,
        may_request_changes=services.may_request_changes(current_user) and latest_draft
        and state == "draft",
        may_discard=services.may_discard(current_user, course) and not revision.is_published,
        comment=comment, problems=problems), status


@courses.route(urls.COURSE + "/revisions/<int:number>/diff")
@roles_required("partner", "instructor", "admin")
def diff(slug: str, number: int):
    return _diff_page(services.revision_for(slug, current_user, "review", number))


@courses.route(urls.COURSE + "/revisions/<int:number>/request-changes", methods=["POST"])
@roles_required("instructor", "admin")
def request_changes(slug: str, number: int):
    revision = services.revision_for(slug, current_user, "request-changes", number)
    comment = request.form.get("comment", "")
    try:
        services.request_changes(revision, current_user, comment)
    except Invalid as exc:
        return _diff_page(revision, comment, error_messages(exc), 422)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("courses.diff", slug=slug, number=number))
    flash(_("Revision %(n)s is sent back to %(code)s with your comment; its staff are told by email.",
            n=number, code=revision.course.partner.code), "success")
    return redirect(url_for("courses.review"))


@courses.route(urls.COURSE + "/revisions/<int:number>/discard", methods=["GET", "POST"])
@roles_required("partner")
def discard(slug: str, number: int):
    """Discarding asks first: the page says what goes; the button below it discards."""
    revision = services.revision_for(slug, current_user, "discard", number)
    if request.method == "GET":
        return render_template("courses/discard.html", course=revision.course, revision=revision,
                               only=len(services.revisions_of(revision.course)) == 1)
    try:
        kept = services.discard(revision, current_user)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("courses.course", slug=slug, revision=number))
    flash(_("Revision %(n)s of %(slug)s is discarded.", n=number, slug=slug), "success")
    if kept is None:
        return redirect(url_for("courses.catalogue", drafts="1"))
    return redirect(url_for("courses.course", slug=slug))


@courses.route("/courses/archived")
@roles_required("admin")
def archived():
    return render_template("courses/archived.html", courses=services.archived_courses())


@courses.route(urls.COURSE + "/archive", methods=["GET", "POST"])
@roles_required("admin")
def archive(slug: str):
    """Archiving asks first, on a page that says what it does and does not do."""
    course = services.revision_for(slug, current_user, "archive").course
    if request.method == "GET":
        return render_template("courses/archive.html", course=course)
    try:
        services.archive(course, current_user)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("courses.course", slug=slug))
    flash(_("%(slug)s is archived: it is listed nowhere until it is restored.", slug=slug), "success")
    return redirect(url_for("courses.archived"))


@courses.route(urls.COURSE + "/restore", methods=["POST"])
@roles_required("admin")
def restore(slug: str):
    course = services.revision_for(slug, current_user, "archive").course
    try:
        services.restore(course, current_user)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("courses.archived"))
    flash(_("%(slug)s is restored to the catalogue.", slug=slug), "success")
    return redirect(url_for("courses.course", slug=slug))


@courses.route(urls.COURSE + "/publish", methods=["POST"])
@roles_required("instructor", "admin")
def publish(slug: str):
    """Publishing asks first: it is done from the revision's diff, which names the revision
    reviewed; a request without one leads there."""
    course = services.get_course(slug)
    number = request.form.get("revision", type=int)
    if number is None:
        if course.latest is None:
            raise NotFound(_("The course has no revision."))
        return redirect(url_for("courses.diff", slug=slug, number=course.latest.number))
    try:
        revision = services.publish(course, current_user, number)
    except Conflict as exc:
        flash_error(exc)
        if course.latest is None or course.published_revision_id == course.latest_revision_id:
            return redirect(url_for("courses.course", slug=slug))
        return redirect(url_for("courses.diff", slug=slug, number=course.latest.number))
    flash(_("Revision %(n)s of %(slug)s is published.", n=revision.number, slug=slug), "success")
    return redirect(url_for("courses.course", slug=slug))


@courses.route(urls.COURSE + "/offline.zip", defaults={"format": "zip"})
@courses.route(urls.COURSE + "/offline.epub", defaults={"format": "epub"})
@login_required  # who may: services.revision_for(..., "offline")
def offline_pack(slug: str, format: str):
    """The published revision to read without a connection, built once and stored."""
    revision = services.revision_for(slug, current_user, "offline", query_int("revision", low=1))
    pack = offline.pack(revision, format)
    response = Response(pack.data, mimetype=offline.MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{offline.filename(revision, format)}"'})
    # The address serves the next revision once it is published: kept an hour, then asked again.
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.set_etag(pack.sha256)
    return response.make_conditional(request)


@courses.route(urls.COURSE + "/bundle")
@login_required  # the roles that download bundles: services.revision_for, as for the API and the CLI
def bundle(slug: str):
    revision = services.revision_for(slug, current_user, "export", query_int("revision", low=1))
    return Response(services.export_bundle(revision.course, revision), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.zip"'})


@courses.route(urls.COURSE + "/adapt", methods=["GET", "POST"])
@roles_required("partner")
def adapt(slug: str):
    """The adapter chooses the copy's title and slug (offered: ``services.adapt_defaults``)."""
    course = services.get_course(slug)
    defaults = services.adapt_defaults(course, current_user)
    form = AdaptForm(data={"title": defaults.title, "slug": defaults.slug})
    if form.validate_on_submit():
        try:
            result = services.adapt(course, current_user, form.title.data or "", form.slug.data or "")
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your institution's copy %(slug)s is a draft: edit it and upload it back.",
                    slug=result.course.slug), "success")
            return redirect(url_for("courses.course", slug=result.course.slug))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("courses/adapt.html", form=form, course=course), status
