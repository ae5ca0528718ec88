"""The OpenAPI 3.1 document, built from the routes the app registers.

Every API route declares its summary, access and responses where it is defined
(``ApiBlueprint.endpoint``); this module only gathers them, so the document
cannot drift from the code.
"""

import re

from flask import current_app

from ..access import ANY_USER, PUBLIC
from ..door import DB_INT_MAX, MAX_JSON_BYTES
from .routing import PREFIX, ApiBlueprint
from .schemas import LINE_PATTERN

openapi_api = ApiBlueprint("openapi_api", __name__)

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# What each converter lets through: ids beyond the database's integers are 404, like any unknown id.
_PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX},
                 "float": {"type": "number"}}
_TEXT_PARAMETER = {"type": "string", "minLength": 1, "pattern": LINE_PATTERN}
BINARY = {"type": "string", "format": "binary"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                # {field, message}, {file, line, message} (a bundle) or {line, message} (a CSV)
                "details": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "file": {"type": "string"},
                    "line": {"type": ["integer", "null"]}, "message": {"type": "string"}}}},
            },
        }
    },
}


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """'/api/v1/courses/<slug>' → '/courses/{slug}' and its path parameters."""
    params = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS.get(kind, _TEXT_PARAMETER)}
        for kind, name in _CONVERTER.findall(rule)
    ]
    return _CONVERTER.sub(r"{\2}", rule).removeprefix(PREFIX) or "/", params


def _responses(meta: dict, access, params: list) -> dict[int, str]:
    """The route's own statuses, and those every route of its kind may answer."""
    found = dict(meta["responses"])
    found.setdefault(400, "Malformed: refused at the door (control characters, not UTF-8, "
                          "JSON it cannot hold, a query value out of range)")
    if access != PUBLIC:
        found.setdefault(401, "No or bad token")
    if access not in (PUBLIC, ANY_USER):
        found.setdefault(403, "Your role does not allow this")
    if params:
        found.setdefault(404, "Unknown")
    if meta["body"] is not None and meta["body_type"] == "application/json":
        found.setdefault(413, f"A JSON body larger than {MAX_JSON_BYTES // 1024} KB")
        found.setdefault(422, "The body breaks its schema: details name each field")
    return found


def _success(meta: dict) -> dict:
    produces = meta["produces"]
    kinds = [produces] if isinstance(produces, str) else list(produces)
    return {kind: {"schema": (meta["returns"] or {}) if kind == "application/json" else BINARY}
            for kind in kinds}


def _operation(rule, meta, access, params) -> dict:
    op: dict = {
        "summary": meta["summary"],
        "tags": meta["tags"],
        "operationId": rule.endpoint.replace(".", "_"),
        "responses": {},
    }
    if access == PUBLIC:
        op["security"] = []
    else:
        who = "any user" if access == ANY_USER else ", ".join(sorted(access))
        op["description"] = f"Who: {who}."
    params = params + [{"name": name, "in": "query", "required": False, "schema": schema}
                       for name, schema in meta["query"].items()]
    if params:
        op["parameters"] = params
    if meta["body"] is not None:
        op["requestBody"] = {"required": True, "content": {meta["body_type"]: {"schema": meta["body"]}}}
    for status, description in sorted(_responses(meta, access, params).items()):
        if status >= 400:
            content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        else:
            content = _success(meta)
        op["responses"][str(status)] = {"description": description, "content": content}
    return op


def build_document(app) -> dict:
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if meta is None:
            continue  # the completeness test reports such a route
        path, params = openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, meta, view.access, params)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Global Desert Institute e-training API",
            "version": "1.0.0",
            "description": "JSON in and out; authenticate with `Authorization: Bearer <token>` "
            "from `POST /auth/token`. Errors use the envelope `{error: {code, message, details}}`.",
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "paths": paths,
    }


@openapi_api.endpoint(
    "/openapi.json",
    ["GET"],
    access=PUBLIC,
    summary="This OpenAPI 3.1 document",
    responses={200: "The document"},
    returns={"type": "object", "required": ["openapi", "info", "paths"]},
    tags=["meta"],
)
def document():
    # Built once per process: the routes are all known when the app is (tests that add a
    # route build the document themselves, with build_document).
    body = current_app.extensions.get("institute.openapi")
    if body is None:
        body = current_app.extensions["institute.openapi"] = current_app.json.dumps(build_document(current_app))
    return current_app.response_class(body, mimetype="application/json")
