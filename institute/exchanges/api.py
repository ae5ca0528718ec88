"""Teacher exchanges behind JSON."""

from flask import jsonify, request

from ..accounts.access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..door import YEARS, query_int
from ..errors import Forbidden
from . import services
from .serializers import exchange_json

exchanges_api = ApiBlueprint("exchanges_api", __name__)

_DATE = {"type": "string", "format": "date"}


@exchanges_api.endpoint(
    "/exchanges", ["POST"], access=("partner", "admin"),
    summary="Propose a teacher exchange",
    body={"type": "object", "required": ["teacher", "home", "host", "starts_on", "ends_on", "purpose"],
          "properties": {"teacher": {"type": "string", "format": "email"}, "home": {"type": "string"},
                         "host": {"type": "string"}, "starts_on": _DATE, "ends_on": _DATE,
                         "courses": {"type": "array", "items": {"type": "string"}},
                         "purpose": {"type": "string"}}},
    responses={201: "{id, status: proposed}", 400: "Malformed", 401: "No or bad token",
               403: "Not the home institution's staff", 422: "Invalid fields"},
)
def propose():
    data = json_body()
    exchange = services.propose(current_api_user(), data.get("teacher"), data.get("home"),
                                data.get("host"), data.get("starts_on"), data.get("ends_on"),
                                data.get("courses") or [], data.get("purpose"))
    return jsonify(exchange_json(exchange)), 201


@exchanges_api.endpoint(
    "/exchanges/<int:exchange_id>/decision", ["POST"], access=("partner", "instructor", "admin"),
    summary="Move an exchange: confirm (host staff), approve (admin), reject, cancel, complete (with report)",
    body={"type": "object", "required": ["decision"],
          "properties": {"decision": {"enum": ["confirm", "approve", "reject", "cancel", "complete"]},
                         "report": {"type": "string"}}},
    responses={200: "The exchange in its new state", 400: "Malformed", 401: "No or bad token",
               403: "Not yours to decide", 404: "Unknown", 409: "Wrong state or overlapping approval",
               422: "Unknown decision or missing report"},
)
def decide(exchange_id: int):
    data = json_body()
    exchange = services.decide(services.get_exchange(exchange_id), str(data.get("decision") or ""),
                               current_api_user(), str(data.get("report") or ""))
    return jsonify(exchange_json(exchange))


@exchanges_api.endpoint(
    "/exchanges", ["GET"], access=ANY_USER,
    summary="Exchanges the caller may see (filters: year, partner, status)",
    responses={200: "{exchanges}", 401: "No or bad token"},
)
def list_exchanges():
    args = request.args
    rows = services.visible(current_api_user(), query_int("year", low=YEARS[0], high=YEARS[1]), args.get("partner"),
                            args.get("status"))
    return jsonify({"exchanges": [exchange_json(e) for e in rows]})


@exchanges_api.endpoint(
    "/exchanges/<int:exchange_id>", ["GET"], access=ANY_USER, summary="An exchange with its history",
    responses={200: "The exchange", 401: "No or bad token", 403: "Not visible to you", 404: "Unknown"},
)
def get_exchange(exchange_id: int):
    exchange = services.get_exchange(exchange_id)
    if not services.may_see(current_api_user(), exchange):
        raise Forbidden("You may not see this exchange.")
    return jsonify(exchange_json(exchange, with_history=True))
