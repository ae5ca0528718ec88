"""Forgotten passwords: the same answer for every address, a single-use link that expires,
the old sessions ended; an admin sends the link and corrects a name or an email."""

import re
from datetime import timedelta

import sqlalchemy as sa

from institute.accounts import recovery, services
from institute.accounts.models import ApiToken, PasswordToken
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import PASSWORD
from ..conftest import bearer, login

NEW_PASSWORD = "a brand new passphrase"


def _mail_to(app, address):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
                                  .order_by(OutboxMessage.id)).all()


def _link_in(message) -> str:
    return re.search(r"https?://\S+/set-password/\S+", message.body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_the_login_page_links_to_the_forgotten_password_page(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    assert client.get("/password/forgot").status_code == 200


def test_known_and_unknown_addresses_get_the_same_page_and_only_the_known_one_an_email(
        app, client, make_user):
    make_user(email="amina@example.org", name="Amina Diallo")
    known = client.post("/password/forgot", data={"email": "amina@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def strip(html):  # the echoed address and CSRF token are the only differences allowed
        return re.sub(r'value="[^"]*"', "", html).replace("amina@example.org", "X").replace(
            "nobody@example.org", "X")

    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert "on its way" in known.get_data(as_text=True)
    [message] = _mail_to(app, "amina@example.org")
    assert message.kind == "password-reset" and "Hello Amina Diallo," in message.body
    assert _link_in(message).startswith(app.config["BASE_URL"].rstrip("/") + "/set-password/")
    assert _mail_to(app, "nobody@example.org") == []


def test_the_api_answers_202_for_every_address_and_refuses_a_malformed_body(app, client, make_user):
    make_user(email="amina@example.org")
    for email in ("Amina@Example.org ", "nobody@example.org", "not an address"):
        response = client.post("/api/v1/auth/password-reset", json={"email": email})
        assert response.status_code == 202 and response.get_json() == {"status": "accepted"}
    assert len(_mail_to(app, "amina@example.org")) == 1
    assert client.post("/api/v1/auth/password-reset", json={}).status_code == 422
    assert client.post("/api/v1/auth/password-reset", json={"email": "a@b.org", "x": 1}).status_code == 422
    assert client.post("/api/v1/auth/password-reset", data="{", content_type="application/json"
                       ).status_code == 400


def test_the_link_sets_the_password_logs_in_and_ends_other_sessions_and_tokens(app, make_user):
    make_user(email="amina@example.org")
    other_browser = app.test_client()
    login(other_browser, "amina@example.org")
    assert other_browser.get("/dashboard").status_code == 200
    token_headers = bearer(app.test_client(), "amina@example.org")

    client = app.test_client()
    client.post("/password/forgot", data={"email": "amina@example.org"})
    path = _path(_link_in(_mail_to(app, "amina@example.org")[0]))
    page = client.get(path).get_data(as_text=True)
    assert "Choose a new password" in page and "Welcome" not in page  # not the invitation's words
    response = client.post(path, data={"password": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200  # logged in

    assert other_browser.get("/dashboard").status_code == 302  # that session has ended
    assert app.test_client().get("/api/v1/me", headers=token_headers).status_code == 401
    with app.app_context():
        assert services.authenticate("amina@example.org", NEW_PASSWORD) is not None
        assert services.authenticate("amina@example.org", PASSWORD) is None
    # Single use: the same link again is refused, and so is any other link of the user.
    assert client.get(path).status_code == 404
    assert app.test_client().post(path, data={"password": "yet another passphrase"}).status_code == 404


def test_a_link_expires_within_two_hours_and_only_its_digest_is_stored(app, ctx, make_user):
    user = make_user(email="amina@example.org")
    recovery.request_password_reset("amina@example.org")
    db.session.commit()
    raw = _path(_link_in(_mail_to(app, "amina@example.org")[0])).rsplit("/", 1)[1]
    token = db.session.scalar(sa.select(PasswordToken).where(PasswordToken.user_id == user.id))
    assert raw not in token.token_hash and len(token.token_hash) == 64
    assert token.expires_at - token.created_at <= timedelta(hours=2)
    token.expires_at = token.created_at + timedelta(seconds=-1)
    db.session.commit()
    client = app.test_client()
    response = client.get(f"/set-password/{raw}")
    assert response.status_code == 404 and "not valid any more" in response.get_data(as_text=True)


def test_a_short_password_is_refused_and_the_link_still_works(app, make_user):
    make_user(email="amina@example.org")
    client = app.test_client()
    client.post("/password/forgot", data={"email": "amina@example.org"})
    path = _path(_link_in(_mail_to(app, "amina@example.org")[0]))
    response = client.post(path, data={"password": "short"})
    assert response.status_code == 200 and "at least 10 characters" in response.get_data(as_text=True)
    assert client.post(path, data={"password": NEW_PASSWORD}).status_code == 302


def test_asking_again_and_again_sends_at_most_three_links_an_hour(app, client, make_user):
    make_user(email="amina@example.org")
    for _ in range(6):
        client.post("/api/v1/auth/password-reset", json={"email": "amina@example.org"})
    assert len(_mail_to(app, "amina@example.org")) == recovery.RESETS_PER_HOUR


def test_one_address_asking_too_often_is_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 3)
    statuses = [client.post("/api/v1/auth/password-reset", json={"email": f"x{i}@example.org"}).status_code
                for i in range(4)]
    assert statuses == [202, 202, 202, 429]


def _change(app, user, **columns):
    with app.app_context():
        record = services.get_user(user.id)
        for name, value in columns.items():
            setattr(record, name, value)
        db.session.commit()


def test_an_inactive_account_gets_no_link(app, client, make_user):
    _change(app, make_user(email="gone@example.org"), active=False)
    assert client.post("/api/v1/auth/password-reset", json={"email": "gone@example.org"}).status_code == 202
    assert _mail_to(app, "gone@example.org") == []


def test_the_email_is_written_in_the_recipients_language_not_the_askers(app, make_user):
    _change(app, make_user(email="chen@example.org", name="Chen Wei"), locale="zh")
    client = app.test_client()
    client.post("/password/forgot", data={"email": "chen@example.org"}, headers={"Accept-Language": "fr"})
    [message] = _mail_to(app, "chen@example.org")
    assert "Chen Wei" in message.body and "Hello" not in message.body and "Bonjour" not in message.body


# ------------------------------------------------------------------ the admin's side


def test_an_admin_sends_the_link_from_the_users_page(app, make_user):
    make_user(email="admin@example.org", roles=("admin",))
    target = make_user(email="amina@example.org")
    client = app.test_client()
    login(client, "admin@example.org")
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert f'action="/admin/users/{target.id}/password-reset"' in page
    response = client.post(f"/admin/users/{target.id}/password-reset", follow_redirects=True)
    assert "on its way to amina@example.org" in response.get_data(as_text=True)
    [message] = _mail_to(app, "amina@example.org")
    assert "/set-password/" in message.body


def test_only_an_admin_may_send_the_link(app, make_user):
    make_user(email="instructor@example.org", roles=("instructor",))
    target = make_user(email="amina@example.org")
    client = app.test_client()
    assert client.post(f"/admin/users/{target.id}/password-reset").status_code in (302, 401)
    login(client, "instructor@example.org")
    assert client.post(f"/admin/users/{target.id}/password-reset").status_code == 403
    assert _mail_to(app, "amina@example.org") == []


def _edit(client, user, **changes):
    data = {"name": user.name, "email": user.email, "roles": ["trainee"], "partner": "", "active": "y",
            **changes}
    return client.post(f"/admin/users/{user.id}", data=data)


def test_an_admin_corrects_a_name_and_an_email_and_the_old_address_is_told(app, make_user):
    make_user(email="admin@example.org", roles=("admin",))
    target = make_user(email="amina@exmaple.org", name="Amina Dialo")
    client = app.test_client()
    login(client, "admin@example.org")
    response = _edit(client, target, name="Amina Diallo", email="Amina@Example.org")
    assert response.status_code == 302
    with app.app_context():
        user = services.get_user(target.id)
        assert (user.name, user.email) == ("Amina Diallo", "amina@example.org")
    [notice] = _mail_to(app, "amina@exmaple.org")
    assert notice.kind == "email-changed" and "amina@example.org" in notice.body
    assert login(app.test_client(), "amina@example.org").status_code == 302


def test_a_taken_or_invalid_email_and_an_empty_name_change_nothing(app, make_user):
    make_user(email="admin@example.org", roles=("admin",))
    make_user(email="taken@example.org")
    target = make_user(email="amina@example.org", name="Amina Diallo")
    client = app.test_client()
    login(client, "admin@example.org")
    for changes, message in (({"email": "TAKEN@example.org"}, "already exists"),
                             ({"email": "not an address"}, "Not a valid email address"),
                             ({"name": "  "}, "A name is required.")):
        response = _edit(client, target, **changes)
        assert response.status_code == 200 and message in response.get_data(as_text=True), changes
    with app.app_context():
        user = services.get_user(target.id)
        assert (user.name, user.email) == ("Amina Diallo", "amina@example.org")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    assert _mail_to(app, "amina@example.org") == []
