"""Teacher exchanges behind JSON."""

from flask import jsonify, request

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import (
    COUNT,
    DATE,
    DATE_TIME,
    EMAIL,
    ID,
    PARTNER_CODE,
    QUERY_TEXT,
    SLUG,
    STRING,
    array,
    enum_of,
    nullable,
    obj,
    query_number,
    text,
)
from ..door import YEARS, query_int
from . import services
from .models import ExchangeDecision, ExchangeStatus
from .serializers import exchange_json

exchanges_api = ApiBlueprint("exchanges_api", __name__)

EXCHANGE = obj({
    "id": ID, "status": enum_of(ExchangeStatus), "teacher": STRING, "teacher_name": STRING, "home": STRING,
    "host": STRING, "starts_on": DATE, "ends_on": DATE, "days": COUNT, "courses": array(STRING),
    "purpose": STRING, "report": nullable(STRING),
    "files": array(obj({"id": ID, "name": STRING, "size": COUNT}, required=["id", "name", "size"])),
    "history": array(obj({"at": DATE_TIME, "by": nullable(STRING), "from": nullable(enum_of(ExchangeStatus)),
                          "to": enum_of(ExchangeStatus),
                          "note": nullable(STRING)}, required=["at", "by", "from", "to", "note"])),
}, required=["id", "status", "teacher", "teacher_name", "home", "host", "starts_on", "ends_on", "days",
             "courses", "purpose", "report", "files"])


@exchanges_api.endpoint(
    "/exchanges", ["POST"], access=("partner", "admin"),
    summary="Propose a teacher exchange",
    body=obj({"teacher": EMAIL, "home": PARTNER_CODE, "host": PARTNER_CODE, "starts_on": DATE, "ends_on": DATE,
              "courses": array(SLUG, 50), "purpose": text(10_000, 20)},
             required=["teacher", "home", "host", "starts_on", "ends_on", "purpose"], additional=False),
    responses={201: "{id, status: proposed}", 400: "Malformed", 401: "No or bad token",
               403: "Not the home institution's staff", 422: "Invalid fields"},
    returns=EXCHANGE,
)
def propose():
    data = json_body()
    exchange = services.propose(current_api_user(), data.get("teacher"), data.get("home"),
                                data.get("host"), data.get("starts_on"), data.get("ends_on"),
                                data.get("courses") or [], data.get("purpose"))
    return jsonify(exchange_json(exchange)), 201


@exchanges_api.endpoint(
    "/exchanges/<int:exchange_id>/decision", ["POST"], access=ANY_USER,
    summary="Move an exchange: confirm (host staff), approve (admin), reject, cancel, complete (with report)",
    body=obj({"decision": enum_of(ExchangeDecision),
              "report": text(20_000)}, required=["decision"], additional=False),
    responses={200: "The exchange in its new state", 400: "Malformed", 401: "No or bad token",
               403: "Not yours to see or to decide", 404: "Unknown",
               409: "Wrong state or overlapping approval",
               422: "Unknown decision or missing report"},
    returns=EXCHANGE,
)
def decide(exchange_id: int):
    data = json_body()
    user = current_api_user()
    exchange = services.decide(services.exchange_for(exchange_id, user, "decide"),
                               str(data.get("decision") or ""), user, str(data.get("report") or ""))
    return jsonify(exchange_json(exchange))


@exchanges_api.endpoint(
    "/exchanges", ["GET"], access=ANY_USER,
    summary="Exchanges the caller may see (filters: year, partner, status)",
    responses={200: "{exchanges}", 401: "No or bad token"},
    query={"year": query_number(*YEARS),
           "partner": QUERY_TEXT, "status": QUERY_TEXT},
    returns=obj({"exchanges": array(EXCHANGE)}, required=["exchanges"]),
)
def list_exchanges():
    args = request.args
    rows = services.visible(current_api_user(), query_int("year", low=YEARS[0], high=YEARS[1]), args.get("partner"),
                            args.get("status"))
    return jsonify({"exchanges": [exchange_json(e) for e in rows]})


@exchanges_api.endpoint(
    "/exchanges/<int:exchange_id>", ["GET"], access=ANY_USER, summary="An exchange with its history",
    responses={200: "The exchange", 401: "No or bad token", 403: "Not visible to you", 404: "Unknown"},
    returns={**EXCHANGE, "required": [*EXCHANGE["required"], "history"]},
)
def get_exchange(exchange_id: int):
    exchange = services.exchange_for(exchange_id, current_api_user())
    return jsonify(exchange_json(exchange, with_history=True))
