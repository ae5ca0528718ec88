"""The role-route helper: every route against every role that must not reach it.

Routes declare who may reach them (``view.access``: "public", "user", or a set of
roles). These helpers walk the app's URL map, build a URL for each rule with
placeholder values, and check that each refused role gets 403, and that an
anonymous visitor is sent to log in (web) or gets 401 (API).
"""

import re

from institute.access import ANY_USER, PUBLIC
from institute.accounts.models import Role

PLACEHOLDERS = {"int": "999999", "string": "nothing-here", "path": "nothing-here", "default": "x"}


def declared_routes(app):
    """(rule, method, access) for every route the app registers but static files."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(view, "access", None)


def sample_url(rule, values: dict | None = None) -> str:
    values = values or {}
    url = rule.rule
    for converter, name in _arguments(rule):
        url = url.replace(f"<{converter}:{name}>" if converter else f"<{name}>",
                          str(values.get(name, PLACEHOLDERS.get(converter or "default", "x"))))
    return url


def _arguments(rule):
    return re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)


def refused_roles(access) -> list[str]:
    if access in (PUBLIC, ANY_USER):
        return []
    return [role for role in Role if role not in access]


def check_refusals(app, web_clients: dict, api_headers: dict, anonymous, values=None,
                   prefix: str = "") -> list[str]:
    """Request every route as every role that must not reach it; returns the failures.

    ``web_clients`` maps each role to a test client logged in with only that role;
    ``api_headers`` maps each role to its bearer-token headers.
    """
    failures = []
    for rule, method, access in declared_routes(app):
        if not rule.rule.startswith(prefix):
            continue
        url = sample_url(rule, values)
        api = url.startswith("/api/")
        if access != PUBLIC:
            response = anonymous.open(url, method=method)
            expected = (401,) if api else (302,)
            if response.status_code not in expected or (
                not api and "/login" not in response.headers.get("Location", "")
            ):
                failures.append(f"anonymous {method} {url}: {response.status_code}")
        for role in refused_roles(access):
            if api:
                response = anonymous.open(url, method=method, headers=api_headers[role])
            else:
                response = web_clients[role].open(url, method=method)
            if response.status_code != 403:
                failures.append(f"{role} {method} {url}: {response.status_code}, expected 403")
    return failures
