"""Accounts behind JSON: tokens, the caller, users, partners."""

from flask import jsonify

from ..api import ApiBlueprint, current_api_user, json_body
from ..errors import Unauthorized
from . import services
from .access import ANY_USER, PUBLIC
from .serializers import partner_json, user_json
from .throttle import record_failure, throttled

accounts_api = ApiBlueprint("accounts_api", __name__)

_STRING = {"type": "string"}


@accounts_api.endpoint(
    "/auth/token",
    ["POST"],
    access=PUBLIC,
    summary="Exchange an email and password for a bearer token",
    body={
        "type": "object",
        "required": ["email", "password"],
        "properties": {"email": _STRING, "password": _STRING, "name": _STRING},
    },
    responses={201: "{token, expires_at}", 400: "Malformed", 401: "Wrong credentials",
               429: "Too many failed attempts"},
)
@throttled
def create_token():
    data = json_body()
    user = services.authenticate(str(data.get("email", "")), str(data.get("password", "")))
    if user is None:
        record_failure()
        raise Unauthorized("The email or password is wrong.")
    raw, token = services.issue_token(user, name=str(data.get("name") or "api"))
    return jsonify({"token": raw, "expires_at": token.expires_at.isoformat()}), 201


@accounts_api.endpoint(
    "/me", ["GET"], access=ANY_USER, summary="The caller, with roles and partner",
    responses={200: "The user", 401: "No or bad token"},
)
def me():
    return jsonify(user_json(current_api_user()))


@accounts_api.endpoint(
    "/users",
    ["POST"],
    access=("admin",),
    summary="Create a user",
    body={
        "type": "object",
        "required": ["email", "name", "password", "roles"],
        "properties": {
            "email": _STRING,
            "name": _STRING,
            "password": _STRING,
            "roles": {"type": "array", "items": {"enum": ["trainee", "partner", "instructor", "admin"]}},
            "partner": {"type": ["string", "null"]},
            "country": {"type": ["string", "null"]},
        },
    },
    responses={201: "The user", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               409: "Duplicate email", 422: "Invalid fields"},
)
def create_user():
    data = json_body()
    roles = data.get("roles", ["trainee"])
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, list):
        roles = []
    user = services.create_user(
        email=str(data.get("email", "")),
        name=str(data.get("name", "")),
        password=data.get("password", ""),
        roles=[str(r) for r in roles],
        partner=data.get("partner"),
        country=data.get("country"),
    )
    return jsonify(user_json(user)), 201


@accounts_api.endpoint(
    "/partners", ["GET"], access=ANY_USER, summary="Partner institutions",
    responses={200: "The partners", 401: "No or bad token"},
)
def partners():
    return jsonify({"partners": [partner_json(p) for p in services.list_partners()]})
