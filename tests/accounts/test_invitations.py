"""Invited accounts: checked like any account, written together, without a usable password."""

import pytest
import sqlalchemy as sa

from institute.accounts import services
from institute.accounts.models import PasswordToken, User
from institute.errors import Conflict, Invalid
from institute.extensions import db

from ..builders import create_user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_invite_users_checks_everyone_first_and_writes_nothing_if_one_is_wrong(ctx):
    users, tokens = count(User), count(PasswordToken)
    with pytest.raises(Invalid) as caught:
        services.invite_users([{"email": "ok@example.org", "name": "OK", "partner": "uca", "country": "kg"},
                               {"email": "bad", "name": "", "partner": "NOPE", "country": "ZZ"}])
    assert {d["field"] for d in caught.value.details} == {"email", "name", "partner", "country"}
    assert (count(User), count(PasswordToken)) == (users, tokens)


def test_invite_users_refuses_an_email_taken_in_any_case_or_twice_in_the_list(ctx):
    create_user(email="taken@example.org")
    with pytest.raises(Conflict):
        services.invite_users([{"email": "TAKEN@example.org", "name": "T"}])
    with pytest.raises(Conflict):
        services.invite_users([{"email": "twice@example.org", "name": "A"},
                               {"email": "Twice@example.org", "name": "B"}])


def test_invited_accounts_have_fields_roles_a_link_and_no_password(ctx):
    (one, token), (two, _token) = services.invite_users(
        [{"email": " One@Example.org ", "name": "One", "partner": "uca", "country": "kg"},
         {"email": "two@example.org", "name": "Two"}], roles=("trainee", "partner"))
    assert (one.email, one.partner.code, one.country, one.roles) == \
        ("one@example.org", "UCA", "KG", {"trainee", "partner"})
    assert two.partner is None and two.country is None
    assert one.password_hash == two.password_hash == services.UNUSABLE_PASSWORD
    assert services.password_token_user(token) is one
    user, _raw = services.invite_user("three@example.org", "Three", country="PE")
    assert user.id is not None and services.authenticate("three@example.org", "") is None
