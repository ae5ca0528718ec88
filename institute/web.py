"""What the web pages share: error pages, security headers, form error mapping."""

from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .api import errors as api_errors
from .errors import DomainError, Invalid

# No inline script or style anywhere: pages work without JavaScript and load nothing
# from another host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def apply_errors(form: FlaskForm, exc: Invalid) -> None:
    """Show a service's field errors next to the form's fields (others on the form)."""
    for detail in exc.details:
        field = getattr(form, detail.get("field") or "", None)
        message = detail.get("message", exc.message)
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


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, title: str, message: str, details=None, headers=None):
    return (
        render_template("error.html", status=status, title=title, message=message,
                        details=details or []),
        status,
        headers or {},
    )


TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Not valid",
    429: "Too many attempts",
    500: "Something went wrong",
}


def register_error_handlers(app: Flask) -> None:
    """One place for web pages and one (``api.errors``) for the API turn errors into answers."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if _is_api():
            return api_errors.domain_error(exc)
        return _page(exc.status, _(TITLES.get(exc.status, "Error")), exc.message, exc.details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _page(
            400,
            _("The form could not be accepted"),
            _("The form was not sent from this site or has expired. Go back, reload the page "
              "and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _is_api():
            return api_errors.http_error(exc)
        status = exc.code or 500
        if status == 429:
            message = _("Too many failed attempts. Wait a minute and try again.")
        else:
            message = _(exc.description) if exc.description else ""
        return _page(status, _(TITLES.get(status, exc.name)), message, headers=api_errors.kept_headers(exc))

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        if _is_api():
            return api_errors.server_error()
        return _page(500, _(TITLES[500]), _("The error has been logged. Please try again later."))


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
