"""Invitation letters for the visa, read back as a consulate's reader would (pdftotext):
the passport name in every script, in the English, the Chinese and the Arabic letter (laid
out right to left), with the session's dates and place, the nationality and the signatory;
refused to others."""

import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from institute.accounts.models import User
from institute.admissions import invitations
from institute.errors import Conflict, Forbidden, Invalid
from institute.extensions import db

from ..builders import HOLDER_NAMES, committed, create_application, create_session, create_user
from ..conftest import bearer, login

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

NATIONALITIES = ["ES", "KZ", "EG", "CN"]
EXPECTED = {"en": ["Spain", "Kazakhstan", "Egypt", "China"], "zh": ["西班牙", "哈萨克斯坦", "埃及", "中国"],
            "ar": ["إسبانيا", "كازاخستان", "مصر", "الصين"]}
# pdftotext marks right-to-left runs with bidi controls and sets a shadda (U+0651) apart
# from its letter: neither is the letter's wording.
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u0651]")


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,  # noqa: S603,S607
                          check=True).stdout


def confirmed_fellows(session) -> list:
    applications = []
    for index, (name, nationality) in enumerate(zip(HOLDER_NAMES, NATIONALITIES, strict=True)):
        application = create_application(session, create_user(name=f"Account {index}"), "accepted")
        application.passport_name, application.nationality = name, nationality
        applications.append(application)
    db.session.flush()
    return applications


@pytest.mark.parametrize("language", ["en", "zh", "ar"])
def test_the_letter_holds_every_script_and_the_facts(ctx, tmp_path, language):
    session = create_session(title="Desert ecology 2026", place="Kubuqi", seats=5)
    for application, country in zip(confirmed_fellows(session), EXPECTED[language], strict=True):
        letter = invitations.render_letter(application, language)
        assert letter.pdf.startswith(b"%PDF")
        text = MARKS.sub("", text_of(letter.pdf, tmp_path))
        flat = " ".join(text.split())
        assert application.passport_name in text, text
        assert country in text and "Wang Lina" in text and "Desert ecology 2026" in flat
        assert invitations.reference(application) in text and "Kubuqi" in text
        if language == "en":
            assert "People's Republic of China" in flat and session.starts_on.strftime("%B") in flat
            assert f"{session.starts_on.day} {session.starts_on:%B %Y}" in flat or \
                f"{session.starts_on:%B} {session.starts_on.day}, {session.starts_on.year}" in flat
            assert "accommodation" in flat
        elif language == "ar":
            assert "رسالة دعوة" in flat and "جمهورية الصين الشعبية" in flat
            assert "الاسم كما في جواز السفر" in flat and "والإقامة والوجبات" in flat
            # digits are runs of their own, which pdftotext may place either side of the month
            assert format_date(session.starts_on, "MMMM", locale="ar") in flat and str(session.ends_on.year) in flat
        else:
            assert "中华人民共和国" in flat and "邀请函" in flat
            assert f"{session.starts_on.year}年{session.starts_on.month}月{session.starts_on.day}日" in flat


def test_the_arabic_letter_runs_right_to_left_in_naskh(ctx):
    application = create_application(create_session(title="Desert ecology 2026"), create_user(), "accepted")
    application.passport_name = "José Ñúñez"
    html = invitations.letter_html(application, "ar")
    assert '<html lang="ar" dir="rtl">' in html and "<bdi>José Ñúñez</bdi>" in html
    assert "<bdi>Desert ecology 2026</bdi>" in html and f'<bdi dir="ltr">{invitations.reference(application)}' in html
    assert '<html lang="en" dir="ltr">' in invitations.letter_html(application, "en")
    assert 'html[dir=rtl] body { font-family: "Noto Naskh Arabic"' in invitations.STYLESHEET.read_text()


def test_the_account_name_when_no_passport_name_and_the_configured_signatory_and_costs(ctx, app, tmp_path,
                                                                                     monkeypatch):
    application = create_application(create_session(), create_user(name="Айгерим Account"), "accepted")
    monkeypatch.setitem(app.config, "INVITATION_SIGNATORY", {"name": "Li Wei", "title": "Registrar"})
    monkeypatch.setitem(app.config, "INVITATION_COSTS", {"en": "accommodation and meals only"})
    text = " ".join(text_of(invitations.render_letter(application, "en").pdf, tmp_path).split())
    assert "Айгерим Account" in text and "Li Wei" in text and "Registrar" in text
    assert "accommodation and meals only" in text and "Wang Lina" not in text


