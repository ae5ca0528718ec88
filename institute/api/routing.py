"""API routes: bearer-token authentication, role checks and OpenAPI metadata in one decorator."""

from collections.abc import Callable, Iterable
from functools import wraps

from flask import Blueprint, g, request

from ..access import ANY_USER, PUBLIC, role_refusal
from ..errors import BadRequest, Invalid, Unauthorized
from .schemas import problems, validator

PREFIX = "/api/v1"

# Who a bearer token belongs to is the accounts' rule; accounts registers it here
# (token_loader), so this machinery knows no domain. None until then: every token fails.
_user_for_token: Callable[[str], object] | None = None


def token_loader(load: Callable[[str], object]) -> Callable[[str], object]:
    """Register the function that finds the user of a bearer token (or None)."""
    global _user_for_token
    _user_for_token = load
    return load


def _token_user(token: str | None):
    return _user_for_token(token) if _user_for_token is not None and token else None


def current_api_user():
    """The user the request's bearer token belongs to (set by the route decorator)."""
    return g.api_user


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def json_body() -> dict:
    """The request's JSON object, or 400 when it is missing or malformed."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def _check_body(check) -> None:
    data = request.get_json(silent=True)  # the door has parsed it already, strictly
    if data is None:
        raise BadRequest("The request body must be JSON (Content-Type: application/json).")
    found = problems(check, data)
    if found:
        raise Invalid(details=found)


class ApiBlueprint(Blueprint):
    """A blueprint under /api/v1 whose routes declare access and OpenAPI facts together."""

    def __init__(self, name: str, import_name: str):
        super().__init__(name, import_name, url_prefix=PREFIX)

    # Deliberately replaces Flask's endpoint(name) decorator, which the API never uses.
    def endpoint(  # type: ignore[override]
        self,
        rule: str,
        methods: Iterable[str],
        *,
        access: str | Iterable[str],
        summary: str,
        responses: dict[int, str],
        body: dict | None = None,
        body_type: str = "application/json",
        produces: str | tuple[str, ...] = "application/json",
        returns: dict | None = None,
        query: dict[str, dict] | None = None,
        tags: Iterable[str] = (),
        multipart_too: bool = False,
    ) -> Callable:
        """Register an API route.

        ``access`` is ``PUBLIC``, ``ANY_USER`` or the roles allowed; ``body`` a JSON
        Schema of the request body, checked before the view runs (422); ``responses``
        the statuses it can answer; ``returns`` the JSON Schema of a success's body;
        ``query`` the query parameters it reads, each with its schema; ``produces``
        the media type of a success (or several, chosen by the Accept header);
        ``multipart_too``: the route also takes multipart/form-data (files), whose fields
        the view reads and checks itself.
        """
        allowed = access if access in (PUBLIC, ANY_USER) else frozenset(access)
        check = validator(body) if body is not None and body_type == "application/json" else None

        def decorator(view):
            @wraps(view)
            def wrapped(*args, **kwargs):
                g.api_user = None
                if allowed != PUBLIC:
                    user = _token_user(bearer_token())
                    if user is None:
                        raise Unauthorized("A valid bearer token is required.")
                    if allowed != ANY_USER and not user.has_role(*allowed):
                        raise role_refusal()
                    g.api_user = user
                if check is not None and not (multipart_too and request.mimetype == "multipart/form-data"):
                    _check_body(check)
                return view(*args, **kwargs)

            wrapped.access = allowed
            wrapped.openapi = {
                "summary": summary,
                "responses": responses,
                "body": body,
                "body_type": body_type,
                "produces": produces,
                "returns": returns,
                "query": query or {},
                "tags": list(tags) or [self.name.removesuffix("_api")],
            }
            self.add_url_rule(rule, view_func=wrapped, methods=list(methods))
            return wrapped

        return decorator
