"""Login limits that fit a classroom and a proxy; sessions that end on the server; links
that never follow the Host header."""

import re

import pytest

from institute import create_app
from institute.extensions import db

from ..conftest import TEST_CONFIG, login

CLASSROOM = "192.0.2.10"


def _login_from(client, email, password, address=CLASSROOM, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_one_accounts_failures_never_refuse_another_fellow_in_the_same_room(app, make_user):
    for name in ("target", "amina", "bilal", "chen"):
        make_user(email=f"{name}@example.org")
    attacker = app.test_client()
    statuses = [_login_from(attacker, "target@example.org", "guess").status_code for _ in range(15)]
    assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}  # that account is limited
    for name in ("amina", "bilal", "chen"):  # three fellows at the next desks, same address
        response = _login_from(app.test_client(), f"{name}@example.org", "correct horse battery")
        assert response.status_code == 302, name


def test_the_api_token_limit_is_per_account_too(app, client, make_user):
    make_user(email="target@example.org")
    make_user(email="other@example.org")
    for _ in range(11):
        client.post("/api/v1/auth/token", json={"email": "target@example.org", "password": "guess"})
    assert client.post("/api/v1/auth/token", json={"email": "target@example.org",
                                                   "password": "guess"}).status_code == 429
    right = client.post("/api/v1/auth/token", json={"email": "other@example.org",
                                                    "password": "correct horse battery"})
    assert right.status_code == 201


def _app_with(tmp_path, **config):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": 5, **config},
                     instance_path=str(tmp_path))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


@pytest.mark.parametrize("hops", [1])
def test_behind_a_trusted_proxy_two_clients_are_limited_apart(tmp_path, hops):
    app = _app_with(tmp_path, PROXY_FIX_X_FOR=hops)
    proxy = "10.0.0.2"  # every request reaches the app from the proxy's address
    client = app.test_client()
    for i in range(5):
        _login_from(client, f"nobody{i}@example.org", "guess", proxy, forwarded="198.51.100.1")
    assert _login_from(client, "x@example.org", "guess", proxy, forwarded="198.51.100.1").status_code == 429
    # Another client behind the same proxy is not limited by the first one's failures.
    assert _login_from(client, "x@example.org", "guess", proxy, forwarded="198.51.100.2").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_without_proxy_fix_x_forwarded_for_changes_nothing(tmp_path):
    app = _app_with(tmp_path)
    client = app.test_client()
    for i in range(5):
        _login_from(client, f"nobody{i}@example.org", "guess", forwarded=f"198.51.100.{i}")
    # A client cannot escape the address limit by inventing X-Forwarded-For.
    assert _login_from(client, "x@example.org", "guess", forwarded="203.0.113.9").status_code == 429
    with app.app_context():
        db.engine.dispose()


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_a_cookie_copied_before_logout_is_refused_afterwards(client, make_user):
    make_user(email="f@example.org")
    client.post("/login", data={"email": "f@example.org", "password": "correct horse battery",
                                "remember": "y"})
    assert client.get("/dashboard").status_code == 200
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, "remember_token")
    assert session_cookie and remember_cookie
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302
    # The thief replays the copied cookies: the server has ended that session.
    client.set_cookie("session", session_cookie)
    assert client.get("/dashboard").status_code == 302
    client.delete_cookie("session")
    client.set_cookie("remember_token", remember_cookie)
    assert client.get("/dashboard").status_code == 302


def test_logging_out_ends_only_that_login(app, make_user):
    make_user(email="f@example.org")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "f@example.org")
    login(phone, "f@example.org")
    laptop.post("/logout")
    assert laptop.get("/dashboard").status_code == 302
    assert phone.get("/dashboard").status_code == 200


def test_the_csrf_token_is_rotated_at_login(app, make_user):
    make_user(email="f@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()

        def token(path):
            return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                             client.get(path).get_data(as_text=True)).group(1)

        before = token("/login")
        response = client.post("/login", data={"email": "f@example.org", "password": "correct horse battery",
                                                "csrf_token": before})
        assert response.status_code == 302
        with client.session_transaction() as session:
            raw_after = session.get("csrf_token")
        after = token("/profile")
        assert raw_after is None or after != before
        # The token seen before login no longer works for the logged-in session's forms.
        assert client.post("/logout", data={"csrf_token": before}).status_code == 400
        assert client.get("/dashboard").status_code == 200
        assert client.post("/logout", data={"csrf_token": after}).status_code == 302
        assert client.get("/dashboard").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_app_refuses_to_start_without_base_url_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "BASE_URL": "https://training.gdi.example"}, instance_path=str(tmp_path))
    assert app.config["BASE_URL"] == "https://training.gdi.example"
