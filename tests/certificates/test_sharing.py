"""Holders share what they earned (the certificate's page and metadata: verification code
and address, an "add to LinkedIn profile" link), each role seeing what it may; reasons
for ineligibility in words, grouped per fellow; a session's days on site."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from institute.extensions import db
from institute.training.models import TrainingSession

from ..builders import (
    committed,
    complete_modules,
    create_attempt,
    create_certificate,
    create_quiz,
    create_session,
    create_user,
    enrol,
    free_year_and_sequence,
)
from ..conftest import bearer, login

BASE = "http://127.0.0.1:5000"  # BASE_URL in tests
TWO_QUESTIONS = """::MC::Capital of Mongolia? {=Ulaanbaatar ~Darkhan ~Erdenet}

::TF::Straw checkerboards fix moving sand.{T}
"""


@pytest.fixture
def shared(app):
    """A holder with a valid certificate and another with a revoked one, a fellow, an admin."""
    with committed(app):
        admin = create_user(email="share-admin@example.org", roles="admin")
        holder = create_user(email="share-holder@example.org", name="Nodira Karimova")
        create_user(email="share-other@example.org", name="Another Fellow")
        valid = create_certificate(fellow=holder, admin=admin)
        revoked = create_certificate("revoked", admin=admin, email="share-revoked@example.org",
                                     reason="Issued twice")
        return {"serial": valid.serial, "code": valid.code, "issued_at": valid.issued_at,
                "title": valid.title, "revoked": revoked.serial}


def _client(app, who):
    client = app.test_client()
    if who != "stranger":
        login(client, f"share-{who}@example.org")
    return client


def _linkedin(html: str) -> dict:
    [href] = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html)
    return _parsed(unescape(href))


def _parsed(url: str) -> dict:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    return {key: values[0] for key, values in parse_qs(parts.query, strict_parsing=True).items()}


def test_the_holder_sees_the_verification_code_address_and_linkedin_link(app, shared):
    page = _client(app, "holder").get(f"/certificates/{shared['serial']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    verify_url = f"{BASE}/verify/{shared['code']}"
    assert shared["code"] in html and verify_url in html
    assert "<script" not in html.split("<main", 1)[-1]  # a plain link: nothing from LinkedIn
    assert _linkedin(html) == {
        "startTask": "CERTIFICATION_NAME", "name": shared["title"],
        "organizationName": "Kubuqi Global Desert Institute",
        "issueYear": str(shared["issued_at"].year), "issueMonth": str(shared["issued_at"].month),
        "certUrl": verify_url, "certId": shared["serial"]}
    assert "1 week" in html or "weeks" in html  # the programme's length
    assert f'href="/certificates/{shared["serial"]}/pdf"' in html
    dashboard = _client(app, "holder").get("/dashboard").get_data(as_text=True)
    assert f'href="/certificates/{shared["serial"]}"' in dashboard


def test_only_the_holder_and_admins_see_the_page(app, shared):
    assert _client(app, "admin").get(f"/certificates/{shared['serial']}").status_code == 200
    other = _client(app, "other").get(f"/certificates/{shared['serial']}")
    assert other.status_code == 403 and "linkedin" not in other.get_data(as_text=True).lower()
    assert _client(app, "stranger").get(f"/certificates/{shared['serial']}").status_code == 302  # to log in
    assert _client(app, "holder").get("/certificates/GDI-1999-1-0001").status_code == 404


def test_a_revoked_certificates_page_says_so_and_offers_no_linkedin_link(app, shared):
    html = _client(app, "revoked").get(f"/certificates/{shared['revoked']}").get_data(as_text=True)
    assert "Revoked" in html and "Issued twice" in html and "linkedin.com" not in html


def test_the_metadata_gives_verification_code_url_and_linkedin_link(app, client, shared):
    serial = shared["serial"]
    meta = client.get(f"/api/v1/certificates/{serial}", headers=bearer(client, "share-holder@example.org"))
    assert meta.status_code == 200
    data = meta.get_json()
    assert data["verification_code"] == shared["code"]
    assert data["verification_url"] == f"{BASE}/verify/{shared['code']}"
    assert client.get(data["verification_url"].removeprefix(BASE)).status_code == 200  # it verifies
    linkedin = _parsed(data["linkedin_url"])
    assert linkedin["certUrl"] == data["verification_url"] and linkedin["certId"] == serial
    assert data["weeks"] >= 1 and data["on_site_days"] is None
    admin = client.get(f"/api/v1/certificates/{serial}", headers=bearer(client, "share-admin@example.org"))
    assert admin.status_code == 200 and admin.get_json()["verification_code"] == shared["code"]
    other = client.get(f"/api/v1/certificates/{serial}", headers=bearer(client, "share-other@example.org"))
    assert other.status_code == 403 and "verification_code" not in other.get_data(as_text=True)
    assert client.get(f"/api/v1/certificates/{serial}").status_code == 401


def test_the_verification_url_comes_from_base_url_not_the_request(app, shared, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://training.gdi.example")
    html = _client(app, "holder").get(f"/certificates/{shared['serial']}").get_data(as_text=True)
    url = f"https://training.gdi.example/verify/{shared['code']}"
    assert url in html and _linkedin(html)["certUrl"] == url and "localhost" not in html


@pytest.fixture
def mixed_cohort(app):
    """A session of a course with a quiz (pass mark 60): one fellow completed, one is at
    50%, one has done nothing."""
    with committed(app):
        admin = create_user(email="mixed-admin@example.org", roles="admin")
        quiz = create_quiz(gift=TWO_QUESTIONS, slug="sand-fixing", title="Dune ecology", pass_mark=60,
                           slug_title="Sand fixing")
        course = quiz.revision.course
        session = create_session(title="Mixed cohort", courses=[course], **free_year_and_sequence())
        done = enrol(session, admin=admin, email="mixed-done@example.org", name="Done Fellow")
        half = enrol(session, admin=admin, email="mixed-half@example.org", name="Half Fellow")
        enrol(session, admin=admin, email="mixed-none@example.org", name="Idle Fellow")
        complete_modules(done, course)
        create_attempt(quiz, done, "submitted", {"0": 0, "1": True})
        complete_modules(half, course, ["module-1"])
        create_attempt(quiz, half, "submitted", {"0": 1, "1": True})
        return {"session_id": session.id}


def test_the_preview_groups_reasons_per_fellow_in_words(app, mixed_cohort):
    html = _client_of(app, "mixed-admin").get(
        f"/admin/sessions/{mixed_cohort['session_id']}/certificates/issue").get_data(as_text=True)
    assert "1 fellow gets a certificate" in html and "Done Fellow" in html
    assert html.index("Done Fellow") < html.index("Half Fellow")  # who gets one comes first
    assert html.count("<details") == 2 and "<details open" not in html  # folded, one per fellow
    half = html[html.index("Half Fellow"):html.index("Idle Fellow")]
    assert "Quiz “Dune ecology” of “Sand fixing” not passed (best 50%, pass mark 60%)" in half
    assert "Module “Module 2” of “Sand fixing” not done" in half
    idle = html[html.index("Idle Fellow"):]
    assert "Quiz “Dune ecology” of “Sand fixing” not taken yet (pass mark 60%)" in idle
    assert "sand-fixing/" not in html  # no slugs
    page = _client_of(app, "mixed-admin").get(
        f"/admin/sessions/{mixed_cohort['session_id']}/certificates").get_data(as_text=True)
    assert page.count("<details") == 2 and "mixed-half@example.org" in page


def test_the_api_gives_the_reasons_in_words(app, client, mixed_cohort):
    issued = client.post(f"/api/v1/sessions/{mixed_cohort['session_id']}/certificates",
                         headers=bearer(client, "mixed-admin@example.org")).get_json()
    reasons = {entry["email"]: entry["reasons"] for entry in issued["ineligible"]}
    assert reasons["mixed-half@example.org"] == [
        "Module “Module 2” of “Sand fixing” not done",
        "Quiz “Dune ecology” of “Sand fixing” not passed (best 50%, pass mark 60%)"]


def _client_of(app, name):
    client = app.test_client()
    login(client, f"{name}@example.org")
    return client


def test_the_session_records_days_on_site(app, client):
    with committed(app):
        create_user(email="onsite-admin@example.org", roles="admin")
        session = create_session(title="On site", **free_year_and_sequence())
        session_id = session.id
    admin = _client_of(app, "onsite-admin")
    form = admin.get(f"/admin/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'name="on_site_days"' in form
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        fields = {"title": session.title, "year": session.year, "sequence": str(session.sequence),
                  "starts_on": session.starts_on.isoformat(), "ends_on": session.ends_on.isoformat(),
                  "seats": session.seats, "place": session.place}
    too_many = admin.post(f"/admin/sessions/{session_id}/edit", data={**fields, "on_site_days": "400"})
    assert too_many.status_code == 200 and "days on site are between 0" in too_many.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).on_site_days is None  # nothing changed
    saved = admin.post(f"/admin/sessions/{session_id}/edit", data={**fields, "on_site_days": "12"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).on_site_days == 12
    api = client.get(f"/api/v1/sessions/{session_id}", headers=bearer(client, "onsite-admin@example.org"))
    assert api.get_json()["on_site_days"] == 12 and api.get_json()["weeks"] == 3
    page = admin.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "3 weeks" in page and "12 days on site" in page
