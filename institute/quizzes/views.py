"""Web pages of quizzes: take one, see results, grade essays, gradebook, statistics."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, roles_required
from ..errors import Conflict, Invalid
from ..questions import type_of
from ..questions.web import question_partials
from ..web import error_messages, flash_error, wants_json
from . import attempts
from .access import (
    attempt_for,
    check_grader,
    grades,
    grading_scope,
    may_preview,
    may_take,
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
    quiz = quiz_for(quiz_id, current_user)
    enrolled = may_take(current_user, quiz)
    mine = attempts.attempts_of(current_user, quiz) if enrolled else []
    return render_template("quizzes/quiz.html", quiz=quiz, course=quiz.revision.course, enrolled=enrolled,
                           attempts=mine, staff=teaches_quiz(current_user, quiz),
                           standing=standing(current_user, quiz) if enrolled else None,
                           previews=may_preview(current_user, quiz))


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
    attempt = attempt_for(attempt_id, current_user)
    attempts.expire_if_due(attempt)
    view = attempts.payload(attempt, titles=sees_question_titles(current_user, attempt.quiz))
    template = "quizzes/result.html" if attempt.submitted else "quizzes/attempt.html"
    return render_template(template, attempt=attempt, view=view, quiz=attempt.quiz,
                           staff=grades(current_user, attempt),
                           standing=standing(current_user, attempt.quiz) if owns(current_user, attempt) else None)


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
    attempt = attempt_for(attempt_id, current_user, "grade")
    errors = []
    if request.method == "POST":
        try:
            attempts.grade(attempt, question, request.form.get("points", ""), request.form.get("feedback", ""),
                           current_user)
        except (Invalid, Conflict) as exc:
            errors = error_messages(exc)
        else:
            flash(_("The grade is saved; the attempt's score is %(p)s%%.", p=attempt.percent), "success")
            return redirect(url_for("quizzes.grading"))
    view = attempts.payload(attempt)
    item = next((q for q in view["questions"] if q["id"] == str(question)), None)
    if item is None or not type_of(item["kind"]).graded_by_hand:
        raise Invalid(details=[{"field": "question", "message": _("Only essays are graded by hand.")}])
    return render_template("quizzes/grade.html", attempt=attempt, item=item, errors=errors), \
        422 if errors else 200


@quizzes.route("/quizzes/<int:quiz_id>/statistics")
@login_required
def statistics(quiz_id: int):
    quiz = quiz_for(quiz_id, current_user, "statistics")
    return render_template("quizzes/statistics.html", quiz=quiz, stats=quiz_statistics(quiz), bar=bar)
