"""Who may reach a web page, declared at the route.

Each decorator records the access on the view (``view.access``) so that the
test helper can walk every route and try each role that must not reach it.
"""

from functools import wraps

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from .errors import Forbidden

PUBLIC = "public"
ANY_USER = "user"


def role_refusal() -> Forbidden:
    """What someone whose role does not reach a page, an API route or a command is told:
    the same words on all three."""
    return Forbidden(_("Your role does not allow this."))


def _mark(view, access):
    view.access = access
    return view


def public(view):
    """Anyone, logged in or not."""
    return _mark(view, PUBLIC)


def login_required(view):
    """Any logged-in user."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapped, ANY_USER)


def roles_required(*roles: str):
    """Logged-in users holding at least one of ``roles``; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_role(*roles):
                raise role_refusal()
            return view(*args, **kwargs)

        return _mark(wrapped, frozenset(roles))

    return decorator
