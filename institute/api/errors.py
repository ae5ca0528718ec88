"""The JSON error envelope of DESIGN §7: {"error": {"code", "message", "details"}}."""

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ..errors import DomainError

# HTTP statuses that are not domain errors, with their envelope codes.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


def envelope(status: int, code: str, message: str, details: list | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def domain_error(exc: DomainError):
    return envelope(exc.status, exc.code, exc.message, exc.details)


def kept_headers(exc: HTTPException) -> dict:
    """The headers werkzeug gives an error (``Allow`` on 405, ``Retry-After``…), but its body's type."""
    return {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}


def http_error(exc: HTTPException):
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 429:
        message = "Too many attempts; wait a minute and try again."
    response = envelope(status, HTTP_CODES.get(status, "error"), message)
    response.headers.update(kept_headers(exc))
    return response


def server_error():
    return envelope(500, "server_error", "The server met an unexpected error.")
