"""The evaluation's pages: the admin's questionnaire, the fellow's answers, the report,
and the funders' report."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, roles_required
from ..errors import Conflict, Invalid
from ..spreadsheets import csv_response, csv_text
from ..web import apply_errors, flash_error
from . import reports, services
from .charts import bar_chart, distribution_chart, number
from .forms import AnswerForm, DefineForm
from .models import EvaluationKind

evaluation = Blueprint("evaluation", __name__, template_folder="templates")
evaluation.add_app_template_filter(number, "rating_number")
BLANK_ROWS = 3


def _posted_questions() -> list[dict]:
    """The rows of the admin's form, in the order of their position; a row without a
    question is left out."""
    rows = []
    index = 0
    while f"q-{index}-label" in request.form and index < services.MAX_QUESTIONS + BLANK_ROWS:
        label = request.form.get(f"q-{index}-label", "").strip()
        if label:
            try:
                position = int(request.form.get(f"q-{index}-position") or index + 1)
            except ValueError:
                position = index + 1
            rows.append((position, index, {
                "label": label, "kind": request.form.get(f"q-{index}-kind", ""),
                "low_label": request.form.get(f"q-{index}-low", ""),
                "high_label": request.form.get(f"q-{index}-high", ""),
                "required": request.form.get(f"q-{index}-required") == "y"}))
        index += 1
    return [row for _p, _i, row in sorted(rows, key=lambda r: (r[0], r[1]))]


@evaluation.route("/admin/sessions/<int:session_id>/evaluation", methods=["GET", "POST"])
@roles_required("admin")
def define(session_id: int):
    session = services.evaluation_for(session_id, current_user, "define")
    current = services.evaluation_of(session)
    locked = services.is_locked(session)
    form = DefineForm(obj=current)
    if form.validate_on_submit():
        data: dict[str, object] = {"opens_on": form.opens_on.data, "closes_on": form.closes_on.data}
        if request.form.get("defaults"):
            data["questions"] = services.DEFAULT_QUESTIONS
        elif not locked:
            data["questions"] = _posted_questions()
        try:
            services.define(session, data)
        except Invalid as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            flash_error(exc)
        else:
            flash(_("The evaluation is saved."), "success")
            return redirect(url_for("evaluation.define", session_id=session.id))
    questions = list(current.questions) if current else []
    opens, closes = services.window(session, None)  # the defaults, said beside the fields
    return render_template("evaluation/define.html", session=session, form=form, questions=questions,
                           blank=range(len(questions), len(questions) + BLANK_ROWS), locked=locked,
                           opens=opens, closes=closes, responses=services.response_count(session),
                           kinds=EvaluationKind)


@evaluation.route("/sessions/<int:session_id>/evaluation", methods=["GET", "POST"])
@login_required
def answer(session_id: int):
    session = services.evaluation_for(session_id, current_user, "answer" if request.method == "POST" else "read")
    current = services.evaluation_of(session)
    fellow = services.in_cohort(current_user, session)
    form = AnswerForm()
    problems: list[dict] = []
    if form.validate_on_submit():
        given = {str(q.id): request.form.get(f"q-{q.id}", "") for q in (current.questions if current else [])}
        try:
            services.answer(session, current_user, given)
        except Invalid as exc:
            problems = exc.details  # the template marks each question with its own
            flash_error(exc)
        except Conflict as exc:
            flash_error(exc)
        else:
            flash(_("Thank you: your evaluation is saved, without your name."), "success")
            return redirect(url_for("evaluation.answer", session_id=session.id))
    opens, closes = services.window(session, current)
    return render_template("evaluation/answer.html", session=session, evaluation=current, form=form,
                           fellow=fellow, answered=services.has_answered(current_user, session),
                           is_open=services.is_open(session, current), opens=opens, closes=closes,
                           problems=problems, may_report=services.may_manage_cohort(current_user, session))


def report_charts(result: services.Report) -> dict[int, object]:
    return {entry.question.id: distribution_chart(
        f"q{entry.question.id}", entry.question.label, entry.counts,
        _("Ratings from 1 (%(low)s) to 5 (%(high)s): %(counts)s.",
          low=entry.question.low_label or "1", high=entry.question.high_label or "5",
          counts=", ".join(f"{r}: {n}" for r, n in entry.counts.items())))
        for entry in result.questions if entry.question.kind == EvaluationKind.RATING}


@evaluation.route("/sessions/<int:session_id>/evaluation/report")
@login_required
def report(session_id: int):
    session = services.evaluation_for(session_id, current_user, "report")
    result = services.report(session)
    if request.args.get("format") == "csv":
        return csv_response(csv_text(*services.report_rows(result)), f"evaluation-{session.code}.csv")
    return render_template("evaluation/report.html", session=session, report=result, charts=report_charts(result))


@evaluation.route("/admin/reports/funders")
@roles_required("admin")
def funders():
    figures = reports.funders_report()
    if request.args.get("format") == "csv":
        return csv_response(csv_text(*reports.funders_rows(figures)), "institute-report.csv")
    fellows = bar_chart("fellows", _("Fellows per session"),
                        [(f.session.title, f.fellows, str(f.fellows)) for f in figures],
                        max([f.fellows for f in figures] or [1]),
                        _("One bar per session, the number of fellows in its cohort."))
    completion = bar_chart("completion", _("Completion rate per session"),
                           [(f.session.title, f.completion_rate or 0,
                             f"{round(100 * f.completion_rate)} %" if f.completion_rate is not None else "—")
                            for f in figures], 1,
                           _("One bar per session, the share of its fellows who completed it."))
    ratings = bar_chart("ratings", _("Mean rating per session (1 to 5)"),
                        [(f.session.title, f.rating_mean or 0, number(f.rating_mean)) for f in figures], 5,
                        _("One bar per session, the mean of every rating its fellows gave."))
    return render_template("evaluation/funders.html", figures=figures, charts=[fellows, completion, ratings],
                           gender_collected=reports.GENDER_COLLECTED)
