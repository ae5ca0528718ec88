"""Security basics: CSRF, headers, cookies, and the role-route matrix."""

import pytest

from institute.accounts.models import Role

from ..access import check_refusals, declared_routes
from ..builders import PASSWORD
from ..conftest import bearer, login


def test_form_posted_without_csrf_token_is_refused(app, client, make_user, monkeypatch):
    make_user(email="csrf@example.org")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "not sent from this site" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_form_with_its_csrf_token_is_accepted(app, client, make_user, monkeypatch):
    import re

    make_user(email="csrf2@example.org")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": "csrf2@example.org", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_api_needs_no_csrf_token(app, client, make_user, monkeypatch):
    make_user(email="api-csrf@example.org")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/api/v1/auth/token", json={"email": "api-csrf@example.org",
                                                       "password": PASSWORD})
    assert response.status_code == 201


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    api = client.get("/api/v1/openapi.json")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(client, make_user, app, monkeypatch):
    make_user(email="cookie@example.org")
    response = login(client, "cookie@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_cookie_is_secure_outside_debug(tmp_path):
    from institute import create_app

    app = create_app({"SECRET_KEY": "x", "BASE_URL": "https://training.example", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                     instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_pages_load_nothing_from_other_hosts(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    assert "<script" not in page and "style=" not in page


def test_every_route_declares_who_may_reach_it(app):
    undeclared = [f"{m} {r.rule}" for r, m, access in declared_routes(app) if access is None]
    assert undeclared == []


@pytest.fixture
def role_clients(app, make_user):
    """A logged-in web client and API headers for a user of each single role."""
    clients, headers = {}, {}
    for role in Role:
        email = f"only-{role}@example.org"
        make_user(email=email, roles=role, partner="GDI" if role == "partner" else None)
        clients[role] = app.test_client()
        assert login(clients[role], email).status_code == 302
        headers[role] = bearer(app.test_client(), email)
    return clients, headers


def test_no_role_reaches_a_route_it_must_not(app, role_clients):
    clients, headers = role_clients
    failures = check_refusals(app, clients, headers, anonymous=app.test_client())
    assert failures == []
