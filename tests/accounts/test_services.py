from datetime import timedelta

import pytest

from institute.accounts import services
from institute.database import utcnow
from institute.errors import Conflict, Forbidden, Invalid, NotFound
from institute.extensions import db

from ..builders import PASSWORD, create_user


def test_create_user_normalises_email_and_keeps_roles(ctx):
    user = services.create_user("  Amina@Example.ORG ", "Amina", PASSWORD, ["trainee", "partner"],
                                partner="uca", country="kg")
    assert user.email == "amina@example.org"
    assert user.roles == {"trainee", "partner"}
    assert user.partner.code == "UCA"
    assert user.country == "KG"
    assert user.password_hash != PASSWORD and user.password_hash.startswith("pbkdf2:")


def test_duplicate_email_in_any_case_conflicts(ctx):
    services.create_user("same@example.org", "One", PASSWORD)
    with pytest.raises(Conflict):
        services.create_user("SAME@Example.org", "Two", PASSWORD)


def test_every_invalid_field_is_reported_at_once(ctx):
    with pytest.raises(Invalid) as caught:
        services.create_user("not-an-email", "", "short", ["wizard"], partner="NOPE", country="ZZ")
    fields = {d["field"] for d in caught.value.details}
    assert fields == {"email", "name", "password", "roles", "partner", "country"}
    assert services.user_by_email("not-an-email") is None


def test_authenticate_right_wrong_unknown_and_inactive(ctx):
    user = create_user(email="a@example.org")
    assert services.authenticate("A@example.org", PASSWORD) is user
    assert services.authenticate("a@example.org", "wrong password") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    user.active = False
    assert services.authenticate("a@example.org", PASSWORD) is None


def test_change_password_ends_sessions_and_tokens(ctx):
    user = create_user()
    raw, _token = services.issue_token(user)
    version = user.session_version
    with pytest.raises(Invalid) as caught:
        services.change_password(user, "wrong", "x")
    assert {d["field"] for d in caught.value.details} == {"current_password", "new_password"}
    services.change_password(user, PASSWORD, "a much better password")
    assert user.session_version == version + 1
    assert services.user_for_token(raw) is None
    assert services.authenticate(user.email, "a much better password") is user


def test_update_profile_validates(ctx):
    user = create_user()
    services.update_profile(user, "New Name", "pe", "es")
    assert (user.name, user.country, user.locale) == ("New Name", "PE", "es")
    with pytest.raises(Invalid) as caught:
        services.update_profile(user, " ", "XX", "klingon")
    assert {d["field"] for d in caught.value.details} == {"name", "country", "locale"}
    assert user.name == "New Name"


def test_admin_updates_roles_partner_and_active(ctx):
    admin = create_user(roles="admin")
    user = create_user(roles="trainee")
    raw, _ = services.issue_token(user)
    services.update_user(admin, user, ["partner", "instructor"], "CICA", active=False)
    assert user.roles == {"partner", "instructor"}
    assert user.partner.code == "CICA"
    assert not user.active
    assert services.user_for_token(raw) is None  # deactivation ends API access


def test_admin_cannot_lock_themselves_out(ctx):
    admin = create_user(roles="admin")
    with pytest.raises(Forbidden):
        services.update_user(admin, admin, ["trainee"], None, active=True)
    with pytest.raises(Forbidden):
        services.update_user(admin, admin, ["admin"], None, active=False)
    assert admin.roles == {"admin"} and admin.active


def test_update_user_rejects_unknown_role_and_partner(ctx):
    admin = create_user(roles="admin")
    user = create_user()
    with pytest.raises(Invalid) as caught:
        services.update_user(admin, user, [], "NOPE", True)
    assert {d["field"] for d in caught.value.details} == {"roles", "partner"}
    assert user.roles == {"trainee"}


def test_search_users_by_name_or_email(ctx):
    create_user(email="zhang.min@example.org", name="Zhang Min")
    create_user(email="other@example.org", name="Nomin Bat")
    assert [u.email for u in services.search_users("zhang").items] == ["zhang.min@example.org"]
    assert [u.name for u in services.search_users("NOMIN").items] == ["Nomin Bat"]


def test_tokens_are_hashed_expire_and_revoke(ctx):
    user = create_user()
    raw, token = services.issue_token(user, "laptop")
    assert token.token_hash != raw and len(token.token_hash) == 64
    assert services.user_for_token(raw) == user  # read-only, as a page's user
    assert services.user_for_token("nonsense") is None
    token.expires_at = utcnow() - timedelta(seconds=1)
    assert services.user_for_token(raw) is None
    raw2, token2 = services.issue_token(user)
    other = create_user()
    with pytest.raises(NotFound):
        services.revoke_token(other, token2.id)  # nobody revokes another's token
    services.revoke_token(user, token2.id)
    assert services.user_for_token(raw2) is None


def test_partners_seeded_by_migration(ctx):
    codes = [p.code for p in services.list_partners()]
    assert "GDI" in codes and "IMAU" in codes and len(codes) >= 18
    assert services.load_partners() == 0  # the CSV copy and the migration agree


def test_create_and_update_partner(ctx):
    partner = services.create_partner("uz-tsu", "Tashkent State University", "uz", "university")
    assert partner.code == "UZ-TSU" and partner.country == "UZ"
    with pytest.raises(Conflict):
        services.create_partner("UZ-TSU", "Again", "UZ", "university")
    with pytest.raises(Invalid) as caught:
        services.create_partner("bad code!", "", "", "castle")
    assert {d["field"] for d in caught.value.details} == {"code", "name", "country", "kind"}
    services.update_partner(partner, "Tashkent State Agrarian University", "UZ", "university")
    assert partner.name == "Tashkent State Agrarian University"
    db.session.flush()
