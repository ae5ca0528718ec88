"""Arabic, right to left: the catalogue is complete and counts in six plural forms, pages
for an Arabic reader (browser or profile) say lang="ar" dir="rtl" and nobody else's do,
the network's own words are isolated in Arabic sentences, a course keeps its own
direction, and an Arabic holder's certificate is printed in Arabic, right to left."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from institute.certificates import services as certificates
from institute.extensions import db
from institute.i18n import direction_of, language_choices

from .builders import committed, create_certificate, create_course, create_session, create_user, enrol
from .conftest import login

ARABIC = {"Accept-Language": "ar-EG,ar;q=0.9"}
CATALOGUE = Path(__file__).resolve().parents[1] / "institute" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%%|\{[a-z_0-9]*\}")


def _catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f, locale="ar")


def test_the_arabic_catalogue_is_complete_and_keeps_every_placeholder():
    catalogue = _catalogue()
    assert catalogue.num_plurals == 6
    entries = [m for m in catalogue if m.id]
    assert len(entries) > 1200
    for m in entries:
        assert not m.fuzzy, m.id
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(forms) and len(forms) == (6 if isinstance(m.id, tuple) else 1), m.id
        source = m.id[1] if isinstance(m.id, tuple) else m.id
        wanted = set(PLACEHOLDER.findall(source))
        # The one and two forms may say the number in words ("مستخدم واحد", "مستخدمان").
        for index, form in enumerate(forms):
            found = set(PLACEHOLDER.findall(form))
            if isinstance(m.id, tuple) and index in (0, 1, 2):
                assert found <= wanted, (m.id, form)
            else:
                assert found == wanted, (m.id, form)
        words = PLACEHOLDER.sub("", source)
        assert re.search("[\u0600-\u06ff]", forms[0]) or not re.search("[a-z]{4}", words.lower()), \
            m.id  # translated, not copied


def test_arabic_is_offered_and_named_in_itself(app):
    with app.test_request_context():
        assert ("ar", "العربية") in language_choices()


@pytest.mark.parametrize(("n", "words"), [
    (0, "0 مستخدم"), (1, "مستخدم واحد"), (2, "مستخدمان"), (3, "3 مستخدمين"),
    (11, "11 مستخدمًا"), (100, "100 مستخدم")])
def test_arabic_counts_in_six_forms(app, n, words):
    with app.test_request_context(), force_locale("ar"):
        assert ngettext("%(num)d user", "%(num)d users", n) == words


def test_the_plural_rule_is_the_arabic_one():
    """The header's rule, as gettext reads it: zero, one, two, few (3–10), many (11–99), other."""
    import gettext

    catalogue = _catalogue()
    assert catalogue.num_plurals == 6
    plural = gettext.c2py(catalogue.plural_expr)
    expected = {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4, 1000: 5}
    assert {n: plural(n) for n in expected} == expected