def test_the_language_follows_the_request_then_the_reader(ctx):
    fellow = create_user()
    assert invitations.letter_language(None, fellow) == "en"
    fellow.locale = "zh"
    assert invitations.letter_language("", fellow) == "zh"
    assert invitations.letter_language("en", fellow) == "en"
    fellow.locale = "ar"
    assert invitations.letter_language(None, fellow) == "ar"
    assert invitations.letter_language("zh", fellow) == "zh"
    fellow.locale = "fr"
    assert invitations.letter_language(None, fellow) == "en"
    assert invitations.letter_language("ar", fellow) == "ar"
    with pytest.raises(Invalid):
        invitations.letter_language("fr", fellow)


def test_the_letter_is_for_the_applicant_and_admins_of_a_confirmed_seat(ctx):
    session = create_session(seats=5)
    confirmed = create_application(session, status="accepted")
    offered = create_application(session, status="offered")
    assert invitations.invitation_for(confirmed.id, confirmed.user) is confirmed
    assert invitations.invitation_for(confirmed.id, create_user(roles="admin")) is confirmed
    for someone in (offered.user, create_user(roles="instructor"), create_user(roles="partner"), None):
        with pytest.raises(Forbidden):
            invitations.invitation_for(confirmed.id, someone)
    with pytest.raises(Conflict):
        invitations.invitation_for(offered.id, offered.user)
    with pytest.raises(Conflict):
        invitations.invitation_for(create_application(session, status="waitlisted").id, create_user(roles="admin"))


def test_page_and_api_downloads_and_refusals(app, client, make_user, tmp_path):
    make_user(email="fellow@example.org")
    make_user(email="other@example.org")
    make_user(email="teacher@example.org", roles="instructor")
    make_user(email="admin@example.org", roles="admin")
    with committed(app):
        session = create_session()
        fellow = db.session.scalar(sa.select(User).where(User.email == "fellow@example.org"))
        application = create_application(session, fellow, "accepted")
        application.passport_name = "王小明"
        offered = create_application(session, status="offered")
        ids, offered_email = (application.id, offered.id), offered.user.email
    page = app.test_client()
    login(page, "fellow@example.org")
    response = page.get(f"/applications/{ids[0]}/invitation.pdf?lang=zh")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "王小明" in text_of(response.data, tmp_path)
    arabic = page.get(f"/applications/{ids[0]}/invitation.pdf?lang=ar")
    assert arabic.status_code == 200 and arabic.headers["Content-Disposition"].endswith('-ar.pdf"')
    assert "王小明" in text_of(arabic.data, tmp_path) and "رسالة دعوة" in MARKS.sub("", text_of(arabic.data, tmp_path))
    for email, status in (("other@example.org", 403), ("teacher@example.org", 403)):
        other = app.test_client()
        login(other, email)
        assert other.get(f"/applications/{ids[0]}/invitation.pdf").status_code == status
    assert app.test_client().get(f"/applications/{ids[0]}/invitation.pdf").status_code in (302, 401)

    api = client.get(f"/api/v1/applications/{ids[0]}/invitation", headers=bearer(client, "admin@example.org"))
    assert api.status_code == 200 and api.data.startswith(b"%PDF")
    assert "王小明" in text_of(api.data, tmp_path)
    assert client.get(f"/api/v1/applications/{ids[0]}/invitation",
                      headers=bearer(client, "other@example.org")).status_code == 403
    assert client.get(f"/api/v1/applications/{ids[0]}/invitation?lang=fr",
                      headers=bearer(client, "fellow@example.org")).status_code == 422
    with committed(app):
        db.session.scalar(sa.select(User).where(User.email == "fellow@example.org")).locale = "ar"
    in_arabic = client.get(f"/api/v1/applications/{ids[0]}/invitation", headers=bearer(client, "admin@example.org"))
    assert in_arabic.headers["Content-Disposition"].endswith('-ar.pdf"')  # the fellow's language, not the admin's
    refused = client.get(f"/api/v1/applications/{ids[1]}/invitation", headers=bearer(client, offered_email))
    assert refused.status_code == 409 and "confirmed" in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/applications/999999/invitation",
                      headers=bearer(client, "admin@example.org")).status_code == 404
