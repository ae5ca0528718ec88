"""API routes: bearer-token authentication, role checks and OpenAPI metadata in one decorator."""

from collections.abc import Callable, Iterable
from functools import wraps

from flask import Blueprint, g, request

from ..accounts.access import ANY_USER, PUBLIC
from ..accounts.services import user_for_token
from ..errors import BadRequest, Forbidden, Unauthorized

PREFIX = "/api/v1"


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


class ApiBlueprint(Blueprint):
    """A blueprint under /api/v1 whose routes declare access and OpenAPI facts together."""

    def __init__(self, name: str, import_name: str):
        super().__init__(name, import_name, url_prefix=PREFIX)

    def endpoint(
        self,
        rule: str,
        methods: Iterable[str],
        *,
        access: str | Iterable[str],
        summary: str,
        responses: dict[int, str],
        body: dict | None = None,
        body_type: str = "application/json",
        produces: str = "application/json",
        tags: Iterable[str] = (),
    ) -> Callable:
        """Register an API route.

        ``access`` is ``PUBLIC``, ``ANY_USER`` or the roles allowed; ``body`` a JSON
        Schema of the request body; ``responses`` the statuses it can answer.
        """
        allowed = access if access in (PUBLIC, ANY_USER) else frozenset(access)

        def decorator(view):
            @wraps(view)
            def wrapped(*args, **kwargs):
                g.api_user = None
                if allowed != PUBLIC:
                    user = user_for_token(bearer_token())
                    if user is None:
                        raise Unauthorized("A valid bearer token is required.")
                    if allowed != ANY_USER and not user.has_role(*allowed):
                        raise Forbidden("Your role does not allow this.")
                    g.api_user = user
                return view(*args, **kwargs)

            wrapped.access = allowed
            wrapped.openapi = {
                "summary": summary,
                "responses": responses,
                "body": body,
                "body_type": body_type,
                "produces": produces,
                "tags": list(tags) or [self.name.removesuffix("_api")],
            }
            self.add_url_rule(rule, view_func=wrapped, methods=list(methods))
            return wrapped

        return decorator