def test_an_arabic_browser_reads_right_to_left_and_others_do_not(client):
    page = client.get("/login", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "تسجيل الدخول" in page
    for language in ("en-GB", "fr-FR", "zh-CN", "es"):
        page = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
        assert 'dir="ltr"' in page and 'dir="rtl"' not in page


def test_the_profiles_language_decides(app, client):
    with committed(app):
        reader = create_user(email="layla@example.org", name="Layla Haddad")
        reader.locale = "ar"
        create_user(email="john@example.org", name="John Smith").locale = "en"
    login(client, "layla@example.org")
    page = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "لوحة المتابعة" in page
    # The Latin name and the email are isolated inside the Arabic sentence.
    assert "مسجّل الدخول باسم <bdi>Layla Haddad</bdi> (<bdi>layla@example.org</bdi>)." in page
    client.post("/logout")
    login(client, "john@example.org")
    page = client.get("/dashboard", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page and "Dashboard" in page


def test_an_english_course_keeps_its_direction_on_an_arabic_page(app, client):
    with committed(app):
        course = create_course(slug="dunes-en", slug_title="Dunes and wind").course
        session = create_session(courses=[course])
        fellow = enrol(session, email="amal@example.org", name="أمل منصور")
        fellow.locale = "ar"
    login(client, "amal@example.org")
    page = client.get("/courses/dunes-en/modules/module-1").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "وضع علامة الإنجاز" in page
    assert '<div class="prose" lang="en" dir="ltr">' in page
    assert '<h1 lang="en" dir="ltr">Module 1</h1>' in page
    # The next module's link: its arrow turns with the page, its title keeps its own order.
    assert '<bdi>Module 2</bdi> <span class="flip">→</span>' in page


def test_directions_of_languages_as_bundles_name_them():
    assert [direction_of(code) for code in ("ar", "ar-EG", "en-GB", "zh_Hans", "fa", "", None, "not a language")] \
        == ["rtl", "rtl", "ltr", "ltr", "rtl", "auto", "auto", "auto"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_an_arabic_holders_certificate_is_printed_in_arabic_right_to_left(ctx, tmp_path):
    holder = create_user(email="f-ar@example.org", name="Ana María Pérez")
    holder.locale = "ar"
    db.session.flush()
    certificate = create_certificate(fellow=holder)
    facts = {"serial": certificate.serial, "code": certificate.code, "holder_name": certificate.holder_name,
             "title": certificate.title, "starts_on": certificate.starts_on, "ends_on": certificate.ends_on,
             "hours": certificate.hours, "on_site_days": certificate.on_site_days,
             "courses": certificate.courses, "issued_at": certificate.issued_at}
    page = certificates._html(facts, certificate.kind, holder)
    assert page.direction == "rtl"
    assert '<html lang="ar" dir="rtl">' in page.frame and '<html lang="ar" dir="rtl">' in page.holder
    assert "<bdi>Ana María Pérez</bdi>" in page.holder and "<bdi>Certified training</bdi>" in page.frame
    text = _text(certificate.pdf, tmp_path)
    for arabic in ("شهادة إتمام", "معهد كوبوتشي العالمي للصحراء", "أتم الدورة التدريبية", "نشهد"):
        assert arabic in text
    assert "Ana María Pérez" in text and "Certified training" in text and "Certificate of Completion" not in text
    # Laid out right to left: the heading ends near the right edge, the serial sits on the left.
    # (pdftotext's boxes hold the glyphs as drawn: an Arabic word reads backwards there.)
    words = _bounding_boxes(certificate.pdf, tmp_path)
    width = 841.89  # A4 landscape, in points
    assert max(x1 for word, (x0, x1) in words if word[::-1] == "شهادة") > width * 0.8
    assert max(x1 for word, (x0, x1) in words if word == certificate.serial) < width * 0.3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_an_english_holders_certificate_stays_left_to_right(ctx, tmp_path):
    certificate = create_certificate(name="John Smith")
    words = _bounding_boxes(certificate.pdf, tmp_path)
    assert "Completion" in [word for word, _x in words]
    assert min(x0 for word, (x0, x1) in words if word == "Certificate") < 841.89 * 0.2
    assert min(x0 for word, (x0, x1) in words if word == certificate.serial) > 841.89 * 0.7


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,  # noqa: S603,S607
                          check=True).stdout
    return " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).split())


def _bounding_boxes(pdf: bytes, tmp_path) -> list[tuple[str, tuple[float, float]]]:
    """Each word pdftotext finds, with its left and right edges in points."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,  # noqa: S603,S607
                          check=True).stdout
    return [(word, (float(x0), float(x1))) for x0, x1, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]


def test_an_arabic_reader_is_written_to_in_arabic_right_to_left(app, client):
    from institute.notifications.delivery import html_of
    from institute.notifications.models import OutboxMessage

    with committed(app):
        reader = create_user(email="salma@example.org", name="Salma Idrissi")
        reader.locale = "ar"
    client.post("/password/forgot", data={"email": "salma@example.org"}, headers={"Accept-Language": "en"})
    with app.app_context():
        [message] = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.recipient == "salma@example.org")).all()
        assert message.subject == "اختر كلمة مرور جديدة"
        assert message.body.startswith("مرحبًا Salma Idrissi،")
        assert '<p dir="auto">مرحبًا Salma Idrissi،</p>' in html_of(message.body)
