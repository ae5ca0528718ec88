"""Accounts behind JSON: tokens, the caller, users, partners."""

from flask import jsonify

from ..access import ANY_USER, PUBLIC
from ..api import ApiBlueprint, current_api_user, json_body, token_loader
from ..api.schemas import COUNTRY, DATE_TIME, EMAIL, ID, PARTNER_CODE, STRING, array, enum_of, line, nullable, obj, text
from ..config import Defaults
from ..errors import Unauthorized
from ..links import external_url
from . import recovery, services
from .feeds import calendar_token
from .models import PartnerKind, Role
from .serializers import partner_json, user_json
from .throttle import record_failure, reset_limited, throttled

accounts_api = ApiBlueprint("accounts_api", __name__)
token_loader(services.user_for_token)  # the API knows users only through this

# Any character the door lets through; an installation may ask for longer ones (the service checks).
PASSWORD = text(200, Defaults.PASSWORD_MIN_LENGTH)
PARTNER = obj({"id": ID, "code": STRING, "name": STRING, "country": STRING, "kind": enum_of(PartnerKind)},
              required=["id", "code", "name", "country", "kind"])
USER = obj({"id": ID, "email": STRING, "name": STRING, "country": nullable(STRING),
            "roles": array(enum_of(Role)), "partner": nullable(PARTNER), "active": {"type": "boolean"},
            "timezone": STRING},
           required=["id", "email", "name", "country", "roles", "partner", "active", "timezone"])


@accounts_api.endpoint(
    "/auth/token",
    ["POST"],
    access=PUBLIC,
    summary="Exchange an email and password for a bearer token",
    body=obj({"email": line(254), "password": text(200), "name": line(100)}, required=["email", "password"],
             additional=False),
    responses={201: "{token, expires_at}", 400: "Malformed", 401: "Wrong credentials",
               429: "Too many failed attempts"},
    returns=obj({"token": STRING, "expires_at": DATE_TIME}, required=["token", "expires_at"]),
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
    "/auth/password-reset",
    ["POST"],
    access=PUBLIC,
    summary="Send a link to choose a new password; the same answer for every address",
    body=obj({"email": line(254)}, required=["email"], additional=False),
    responses={202: "Sent if the address has an account", 400: "Malformed", 422: "No email",
               429: "Too many requests from this address"},
    returns=obj({"status": STRING}, required=["status"]),
)
@reset_limited
def request_password_reset():
    recovery.request_password_reset(str(json_body()["email"]))
    return jsonify({"status": "accepted"}), 202


@accounts_api.endpoint(
    "/me", ["GET"], access=ANY_USER,
    summary="The caller, with roles, partner and the private address of their calendar feed",
    responses={200: "The user", 401: "No or bad token"},
    returns={**USER, "properties": {**USER["properties"], "calendar_url": STRING},
             "required": [*USER["required"], "calendar_url"]},
)
def me():
    user = current_api_user()
    return jsonify({**user_json(user), "calendar_url": external_url("schedule.feed", token=calendar_token(user))})


@accounts_api.endpoint(
    "/users",
    ["POST"],
    access=("admin",),
    summary="Create a user",
    body=obj({"email": EMAIL, "name": line(200, 1), "password": PASSWORD,
              "roles": array(enum_of(Role), len(Role), minItems=1),
              "partner": nullable(PARTNER_CODE), "country": nullable(COUNTRY)},
             required=["email", "name", "password", "roles"], additional=False),
    responses={201: "The user", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               409: "Duplicate email", 422: "Invalid fields"},
    returns=USER,
)
def create_user():
    data = json_body()
    user = services.create_user(
        email=data["email"],
        name=data["name"],
        password=data["password"],
        roles=data["roles"],
        partner=data.get("partner"),
        country=data.get("country"),
    )
    return jsonify(user_json(user)), 201


@accounts_api.endpoint(
    "/partners", ["GET"], access=ANY_USER, summary="Partner institutions",
    responses={200: "The partners", 401: "No or bad token"},
    returns=obj({"partners": array(PARTNER)}, required=["partners"]),
)
def partners():
    return jsonify({"partners": [partner_json(p) for p in services.list_partners()]})
