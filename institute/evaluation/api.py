"""The evaluation behind JSON."""

from flask import jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE, ID, STRING, array, enum_of, line, nullable, obj
from ..spreadsheets import csv_response, csv_text
from . import reports, services
from .models import EvaluationKind

evaluation_api = ApiBlueprint("evaluation_api", __name__)

QUESTION = obj({"id": ID, "label": STRING, "kind": enum_of(EvaluationKind), "required": {"type": "boolean"},
                "low_label": STRING, "high_label": STRING},
               required=["id", "label", "kind", "required", "low_label", "high_label"])
QUESTIONNAIRE = obj({"session": ID, "opens_on": DATE, "closes_on": DATE, "open": {"type": "boolean"},
                     "locked": {"type": "boolean"}, "answered": {"type": "boolean"},
                     "questions": array(QUESTION)},
                    required=["session", "opens_on", "closes_on", "open", "locked", "answered", "questions"])
NEW_QUESTION = obj({"label": line(300, 1), "kind": enum_of(EvaluationKind), "required": {"type": "boolean"},
                    "low_label": line(60), "high_label": line(60)}, required=["label", "kind"], additional=False)
ANSWER_VALUE = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"type": "string", "maxLength": 5000},
                          {"type": "null"}]}
MEAN = nullable({"type": "number"})


def questionnaire_json(session, user) -> dict:
    current = services.evaluation_of(session)
    opens, closes = services.window(session, current)
    return {"session": session.id, "opens_on": opens.isoformat(), "closes_on": closes.isoformat(),
            "open": services.is_open(session, current), "locked": services.is_locked(session),
            "answered": services.has_answered(user, session),
            "questions": [{"id": q.id, "label": q.label, "kind": q.kind, "required": q.required,
                           "low_label": q.low_label, "high_label": q.high_label}
                          for q in (current.questions if current else [])]}


@evaluation_api.endpoint(
    "/sessions/<int:session_id>/evaluation", ["GET"], access=ANY_USER,
    summary="A session's evaluation questionnaire, its dates, and whether you answered (its people)",
    responses={200: "The questionnaire", 401: "No or bad token", 403: "Not one of the session's people",
               404: "Unknown session"},
    returns=QUESTIONNAIRE,
)
def get_questionnaire(session_id: int):
    user = current_api_user()
    return jsonify(questionnaire_json(services.evaluation_for(session_id, user), user))


@evaluation_api.endpoint(
    "/sessions/<int:session_id>/evaluation", ["PUT"], access=["admin"],
    summary="Define a session's evaluation: the questions in order (until the first answer) and its dates",
    body=obj({"opens_on": nullable(DATE), "closes_on": nullable(DATE),
              "questions": array(NEW_QUESTION, max_items=services.MAX_QUESTIONS)}, additional=False),
    responses={200: "The questionnaire", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               404: "Unknown session", 409: "Fellows have answered: the questions are locked",
               422: "Invalid fields"},
    returns=QUESTIONNAIRE,
)
def put_questionnaire(session_id: int):
    user = current_api_user()
    session = services.evaluation_for(session_id, user, "define")
    services.define(session, json_body())
    return jsonify(questionnaire_json(session, user))


@evaluation_api.endpoint(
    "/sessions/<int:session_id>/evaluation/answers", ["POST"], access=ANY_USER,
    summary="Answer the session's evaluation, once and anonymously (fellows of its cohort)",
    body=obj({"answers": {"type": "object", "additionalProperties": ANSWER_VALUE, "maxProperties": 100}},
             required=["answers"], additional=False),
    responses={201: "Answered", 400: "Malformed", 401: "No or bad token", 403: "Not a fellow of the session",
               404: "Unknown session", 409: "Answered already, or the evaluation is not open",
               422: "Invalid answers"},
    returns=obj({"answered": {"type": "boolean"}}, required=["answered"]),
)
def post_answers(session_id: int):
    user = current_api_user()
    session = services.evaluation_for(session_id, user, "answer")
    services.answer(session, user, json_body()["answers"])
    return jsonify({"answered": True}), 201


REPORT = obj({"session": ID, "responses": COUNT, "cohort": COUNT, "questions": array(obj({
    "id": ID, "label": STRING, "kind": enum_of(EvaluationKind), "count": COUNT, "mean": MEAN,
    "distribution": obj({str(r): COUNT for r in range(1, 6)}), "texts": array(STRING)},
    required=["id", "label", "kind", "count", "mean", "distribution", "texts"]))},
    required=["session", "responses", "cohort", "questions"])


@evaluation_api.endpoint(
    "/sessions/<int:session_id>/evaluation/report", ["GET"], access=ANY_USER,
    summary="The evaluation's report: counts, means, distributions, free texts shuffled "
            "(admins and the session's instructors; Accept: text/csv for CSV)",
    responses={200: "The report, or the CSV", 401: "No or bad token",
               403: "Not an admin or the session's instructor", 404: "Unknown session"},
    produces=("application/json", "text/csv"),
    returns=REPORT,
)
def get_report(session_id: int):
    session = services.evaluation_for(session_id, current_api_user(), "report")
    result = services.report(session)
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(csv_text(*services.report_rows(result)), f"evaluation-{session.code}.csv",
                            byte_order_mark=False)
    return jsonify({"session": session.id, "responses": result.responses, "cohort": result.cohort,
                    "questions": [{"id": e.question.id, "label": e.question.label, "kind": e.question.kind,
                                   "count": e.count, "mean": e.mean,
                                   "distribution": {str(r): n for r, n in e.counts.items()}, "texts": e.texts}
                                  for e in result.questions]})


FIGURES = obj({"session": ID, "title": STRING, "year": {"type": "integer"}, "fellows": COUNT, "completed": COUNT,
               "completion_rate": MEAN, "evaluations": COUNT, "rating_mean": MEAN,
               "countries": {"type": "object", "additionalProperties": COUNT},
               "institutions": {"type": "object", "additionalProperties": COUNT}},
              required=["session", "title", "year", "fellows", "completed", "completion_rate", "evaluations",
                        "rating_mean", "countries", "institutions"])


@evaluation_api.endpoint(
    "/reports/funders", ["GET"], access=["admin"],
    summary="The institute-wide report over the years, per session (admins; Accept: text/csv for CSV). "
            "Gender is not collected.",
    responses={200: "{sessions, gender_collected}, or the CSV", 401: "No or bad token", 403: "Not an admin"},
    produces=("application/json", "text/csv"),
    returns=obj({"sessions": array(FIGURES), "gender_collected": {"type": "boolean"}},
                required=["sessions", "gender_collected"]),
)
def get_funders_report():
    figures = reports.funders_report()
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return csv_response(csv_text(*reports.funders_rows(figures)), "institute-report.csv", byte_order_mark=False)
    return jsonify({"gender_collected": reports.GENDER_COLLECTED, "sessions": [{
        "session": f.session.id, "title": f.session.title, "year": f.session.year, "fellows": f.fellows,
        "completed": f.completed,
        "completion_rate": round(f.completion_rate, 3) if f.completion_rate is not None else None,
        "evaluations": f.responses, "rating_mean": f.rating_mean,
        "countries": dict(f.countries), "institutions": dict(f.institutions)} for f in figures]})
