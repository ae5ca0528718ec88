"""The door: every request's input is checked once, here, before any view reads it.

PostgreSQL refuses NUL bytes, UTF-8 cannot encode lone surrogates, integer columns
hold 32 bits and Python's JSON reader takes ``Infinity`` and 400-digit numbers; each
would fail deep inside a service as a 500. So the door refuses them first:

- the URL (path and query): not UTF-8, or any C0 control character → 400;
- form fields, file names, JSON strings and text bodies (a CSV): NUL, lone surrogates
  and C0 controls other than tab, CR and LF (file names: none at all) → 400;
- JSON bodies: malformed, nested deeper than ``MAX_JSON_DEPTH``, ``NaN``/``Infinity``,
  numbers that overflow or are longer than ``MAX_NUMBER_LENGTH`` → 400; larger than
  ``MAX_JSON_BYTES`` → 413;
- ``<int:…>`` path arguments beyond the database's integers → 404 (no such thing);
- integers in query strings outside their bounds → 400 (:func:`query_int`).

The web pages and the API turn the refusals into a page or the error envelope; for
characters no field may hold (:class:`Unreadable`) a page says so in plain words.
"""

import json
import math
import re
from urllib.parse import unquote_to_bytes

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, ValidationError

from .errors import BadRequest, TooLarge

DB_INT_MAX = 2**31 - 1  # ids and counts are INTEGER columns (32 bits in PostgreSQL)
MAX_JSON_DEPTH = 32
MAX_NUMBER_LENGTH = 30  # characters of a number's text in JSON
MAX_JSON_BYTES = 1024 * 1024
YEARS = (2000, 2100)  # the years the institute's sessions and exchanges may fall in

_URL_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def init_door(app: Flask) -> None:
    """Install the door; call before the blueprints register their routes."""
    app.request_class = DoorRequest
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = DatabaseId
    # First of all before-request functions: CSRF and the rate limiter read the form too.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)


class DatabaseId(IntegerConverter):
    """``<int:…>``, bounded by the database's integers: a larger id names nothing.

    It becomes 0, which no row has, so the view's loader answers 404; refusing the match
    instead would answer 405 where one path has a route per method (GET, PATCH, DELETE)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(DB_INT_MAX)) + 1:  # before int() reads thousands of digits
            return 0
        try:
            return super().to_python(value)
        except ValidationError:
            return 0


# ------------------------------------------------------------------ JSON


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows.")


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise ValueError(f"A number has more than {MAX_NUMBER_LENGTH} digits.")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise ValueError(f"A number has more than {MAX_NUMBER_LENGTH} characters.")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number.")
    return value


def strict_loads(data: str | bytes):
    """JSON as the API accepts it: finite numbers of sane length, bounded nesting."""
    try:
        value = json.loads(data, parse_constant=_refuse_constant, parse_int=_parse_int,
                           parse_float=_parse_float)
    except RecursionError:
        raise ValueError(f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.") from None
    _check_depth(value)
    return value


def _check_depth(value) -> None:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.")
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)


class StrictJSONProvider(DefaultJSONProvider):
    """The app's JSON, read strictly: ``request.get_json()`` (and so ``json_body()``) uses it."""

    def loads(self, s: str | bytes, **kwargs):
        return strict_loads(s)


class DoorRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            raise BadRequest("The request body must be JSON (Content-Type: application/json).")
        raise BadRequest(f"The request body is not JSON the API accepts: {e}")


# ------------------------------------------------------------------ the check


class Unreadable(BadRequest):
    """Characters no field may hold (controls, NUL, lone surrogates, not UTF-8): the API
    names them precisely; a web page says in plain words what is wrong and what to do."""

    page_message = _l("The address or a field holds characters that cannot be accepted (a control "
                      "character or broken text). Go back, remove it and try again.")


def _refuse(where: str, message: str, error: type[BadRequest] = BadRequest):
    where = _NAME_FORBIDDEN.sub("\ufffd", where)  # the answer must not carry what it refuses
    raise error(message, details=[{"field": where, "message": message}])


def _check_text(value: str, where: str, pattern: re.Pattern = _TEXT_FORBIDDEN) -> None:
    if pattern.search(value):
        _refuse(where, "Contains a control character, a NUL byte or a lone surrogate.", Unreadable)


def check_request() -> None:
    """Refuse the request before any view when its URL or body holds what no field may."""
    _check_url()
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_form()
    elif request.is_json:
        _check_json()
    elif request.mimetype.startswith("text/"):
        _check_text_body()


def _check_url() -> None:
    environ = request.environ
    # WSGI servers hand the URL's bytes over as latin-1; they must be UTF-8.
    for part, raw in (("path", environ.get("PATH_INFO", "")), ("query", environ.get("QUERY_STRING", ""))):
        try:
            data = raw.encode("latin-1")
            if part == "query":
                data = unquote_to_bytes(data.replace(b"+", b" "))
            text = data.decode("utf-8")
        except UnicodeError:
            _refuse(part, "The address is not valid UTF-8.", Unreadable)
        _check_text(text, part, _URL_FORBIDDEN)


def _check_form() -> None:
    for key, value in request.form.items(multi=True):
        _check_text(key, key, _NAME_FORBIDDEN)
        _check_text(value, key)
    for key, upload in request.files.items(multi=True):
        _check_text(key, key, _NAME_FORBIDDEN)
        _check_text(upload.filename or "", key, _NAME_FORBIDDEN)


def _check_json() -> None:
    if (request.content_length or 0) > MAX_JSON_BYTES or len(request.get_data()) > MAX_JSON_BYTES:
        raise TooLarge(f"A JSON body may hold at most {MAX_JSON_BYTES // 1024} KB.")
    if not request.get_data():
        return  # no body: the route says whether it needs one
    pending = [(request.get_json(), "")]  # parsed once, strictly; views get the same value
    while pending:
        value, where = pending.pop()
        if isinstance(value, str):
            _check_text(value, where or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else key
                _check_text(key, path, _NAME_FORBIDDEN)
                pending.append((item, path))
        elif isinstance(value, list):
            pending.extend((item, f"{where}.{i}" if where else str(i)) for i, item in enumerate(value))


def _check_text_body() -> None:
    try:
        body = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        return  # not text after all: its reader says where (an enrolment CSV names the line)
    found = _TEXT_FORBIDDEN.search(body)
    if found:
        message = "Contains a control character or a NUL byte."
        raise Unreadable(message, details=[{"line": body.count("\n", 0, found.start()) + 1, "message": message}])


# ------------------------------------------------------------------ query strings


def query_int(name: str, default: int | None = None, low: int = 0, high: int = DB_INT_MAX) -> int | None:
    """An integer from the query string, between ``low`` and ``high``; absent or empty
    gives ``default``, anything else is refused with 400 (never silently replaced)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw) or not low <= int(raw) <= high:
        _refuse(name, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)
