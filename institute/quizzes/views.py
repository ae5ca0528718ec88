"""Web pages of quizzes: take one, see results, grade essays, gradebook, statistics."""

import sqlalchemy as sa
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, roles_required
from ..accounts.models import User
from ..errors import Conflict, Invalid
from ..extensions import db
from ..page_cache import kept_page, not_kept
from ..questions import type_of
from ..questions.web import question_partials
from ..web import error_messages, flash_error, wants_json
from . import attempts, overrides, roster
from . import grading as essays
from .access import (
    attempt_for,
    check_grader,
    check_grants,
    course_of,
    grades,
    grading_scope,
    may_preview,
    may_take,
    override_for,
    owns,
    quiz_for,
    sees_question_titles,
    teaches_quiz,
)
from .charts import bar
from .forms import answers_from_form
from .preview import preview as quiz_preview
from .standing import standing
from .statistics import quiz_statistics

quizzes = Blueprint("quizzes", __name__, template_folder="templates")
quizzes.register_blueprint(question_partials)  # the attempt and result pages show each question by its type


@quizzes.route("/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int):
    def render():
        quiz = quiz_for(quiz_id, current_user)
        enrolled = may_take(current_user, quiz)
        mine = attempts.attempts_of(current_user, quiz) if enrolled else []
        allowance = overrides.allowance(current_user, quiz) if enrolled else None
        return render_template("quizzes/quiz.html", quiz=quiz, course=quiz.revision.course, enrolled=enrolled,
                               attempts=mine, staff=teaches_quiz(current_user, quiz), allowance=allowance,
                               standing=standing(current_user, quiz) if enrolled else None,
                               previews=may_preview(current_user, quiz))
    return kept_page(render)


@quizzes.route("/quizzes/<int:quiz_id>/preview")
@login_required
def preview(quiz_id: int):
    """Every question with its right answers, for its teachers and its institution: no attempt."""
    quiz = quiz_for(quiz_id, current_user, "preview")
    return render_template("quizzes/preview.html", quiz=quiz, course=quiz.revision.course, view=quiz_preview(quiz))


@quizzes.route("/quizzes/<int:quiz_id>/start", methods=["POST"])
@roles_required("trainee")
def start(quiz_id: int):
    quiz = quiz_for(quiz_id, current_user, "take")
    try:
        attempt, _created = attempts.start(quiz, current_user)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("quizzes.quiz", quiz_id=quiz.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    def render():
        attempt = attempt_for(attempt_id, current_user)
        attempts.expire_if_due(attempt)
        if not attempt.submitted:
            not_kept()  # its clock runs, and its autosaved answers raise no generation
        view = attempts.payload(attempt, titles=sees_question_titles(current_user, attempt.quiz))
        template = "quizzes/result.html" if attempt.submitted else "quizzes/attempt.html"
        return render_template(template, attempt=attempt, view=view, quiz=attempt.quiz,
                               staff=grades(current_user, attempt),
                               standing=standing(current_user, attempt.quiz) if owns(current_user, attempt) else None)
    return kept_page(render)


def _save_form(attempt) -> int:
    return attempts.save(attempt, current_user, answers_from_form(attempt.quiz.questions, request.form))


@quizzes.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@roles_required("trainee")
def save(attempt_id: int):
    attempt = attempt_for(attempt_id, current_user, "answer")
    try:
        saved = _save_form(attempt)
    except (Conflict, Invalid) as exc:
        if wants_json():  # the autosave script reads the one error envelope
            raise
        flash_error(exc)
    else:
        if wants_json():
            return jsonify({"saved": saved})
        flash(_("Your answers are saved."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/attempts/<int:attempt_id>/review", methods=["GET", "POST"])
@roles_required("trainee")
def review(attempt_id: int):
    """Before submitting: the answers are saved, then a summary lists the questions left
    blank, and only its confirm button submits (submitting cannot be undone)."""
    attempt = attempt_for(attempt_id, current_user, "answer" if request.method == "POST" else "read")
    if attempts.expire_if_due(attempt) or attempt.submitted:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    if request.method == "POST":
        try:
            _save_form(attempt)
        except (Conflict, Invalid) as exc:
            flash_error(exc)
            return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    view = attempts.payload(attempt, titles=sees_question_titles(current_user, attempt.quiz))
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz, view=view,
                           blank=attempts.unanswered(attempt))


@quizzes.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required("trainee")
def submit(attempt_id: int):
    """Submits only when confirmed on the summary; answers posted from elsewhere (a page of
    before this rule, a script) are saved and lead to the summary."""
    attempt = attempt_for(attempt_id, current_user, "answer")
    try:
        if not attempts.expire_if_due(attempt):
            if any(name.startswith("q-") for name in request.form):  # the whole attempt's form
                _save_form(attempt)
            if request.form.get("confirmed") != "1":
                return redirect(url_for("quizzes.review", attempt_id=attempt.id))
            attempts.submit(attempt, current_user)
            flash(_("Your attempt is submitted."), "success")
    except (Conflict, Invalid) as exc:
        flash_error(exc)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/grading")
@login_required
def grading():
    check_grader(current_user)
    return render_template("quizzes/grading.html", pending=attempts.pending_essays(grading_scope(current_user)))


@quizzes.route("/attempts/<int:attempt_id>/questions/<int:question>/grade", methods=["GET", "POST"])
@login_required
def grade(attempt_id: int, question: int):
    """Grade one essay; "save and next" goes on to the next essay of the same quiz waiting
    in the same session, and past the last one to the page that says all are graded."""
    attempt = attempt_for(attempt_id, current_user, "grade")
    session_id = essays.session_for_grading(current_user, attempt, request.args.get("session", type=int))
    errors = []
    if request.method == "POST":
        try:
            attempts.grade(attempt, question, request.form.get("points", ""), request.form.get("feedback", ""),
                           current_user)
        except (Invalid, Conflict) as exc:
            errors = error_messages(exc)
        else:
            if request.form.get("then") == "next":  # the flash names whose essay it was
                flash(_("The essay of %(name)s is graded; their attempt's score is %(p)s%%.", name=attempt.user.name,
                        p=attempt.percent), "success")
                following = essays.queue(attempt.quiz, current_user, session_id, (attempt.id, question)).next
                if following is None:
                    return redirect(url_for("quizzes.all_graded", quiz_id=attempt.quiz_id, session=session_id))
                return redirect(url_for("quizzes.grade", attempt_id=following[0], question=following[1],
                                        session=session_id))
            flash(_("The grade is saved; the attempt's score is %(p)s%%.", p=attempt.percent), "success")
            return redirect(url_for("quizzes.grade", attempt_id=attempt.id, question=question, session=session_id))
    view = attempts.payload(attempt)
    item = next((q for q in view["questions"] if q["id"] == str(question)), None)
    if item is None or not type_of(item["kind"]).graded_by_hand:
        raise Invalid(details=[{"field": "question", "message": _("Only essays are graded by hand.")}])
    progress = essays.queue(attempt.quiz, current_user, session_id, (attempt.id, question))
    length = essays.length_note(attempt.quiz.questions[question], item["answer"])
    return render_template("quizzes/grade.html", attempt=attempt, item=item, errors=errors, progress=progress,
                           length=length, session_id=session_id), 422 if errors else 200


@quizzes.route("/quizzes/<int:quiz_id>/graded")
@login_required
def all_graded(quiz_id: int):
    """Where "save and next" ends: every essay of this quiz in this session is graded (or,
    if some came in meanwhile, how many still wait and the next one)."""
    quiz = quiz_for(quiz_id, current_user, "statistics")
    requested = request.args.get("session", type=int)
    session_id = requested if requested is not None and roster.grading_cohort(
        current_user, requested, course_of(quiz).id) is not None else None
    progress = essays.queue(quiz, current_user, session_id)
    return render_template("quizzes/all_graded.html", quiz=quiz, progress=progress, session_id=session_id)


def _override_context(quiz, session_id):
    """The fellows to choose from: the session's cohort when the grader came from one."""
    cohort = roster.grading_cohort(current_user, session_id, course_of(quiz).id) if session_id else None
    fellows = list(db.session.scalars(sa.select(User).where(User.id.in_(cohort)).order_by(User.name)).unique()) \
        if cohort else []
    return cohort, fellows


@quizzes.route("/quizzes/<int:quiz_id>/overrides", methods=["GET", "POST"])
@login_required
def quiz_overrides(quiz_id: int):
    """Grant a fellow extra attempts or more time on a quiz; the overrides on record."""
    quiz = quiz_for(quiz_id, current_user)
    check_grants(current_user, quiz)
    session_id = request.args.get("session", type=int)
    cohort, fellows = _override_context(quiz, session_id)
    if cohort is None:
        session_id = None
    errors: list[str] = []
    form = request.form if request.method == "POST" else {"user": request.args.get("user", "")}
    if request.method == "POST":
        try:
            override = overrides.grant(quiz, form.get("user", ""), current_user, form.get("extra_attempts"),
                                       form.get("extra_minutes"), form.get("time_multiplier"),
                                       form.get("reason", ""))
        except Invalid as exc:
            errors = error_messages(exc)
        else:
            flash(_("Granted to %(name)s.", name=override.user.name), "success")
            return redirect(url_for("quizzes.quiz_overrides", quiz_id=quiz.id, session=session_id))
    listed = overrides.overrides_of(quiz, current_user, cohort)
    return render_template("quizzes/overrides.html", quiz=quiz, overrides=listed, fellows=fellows,
                           session_id=session_id, form=form, errors=errors), 422 if errors else 200


@quizzes.route("/quizzes/<int:quiz_id>/overrides/<int:override_id>/revoke", methods=["POST"])
@login_required
def revoke_override(quiz_id: int, override_id: int):
    quiz = quiz_for(quiz_id, current_user)
    override = overrides.revoke(override_for(override_id, quiz, current_user), current_user)
    flash(_("Revoked for %(name)s; it stays on record.", name=override.user.name), "success")
    return redirect(url_for("quizzes.quiz_overrides", quiz_id=quiz.id, session=request.args.get("session", type=int)))


@quizzes.route("/quizzes/<int:quiz_id>/statistics")
@login_required
def statistics(quiz_id: int):
    quiz = quiz_for(quiz_id, current_user, "statistics")
    return render_template("quizzes/statistics.html", quiz=quiz, stats=quiz_statistics(quiz), bar=bar)
