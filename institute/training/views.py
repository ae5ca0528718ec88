"""Web pages of training sessions: list, apply, review applications, enrol, cohort."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, public, roles_required
from ..accounts.countries import country_choices
from ..courses.services import catalogue
from ..errors import Conflict, Invalid, NotFound, TooLarge
from ..page_cache import kept_page
from ..spreadsheets import csv_response
from ..web import apply_errors
from . import services
from .charts import progress_chart
from .enrolment import enrol_csv
from .exports import cohort_csv
from .forms import ApplyForm, EnrolForm, SessionForm
from .gradebook import extra_columns, gradebook_csv, gradebook_rows
from .labels import application_state, motivation_text
from .progress import cohort_progress

training = Blueprint("training", __name__, template_folder="templates")
# Pages of every domain (the dashboard too) name states and stored phrases through these.
training.add_app_template_filter(application_state, "application_state")
training.add_app_template_filter(motivation_text, "motivation_text")


@training.route("/sessions")
@public
def sessions():
    return render_template("training/sessions.html", sessions=services.list_sessions(upcoming_only=True),
                           is_open=services.is_open, window=services.window, today=date.today())


def _my_application(session):
    if not current_user.is_authenticated:
        return None
    return next((a for a in services.my_applications(current_user) if a.session_id == session.id), None)


@training.route("/sessions/<int:session_id>", methods=["GET"])
@public
def session(session_id: int):
    def render():
        session = services.session_for(session_id, current_user)
        form = ApplyForm(formdata=None, institution=current_user.partner.name if current_user.partner else "",
                         country=current_user.country if current_user.is_authenticated else "",
                         nationality=current_user.country if current_user.is_authenticated else "")
        return session_page(session, form)[0]
    return kept_page(render)


def session_page(session, form: ApplyForm, status: int = 200, answer_errors: dict | None = None,
                 answers: dict | None = None):
    """The session's page, with the application form (``form``, the answers given and
    their problems by question id, when an application came back refused)."""
    form.country.choices = country_choices("—")
    form.nationality.choices = country_choices("—")
    application = _my_application(session)
    return render_template("training/session.html", session=session, form=form, application=application,
                           may_withdraw=application is not None and services.may_withdraw(current_user, application),
                           open=services.is_open(session),
                           window=services.window(session),
                           seats_left=services.seats_left(session),
                           teaches=services.teaches(current_user, session),
                           takes_part=services.takes_part(current_user, session),
                           answer_errors=answer_errors or {}, answers=answers or {}), status


@training.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@roles_required("trainee", "admin")
def withdraw(application_id: int):
    """Withdrawing asks first (a seat given up goes to the next on the waiting list)."""
    application = services.application_for(application_id, current_user)
    if request.method == "GET" or request.form.get("confirmed") != "1":
        return render_template("training/withdraw.html", application=application, session=application.session)
    application = services.withdraw(application, current_user)
    flash(_("The application is withdrawn."), "info")
    if current_user.has_role("admin") and application.user_id != current_user.id:
        return redirect(url_for("admissions.applications", session_id=application.session_id))
    return redirect(url_for("home.dashboard"))


@training.route("/sessions/<int:session_id>/cohort")
@login_required
def cohort(session_id: int):
    if request.args.get("format") == "csv":
        session = services.session_for(session_id, current_user, "cohort")
        return csv_response(cohort_csv(session), f"cohort-{session.code}.csv")

    def render():
        session = services.session_for(session_id, current_user, "cohort")
        fellows = cohort_progress(session)
        return render_template("training/cohort.html", session=session, fellows=fellows,
                               chart=progress_chart(fellows))
    return kept_page(render)


@training.route("/sessions/<int:session_id>/gradebook")
@login_required
def gradebook(session_id: int):
    if request.args.get("format") == "csv":
        session = services.session_for(session_id, current_user, "gradebook")
        return csv_response(gradebook_csv(session), f"gradebook-{session.code}.csv")

    def render():
        session = services.session_for(session_id, current_user, "gradebook")
        quizzes, rows = gradebook_rows(session)
        columns = extra_columns(session, [fellow.user.id for fellow, _cells in rows])
        return render_template("training/gradebook.html", session=session, quizzes=quizzes, rows=rows,
                               columns=columns)
    return kept_page(render)


@training.route("/sessions/<int:session_id>/fellows/<int:user_id>")
@login_required
def fellow(session_id: int, user_id: int):
    def render():
        session = services.session_for(session_id, current_user)
        services.fellow_progress_for(session, user_id, current_user)
        found = cohort_progress(session, [user_id])
        if not found:
            raise NotFound(_("This person is not a fellow of this session."))
        return render_template("training/fellow.html", session=session, fellow=found[0],
                               staff=services.may_manage_cohort(current_user, session))
    return kept_page(render)


# ------------------------------------------------------------------ admin


@training.route("/admin/sessions")
@roles_required("admin")
def admin_sessions():
    sessions = services.list_sessions()
    return render_template("training/admin_sessions.html", sessions=sessions,
                           accepted=services.accepted_counts(sessions))


def _session_form(obj=None) -> SessionForm:
    form = SessionForm(obj=obj)
    if obj is not None and request.method == "GET":
        form.courses.data = [c.slug for c in obj.courses]
        form.instructors.data = [u.email for u in obj.instructors]
        form.sequence.data = str(obj.sequence)
        form.questions.data = services.questions_text(obj)
    form.courses.choices = [(c.slug, r.title) for c, r in catalogue(None)]
    form.instructors.choices = [(user.email, _teacher_label(user, exchange))
                                for user, exchange in services.teacher_candidates(obj)]
    return form


def _session_errors(form: SessionForm, exc: Conflict | Invalid) -> None:
    """The questions' problems (``questions[2].label``) go under the questions' field."""
    for detail in exc.details or []:
        where = str(detail.get("field") or "")
        if where.startswith("questions["):
            number = int(where[len("questions["):].split("]")[0]) + 1
            detail["field"] = "questions"
            detail["message"] = _("Question %(n)s: %(message)s", n=number, message=detail.get("message", ""))
    apply_errors(form, exc)


def _teacher_label(user, exchange) -> str:
    if exchange is None:
        return f"{user.name} ({user.email})"
    return _("%(name)s (%(email)s), guest teacher from %(home)s, %(start)s – %(end)s", name=user.name,
             email=user.email, home=exchange.home.code, start=format_date(exchange.starts_on),
             end=format_date(exchange.ends_on))


def _form_data(form: SessionForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "title", "year", "sequence", "starts_on", "ends_on", "place", "on_site_days", "attendance_required", "seats",
        "applications_open", "applications_close", "courses", "instructors", "description", "questions")}


@training.route("/admin/sessions/new", methods=["GET", "POST"])
@roles_required("admin")
def create_session():
    form = _session_form()
    if form.validate_on_submit():
        try:
            session = services.create_session(_form_data(form))
        except (Conflict, Invalid) as exc:
            _session_errors(form, exc)
        else:
            flash(_("The session %(t)s is created.", t=session.title), "success")
            return redirect(url_for("admissions.applications", session_id=session.id))
    return render_template("training/session_form.html", form=form, session=None)


@training.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_session(session_id: int):
    session = services.session_for(session_id, current_user, "manage")
    form = _session_form(session)
    if form.validate_on_submit():
        try:
            services.update_session(session, _form_data(form))
        except (Conflict, Invalid) as exc:
            _session_errors(form, exc)
        else:
            flash(_("The session is saved."), "success")
            return redirect(url_for("admissions.applications", session_id=session.id))
    return render_template("training/session_form.html", form=form, session=session)


@training.route("/admin/sessions/<int:session_id>/close", methods=["POST"])
@roles_required("admin")
def close_session(session_id: int):
    services.close_session(services.session_for(session_id, current_user, "manage"))
    flash(_("The session is closed to applications and decisions."), "info")
    return redirect(url_for("training.admin_sessions"))


@training.route("/admin/sessions/<int:session_id>/enrol", methods=["GET", "POST"])
@roles_required("admin")
def enrol(session_id: int):
    session = services.session_for(session_id, current_user, "manage")
    form = EnrolForm()
    problems = []
    if form.validate_on_submit():
        try:
            result = enrol_csv(session, form.file.data or b"", current_user)
        except Invalid as exc:
            problems = exc.details
        except (Conflict, TooLarge) as exc:
            apply_errors(form, exc)
        else:
            flash(_("%(n)s fellows enrolled; %(i)s new people were sent a link to set a password.",
                    n=len(result.enrolled), i=len(result.invited)), "success")
            return redirect(url_for("admissions.applications", session_id=session.id))
    return render_template("training/enrol.html", session=session, form=form, problems=problems), \
        422 if problems else 200
