"""The OpenAPI 3.1 document, built from the routes the app registers.

Every API route declares its summary, access and responses where it is defined
(``ApiBlueprint.endpoint``); this module only gathers them, so the document
cannot drift from the code.
"""

import re

from flask import current_app, jsonify

from ..accounts.access import ANY_USER, PUBLIC
from .routing import PREFIX, ApiBlueprint

openapi_api = ApiBlueprint("openapi_api", __name__)

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_TYPES = {"int": "integer", "float": "number", "path": "string", "string": "string", None: "string"}

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
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """'/api/v1/courses/<slug>' → '/courses/{slug}' and its path parameters."""
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": _TYPES.get(kind, "string")}}
        for kind, name in _CONVERTER.findall(rule)
    ]
    return _CONVERTER.sub(r"{\2}", rule).removeprefix(PREFIX) or "/", params


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
    if params:
        op["parameters"] = params
    if meta["body"] is not None:
        op["requestBody"] = {"required": True, "content": {meta["body_type"]: {"schema": meta["body"]}}}
    for status, description in sorted(meta["responses"].items()):
        if status >= 400:
            content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        else:
            content = {meta["produces"]: {"schema": {}}}
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
    tags=["meta"],
)
def document():
    return jsonify(build_document(current_app))
