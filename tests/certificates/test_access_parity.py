"""One certificate, loaded for an actor in one place (``certificate_for``): the pages and
the API refuse the same people with the same words. No command reaches a certificate by
its serial (``certificates verify`` reads a file anyone may hold)."""

import pytest

from institute.certificates import services
from institute.extensions import db
from institute.training.services import get_session

from ..builders import create_finished_session as build_finished
from ..builders import create_user
from ..conftest import bearer, login
from ..parity import api_refusal, page_refusal, sent_to_login

NOT_YOURS = "Only the holder and admins see a certificate."
PAGES = ("/certificates/{s}/pdf", "/certificates/{s}/credential", "/certificates/{s}/credential.jwt")
API = ("/api/v1/certificates/{s}", "/api/v1/certificates/{s}/pdf", "/api/v1/certificates/{s}/credential",
       "/api/v1/certificates/{s}/credential.jwt")


@pytest.fixture
def serial(app):
    """One certificate, of f0@example.org; its cohort and other people, committed."""
    with app.app_context():
        data = build_finished()
        create_user(email="instructor@gdi.example", roles="instructor", partner="GDI")
        create_user(email="staff@uca.example", roles="partner", partner="UCA")
        create_user(email="stranger@example.org")
        result = services.issue_session(get_session(data["session"].id), data["admin"], processes=1, limit=1)
        db.session.commit()
        return result.issued[0].serial


def answers(app, email: str, serial: str) -> set:
    """Every page's and API route's answer to ``email`` asking for the certificate."""
    client = app.test_client()
    login(client, email)
    token = bearer(client, email)
    return ({page_refusal(client.get(url.format(s=serial))) for url in PAGES}
            | {api_refusal(client.get(url.format(s=serial), headers=token)) for url in API})


@pytest.mark.parametrize("email", ["f1@example.org", "stranger@example.org", "instructor@gdi.example",
                                   "staff@uca.example"])
def test_everyone_but_the_holder_and_admins_is_refused_alike(app, serial, email):
    """A fellow of the same cohort, a fellow of none, an instructor, a partner's staff."""
    assert answers(app, email, serial) == {(403, NOT_YOURS)}


@pytest.mark.parametrize("email", ["f0@example.org", "admin@example.org"])
def test_the_holder_and_admins_get_it_on_every_channel(app, serial, email):
    client = app.test_client()
    login(client, email)
    token = bearer(client, email)
    assert {client.get(url.format(s=serial)).status_code for url in PAGES} == {200}
    assert {client.get(url.format(s=serial), headers=token).status_code for url in API} == {200}


def test_unknown_and_anonymous(app, serial):
    client = app.test_client()
    assert all(sent_to_login(client.get(url.format(s=serial))) for url in PAGES)
    assert {client.get(url.format(s=serial)).status_code for url in API} == {401}
    assert answers(app, "f0@example.org", "GDI-2026-1-9999") == {(404, "No such certificate.")}


def test_revoking_is_for_admins_alike(app, serial):
    """The route lets admins only; the certificate is then loaded the same way."""
    client = app.test_client()
    login(client, "admin@example.org")
    token = bearer(client, "admin@example.org")
    missing = "GDI-2026-1-9999"
    assert page_refusal(client.post(f"/certificates/{missing}/revoke", data={"reason": "x"})) \
        == api_refusal(client.post(f"/api/v1/certificates/{missing}/revoke", headers=token, json={"reason": "x"})) \
        == (404, "No such certificate.")
