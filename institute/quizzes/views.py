"""Web pages of quizzes: take one, see results, grade essays, gradebook, statistics."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, roles_required
from ..errors import Conflict, Forbidden, Invalid
from ..spreadsheets import csv_response
from ..training import services as training
from ..training.gradebook import gradebook_csv, gradebook_rows
from ..web import error_messages, flash_error, wants_json
from . import attempts
from .charts import bar
from .forms import answers_from_form
from .statistics import quiz_statistics

quizzes = Blueprint("quizzes", __name__, template_folder="templates")


def _staff_for(quiz, fellow_id: int | None = None) -> bool:
    return current_user.is_authenticated and training.may_grade(
        current_user, attempts.course_of(quiz).id, fellow_id)


@quizzes.route("/quizzes/<int:quiz_id>")
@login_required
def quiz(quiz_id: int):
    quiz = attempts.get_quiz(quiz_id, current_user)
    course = attempts.course_of(quiz)
    enrolled = current_user.has_role("trainee") and training.studies(current_user, course.id)
    mine = attempts.attempts_of(current_user, quiz) if enrolled else []
    return render_template("quizzes/quiz.html", quiz=quiz, course=course, enrolled=enrolled,
                           attempts=mine, staff=_staff_for(quiz))


@quizzes.route("/quizzes/<int:quiz_id>/start", methods=["POST"])
@roles_required("trainee")
def start(quiz_id: int):
    quiz = attempts.get_quiz(quiz_id, current_user)
    if not training.studies(current_user, attempts.course_of(quiz).id):
        raise Forbidden(_("Only fellows enrolled in a session with this course take its quizzes."))
    try:
        attempt, _created = attempts.start(quiz, current_user)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("quizzes.quiz", quiz_id=quiz.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id)
    if attempt.user_id != current_user.id and not _staff_for(attempt.quiz, attempt.user_id):
        raise Forbidden(_("This is not your attempt."))
    attempts.expire_if_due(attempt)
    view = attempts.payload(attempt)
    template = "quizzes/result.html" if attempt.submitted else "quizzes/attempt.html"
    return render_template(template, attempt=attempt, view=view, quiz=attempt.quiz,
                           staff=_staff_for(attempt.quiz, attempt.user_id))


def _save_form(attempt) -> int:
    return attempts.save(attempt, current_user, answers_from_form(attempt.quiz.questions, request.form))


@quizzes.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@roles_required("trainee")
def save(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id)
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


@quizzes.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@roles_required("trainee")
def submit(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id)
    try:
        if not attempts.expire_if_due(attempt):
            _save_form(attempt)
            attempts.submit(attempt, current_user)
    except (Conflict, Invalid) as exc:
        flash_error(exc)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/grading")
@login_required
def grading():
    scope = training.grading_scope(current_user)
    if scope is not None and not current_user.has_role("instructor") and not scope:
        raise Forbidden(_("Only the instructors of a session grade its fellows."))
    return render_template("quizzes/grading.html", pending=attempts.pending_essays(scope))


@quizzes.route("/attempts/<int:attempt_id>/questions/<int:question>/grade", methods=["GET", "POST"])
@login_required
def grade(attempt_id: int, question: int):
    attempt = attempts.get_attempt(attempt_id)
    if not _staff_for(attempt.quiz, attempt.user_id):
        raise Forbidden(_("Only the instructors of this fellow's session grade it."))
    errors = []
    if request.method == "POST":
        try:
            attempts.grade(attempt, question, request.form.get("points"), request.form.get("feedback", ""),
                           current_user)
        except (Invalid, Conflict) as exc:
            errors = error_messages(exc)
        else:
            flash(_("The grade is saved; the attempt's score is %(p)s%%.", p=attempt.percent), "success")
            return redirect(url_for("quizzes.grading"))
    view = attempts.payload(attempt)
    item = next((q for q in view["questions"] if q["id"] == str(question)), None)
    if item is None or item["kind"] != "essay":
        raise Invalid(details=[{"field": "question", "message": _("Only essays are graded by hand.")}])
    return render_template("quizzes/grade.html", attempt=attempt, item=item, errors=errors), \
        422 if errors else 200


@quizzes.route("/sessions/<int:session_id>/gradebook")
@login_required
def gradebook(session_id: int):
    session = training.session_for_staff(session_id, current_user, "gradebook")
    if request.args.get("format") == "csv":
        return csv_response(gradebook_csv(session), f"gradebook-{session.code}.csv")
    quizzes_, rows = gradebook_rows(session)
    return render_template("quizzes/gradebook.html", session=session, quizzes=quizzes_, rows=rows)


@quizzes.route("/quizzes/<int:quiz_id>/statistics")
@login_required
def statistics(quiz_id: int):
    quiz = attempts.get_quiz(quiz_id, current_user)
    if not _staff_for(quiz):
        raise Forbidden(_("Only instructors of a session with this course see its statistics."))
    return render_template("quizzes/statistics.html", quiz=quiz, stats=quiz_statistics(quiz), bar=bar)
