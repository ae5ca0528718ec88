"""The assignments' pages: an assignment with its instructions and the fellow's form and
status, a submission (with the graders' form), its file, and a session's grading queue."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required
from ..errors import Conflict, Forbidden, Invalid
from ..filetypes import kinds_text
from ..training.services import session_for
from ..web import apply_errors, flash_error
from . import services
from .downloads import file_response
from .forms import GradeForm, SubmitForm

assignments = Blueprint("assignments", __name__, template_folder="templates")


@assignments.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def assignment(assignment_id: int):
    found = services.assignment_for(assignment_id, current_user, "submit" if request.method == "POST" else "read")
    session = services.fellow_session(current_user, found.revision.course_id)
    mine = services.submission_of(current_user, found)
    form = SubmitForm()
    if form.validate_on_submit():
        storage = request.files.get("file")
        upload = None
        if storage is not None and storage.filename:
            upload = services.Upload(storage.filename, storage.stream.read(services.max_bytes(found) + 1))
        try:
            mine = services.submit(found, current_user, form.text.data, upload)
        except Invalid as exc:
            apply_errors(form, exc)
        except (Conflict, Forbidden) as exc:
            flash_error(exc)
        else:
            flash(_("Your work is sent. You can send it again until it is graded."), "success")
            return redirect(url_for("assignments.assignment", assignment_id=found.id))
    elif request.method == "GET" and mine is not None and not mine.graded:
        form.text.data = mine.text
    return render_template("assignments/assignment.html", assignment=found, session=session, submission=mine,
                           form=form, kinds=kinds_text(services.ACCEPTED))


def _posted_scores(found) -> dict:
    """The points typed for each criterion (``score-<n>``, by its place in the rubric), as
    numbers where they read as numbers; the service says what is wrong with the rest."""
    scores: dict[str, object] = {}
    for index, row in enumerate(found.assignment.rubric):
        raw = request.form.get(f"score-{index}", "").strip().replace(",", ".")
        try:
            scores[row["criterion"]] = float(raw) if raw else None
        except ValueError:
            scores[row["criterion"]] = raw
    return scores


@assignments.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def submission(submission_id: int):
    found = services.submission_for(submission_id, current_user, "grade" if request.method == "POST" else "read")
    grader = services.may_grade(current_user, found)
    form = GradeForm()
    problems: list[dict] = []
    if grader and form.validate_on_submit():
        try:
            services.grade(found, current_user, _posted_scores(found), form.feedback.data)
        except Invalid as exc:
            problems = exc.details  # the template marks each criterion with its own
            flash_error(exc)
        else:
            flash(_("The grade is saved; the fellow is told by email."), "success")
            return redirect(url_for("assignments.session_queue", session_id=found.session_id))
    elif request.method == "GET" and found.graded:
        form.feedback.data = found.feedback
    return render_template("assignments/submission.html", submission=found, assignment=found.assignment,
                           grader=grader, form=form, problems=problems)


@assignments.route("/submissions/<int:submission_id>/file")
@login_required
def submission_file(submission_id: int):
    return file_response(services.submission_for(submission_id, current_user))


@assignments.route("/sessions/<int:session_id>/assignments")
@login_required
def session_queue(session_id: int):
    session = session_for(session_id, current_user, "gradebook")
    return render_template("assignments/queue.html", session=session, queue=services.queue(session))
