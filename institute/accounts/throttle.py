"""Failed-login limits, per account and far higher per address, shared by the web login and
the API: one account's failures never refuse another person's right password from the same
training room. Also the per-address limit on asking for a password link.

Only failures count (``g.login_failed``), so a person who types the password
right is never slowed down; the limit's state lives in the limiter's storage
(Redis in production) so every worker sees it.
"""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter


def _account_limit() -> str:
    return f"{current_app.config['LOGIN_FAILURES_PER_MINUTE']}/minute"


def _address_limit() -> str:
    return f"{current_app.config['LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE']}/minute"


def _account_key() -> str:
    data = request.form if request.form else (request.get_json(silent=True) or {})
    email = data.get("email", "") if isinstance(data, dict) or hasattr(data, "get") else ""
    return "account:" + str(email).strip().lower()


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def record_failure() -> None:
    g.login_failed = True


THROTTLED: set[str] = set()  # qualified names of the views with limits


@limiter.request_filter
def _not_throttled() -> bool:
    """Spare every other request the limiter's work: only login and reset views have limits."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is None or f"{view.__module__}.{view.__qualname__}" not in THROTTLED


def throttled(view):
    """Apply both failed-login limits to a login view."""
    THROTTLED.add(f"{view.__module__}.{view.__qualname__}")
    view = limiter.shared_limit(
        _account_limit, scope="login-account", key_func=_account_key, deduct_when=_failed
    )(view)
    # request.remote_addr: the client's own address only where ProxyFix is told to trust
    # X-Forwarded-For (PROXY_FIX_X_FOR); otherwise the header changes nothing.
    view = limiter.shared_limit(
        _address_limit, scope="login-address", key_func=get_remote_address, deduct_when=_failed
    )(view)
    return view


def _reset_limit() -> str:
    return f"{current_app.config['PASSWORD_RESETS_PER_ADDRESS_PER_HOUR']}/hour"


def reset_limited(view):
    """Limit password-reset requests per address (the service also caps the links per
    account): asking costs an email, and a script must not make the platform a spammer."""
    THROTTLED.add(f"{view.__module__}.{view.__qualname__}")
    return limiter.shared_limit(_reset_limit, scope="password-reset", key_func=get_remote_address,
                                deduct_when=lambda response: request.method == "POST")(view)
