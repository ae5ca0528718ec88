"""Web pages of admissions: applying with the session's questions, the files answered,
the admins' list of applications (filters, sort, CSV), one application's review page."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import login_required, roles_required
from ..accounts.countries import country_choices
from ..errors import Conflict, Invalid
from ..filetypes import KINDS
from ..spreadsheets import csv_response
from ..training import services as training
from ..training.forms import ApplyForm
from ..training.models import ApplicationStatus
from ..training.views import session_page
from ..web import apply_errors, flash_error
from . import reviews, services
from .forms import DecisionForm, ReviewForm
from .questions import file_questions

admissions = Blueprint("admissions", __name__, template_folder="templates")


@admissions.app_template_filter()
def file_suffix(kind: str) -> str:
    """The suffix of a kind of file (pdf → .pdf), for a file input's ``accept``."""
    return KINDS[kind].suffix if kind in KINDS else ""


@admissions.app_template_global()
def application_answers(application):
    """The applicant's answers and files, for the session page (which shows them to the
    applicant only); a global, so training's page needs no import of this package."""
    return services.answers_of(application.session, application,
                               services.files_of([application.id])[application.id])


def page_upload(storage, question: dict) -> services.Upload | None:
    """A file of the form, read up to one byte past its question's limit (more says too large)."""
    if storage is None or not storage.filename:
        return None
    limit = question.get("max_megabytes", 5) * 2**20
    return services.Upload(storage.filename, storage.stream.read(limit + 1))


def split_answer_errors(exc: Invalid) -> tuple[dict[str, list[str]], Invalid | None]:
    """The problems of the questions' answers by question id, and the others."""
    found: dict[str, list[str]] = {}
    rest = []
    for detail in exc.details or []:
        where = str(detail.get("field") or "")
        if where.startswith("answers."):
            found.setdefault(where.removeprefix("answers."), []).append(detail.get("message", ""))
        else:
            rest.append(detail)
    return found, Invalid(details=rest) if rest else None


@admissions.route("/sessions/<int:session_id>/apply", methods=["POST"])
@roles_required("trainee")
def apply(session_id: int):
    session = training.session_for(session_id, current_user)
    form = ApplyForm()
    form.country.choices = country_choices("—")
    form.nationality.choices = country_choices("—")
    answers = {q["id"]: request.form.get(f"answer-{q['id']}", "") for q in session.questions or []
               if q["kind"] != "file"}
    answer_errors: dict[str, list[str]] = {}
    status = 422
    if form.validate_on_submit():
        uploads = {q["id"]: upload for q in file_questions(session.questions)
                   if (upload := page_upload(request.files.get(f"answer-{q['id']}"), q)) is not None}
        data = {"motivation": form.motivation.data, "country": form.country.data, "institution": form.institution.data,
                "passport_name": form.passport_name.data, "nationality": form.nationality.data,
                "answers": {k: v for k, v in answers.items() if v}}
        try:
            services.apply(session, current_user, data, uploads)
        except Invalid as exc:
            answer_errors, rest = split_answer_errors(exc)
            if rest is not None:
                apply_errors(form, rest)
        except Conflict as exc:
            flash_error(exc)
            status = 409
        else:
            flash(_("Your application is received. We will write to you when it is decided."), "success")
            return redirect(url_for("training.session", session_id=session.id))
    return session_page(session, form, status, answer_errors, answers)


@admissions.route("/applications/<int:application_id>/files/<question_id>")
@login_required
def application_file(application_id: int, question_id: str):
    """A file answered in an application, for the applicant and admins, always downloaded."""
    found = services.file_for(application_id, question_id, current_user)
    response = send_file(io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ admins


@admissions.route("/admin/sessions/<int:session_id>/applications", methods=["GET", "POST"])
@roles_required("admin")
def applications(session_id: int):
    session = training.session_for(session_id, current_user, "manage")
    filters = services.Filters.from_args(request.args)
    if request.method == "POST":
        ids = [int(i) for i in request.form.getlist("application") if i.isdigit()]
        decision = request.form.get("decision", "")
        if not ids:
            flash(_("Select at least one application."), "error")
        else:
            try:
                training.decide_many(session, ids, decision, current_user, request.form.get("reason", ""))
            except (Conflict, Invalid) as exc:
                flash_error(exc)
            else:
                flash(ngettext("%(num)d application decided.", "%(num)d applications decided.",
                               len(ids)), "success")
                return redirect(url_for("admissions.applications", session_id=session.id, **filters.args()))
    rows = services.application_rows(session, current_user, filters)
    return render_template("admissions/applications.html", session=session, rows=rows, filters=filters,
                           statuses=list(ApplicationStatus), seats_left=training.seats_left(session),
                           countries=country_choices(_("Any country")))


@admissions.route("/admin/sessions/<int:session_id>/applications.csv")
@roles_required("admin")
def export(session_id: int):
    """The applications as the list shows them (same filters and order), as CSV."""
    session = training.session_for(session_id, current_user, "manage")
    rows = services.application_rows(session, current_user, services.Filters.from_args(request.args))
    return csv_response(services.applications_csv(session, rows), f"applications-{session.code}.csv")


def _review_page(application, review_form: ReviewForm, decision_form: DecisionForm, status: int = 200):
    session = application.session
    files = services.files_of([application.id])[application.id]
    found = reviews.reviews_of([application.id], current_user)[application.id]
    if request.method == "GET" and found.mine is not None:
        review_form.score.data = str(found.mine.score)
        review_form.note.data = found.mine.note
    return render_template("admissions/application.html", session=session, application=application,
                           answers=services.answers_of(session, application, files), reviews=found,
                           review_form=review_form, decision_form=decision_form), status


@admissions.route("/admin/applications/<int:application_id>")
@roles_required("admin")
def application(application_id: int):
    found = training.application_for(application_id, current_user, "review")
    return _review_page(found, ReviewForm(), DecisionForm(formdata=None))


@admissions.route("/admin/applications/<int:application_id>/review", methods=["POST"])
@roles_required("admin")
def review(application_id: int):
    found = training.application_for(application_id, current_user, "review")
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            reviews.record(found, current_user, form.score.data, form.note.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your review is saved."), "success")
            return redirect(url_for("admissions.application", application_id=found.id))
    return _review_page(found, form, DecisionForm(formdata=None), 422)


@admissions.route("/admin/applications/<int:application_id>/decision", methods=["POST"])
@roles_required("admin")
def decide(application_id: int):
    found = training.application_for(application_id, current_user, "decide")
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            training.decide(found, form.decision.data or "", current_user, form.reason.data or "")
        except (Conflict, Invalid) as exc:
            apply_errors(form, exc, "decision")
        else:
            flash(_("The application is decided."), "success")
            return redirect(url_for("admissions.applications", session_id=found.session_id))
    return _review_page(found, ReviewForm(formdata=None), form, 422)
