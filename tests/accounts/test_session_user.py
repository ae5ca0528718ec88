"""The session's user: read fresh on every request, read-only, its ORM row on demand."""

import pytest
from flask_login import current_user

from institute.accounts import services
from institute.accounts.logins import end_login, start_login
from institute.accounts.models import User
from institute.accounts.session_user import SessionUser, load_session_user
from institute.extensions import db

from ..conftest import login


def test_each_request_reads_the_user_afresh(app, client, make_user):
    user = make_user(email="f@example.org", name="Aida")
    admin = make_user(email="a@example.org", roles="admin", partner="GDI")
    login(client, "f@example.org")
    assert client.get("/courses/review").status_code == 403
    with app.app_context():
        services.update_user(db.session.get(User, admin.id), db.session.get(User, user.id),
                             ["trainee", "instructor"], None, True)
        db.session.commit()
    assert client.get("/courses/review").status_code == 200  # the new role, at once
    with app.app_context():
        services.update_user(db.session.get(User, admin.id), db.session.get(User, user.id),
                             ["trainee"], None, False)
        db.session.commit()
    response = client.get("/dashboard")  # deactivated: the session has ended
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_user_holds_roles_and_reads_the_rest_from_its_record(app, make_user):
    made = make_user(email="p@example.org", name="Pat", roles=("partner", "instructor"),
                     partner="GDI")
    with app.test_request_context():
        session_id = start_login(db.session.get(User, made.id))
        user = load_session_user(session_id)
        assert isinstance(user, SessionUser) and user.is_authenticated and user.is_active
        assert user.roles == {"partner", "instructor"} and user.has_role("instructor")
        assert not user.has_role("admin", "trainee")
        assert user.get_id() == session_id and session_id.startswith(f"{made.id}:{made.session_version}:")
        assert user.partner.code == "GDI" and user.created_at is not None  # from the row
        assert user == db.session.get(User, made.id) == user  # equal to its row, both ways
        assert user.record is user.record  # loaded once per request
        with pytest.raises(AttributeError):
            user.name = "Changed"  # would be lost: change user.record instead
        key = session_id.rsplit(":", 1)[1]
        assert load_session_user(f"{made.id}:{made.session_version + 1}:{key}") is None  # old password
        assert load_session_user(f"{made.id}:{made.session_version}:not-the-key") is None
        assert load_session_user(f"{made.id}:{made.session_version}") is None  # before login sessions
        assert load_session_user(f"{10**9}:1:{key}") is None
        end_login(session_id)
        assert load_session_user(session_id) is None  # logged out


def test_visitors_and_fellows_without_partner(app, client, make_user):
    made = make_user(email="f@example.org", roles="trainee")
    with app.test_request_context():
        user = load_session_user(start_login(db.session.get(User, made.id)))
        assert user.partner is None and user.roles == {"trainee"}
    login(client, "f@example.org")
    with client:
        client.get("/dashboard")
        assert isinstance(current_user._get_current_object(), SessionUser)


def test_profile_language_and_password_change_reach_the_row(app, client, make_user):
    made = make_user(email="f@example.org", name="Old Name")
    login(client, "f@example.org")
    client.post("/profile", data={"name": "New Name", "country": "KG", "locale": ""})
    client.post("/language", data={"locale": "es", "next": "/"})
    response = client.post("/profile/password", data={
        "pw-current_password": "correct horse battery", "pw-new_password": "a new long password",
        "pw-confirm": "a new long password"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(User, made.id)
        assert (row.name, row.locale, row.session_version) == ("New Name", "es", 2)
    assert client.get("/dashboard").status_code == 200  # still logged in, under the new version
