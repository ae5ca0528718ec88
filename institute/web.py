"""What the web pages share: error pages, security headers, and the one bridge from domain
errors to forms, flashes and JSON, and from ``next`` to a redirect."""

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from .api import errors as api_errors
from .errors import DomainError

# No inline script or style anywhere: pages work without JavaScript and load nothing
# from another host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def error_messages(exc: DomainError) -> list[str]:
    """What a page says of a refusal: each detail's message, else the error's own message."""
    if exc.page_message is not None:
        return [str(exc.page_message)]
    return [d["message"] for d in exc.details if d.get("message")] or [exc.message]


def flash_error(exc: DomainError) -> None:
    """Say a refusal on the next page, the same way on every page."""
    flash("; ".join(error_messages(exc)), "error")


def apply_errors(form: FlaskForm, exc: DomainError, field: str | None = None) -> None:
    """Show a refusal on a form: each detail under the field it names (others above the form);
    an error without details under ``field``, or above the form."""
    if not exc.details or exc.page_message is not None:
        _form_error(form, field, error_messages(exc)[0])
        return
    for detail in exc.details:
        _form_error(form, detail.get("field"), detail.get("message", exc.message))


def _form_error(form: FlaskForm, name: str | None, message: str) -> None:
    field = getattr(form, name or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)


def safe_next(target: str | None, fallback: str) -> str:
    """Where to go after a form: a plain path on this site, else the ``fallback`` URL.

    Never another host (an open redirect), never a control character (CR/LF would
    split the Location header, and werkzeug refuses it with a 500)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


def next_target(fallback: str) -> str:
    """The request's ``next`` (query or form) if it is a path on this site, else ``fallback``:
    for a page that asks first and carries ``next`` on to its confirm form."""
    return safe_next(request.values.get("next"), fallback)


def redirect_next(fallback: str) -> Response:
    """Redirect to the request's ``next`` (query or form) if it is a path on this site, else to ``fallback``."""
    return redirect(next_target(fallback))


def wants_json() -> bool:
    """Whether the client asked for JSON (the API, or a page's own script such as the autosave)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(status: int, title: str, message: str, details=None, headers=None):
    return (
        render_template("error.html", status=status, title=title, message=message,
                        details=details or []),
        status,
        headers or {},
    )


# Marked with ``_l`` so that pybabel extracts them; each is translated when a page shows it.
TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    415: _l("Unsupported format"),
    422: _l("Not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}

# What a page says instead of werkzeug's English descriptions (the API keeps those).
MESSAGES = {
    400: _l("The page could not read what was sent. Go back and try again."),
    401: _l("Log in to see this page."),
    403: _l("You are not allowed to do this."),
    404: _l("There is no page at this address. Check the address or start again from the home page."),
    405: _l("This page cannot be used that way. Go back and try again."),
    409: _l("This conflicts with a change made in the meantime. Reload the page and try again."),
    413: _l("What was sent is too large. Send a smaller file or less text."),
    415: _l("What was sent is not in a format this page accepts."),
    422: _l("What was sent could not be accepted. Check it and try again."),
    429: _l("Too many failed attempts. Wait a minute and try again."),
    500: _l("The error has been logged. Please try again later."),
}


def _title(status: int) -> str:
    return str(TITLES[status]) if status in TITLES else _("Error")


def register_error_handlers(app: Flask) -> None:
    """One place for web pages and one (``api.errors``) for JSON turn errors into answers: whoever
    asks for JSON (the API, the autosave) gets the one error envelope, whatever the route."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_json():
            return api_errors.domain_error(exc)
        if exc.page_message is not None:
            return _page(exc.status, _title(exc.status), str(exc.page_message))
        return _page(exc.status, _title(exc.status), exc.message, exc.details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        if wants_json():  # the autosave of a page left open past its token
            return api_errors.http_error(exc)
        return _page(
            400,
            _("The form could not be accepted"),
            _("The form was not sent from this site or has expired. Go back, reload the page "
              "and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            return api_errors.http_error(exc)
        status = exc.code or 500
        message = str(MESSAGES[status]) if status in MESSAGES else _("The request could not be completed. "
                                                                      "Go back and try again.")
        return _page(status, _title(status), message, headers=api_errors.kept_headers(exc))

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        if wants_json():
            return api_errors.server_error()
        return _page(500, _title(500), str(MESSAGES[500]))


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not current_app.debug:  # a debug server runs on plain http://127.0.0.1
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store" if _private(response) else "no-cache")
        return response


def _private(response) -> bool:
    """Whether the page was made for a logged-in user (without loading one just to ask)."""
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return session.get("_user_id") is not None
