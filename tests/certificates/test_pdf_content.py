"""What a certificate's PDF says, read back as a reader's tools read it (pdftotext,
pdfimages): the signatories, the logo, the programme's length; a revoked one marked."""

import base64
import hashlib
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from institute.certificates import services as certificates
from institute.certificates.offline import check_bytes
from institute.certificates.signing import private_key
from institute.extensions import db
from institute.notifications.models import OutboxMessage

from ..builders import (
    committed,
    create_certificate,
    create_exchange,
    create_finished_session,
    create_teaching_certificate,
    create_user,
    issue_certificates,
)
from ..conftest import login

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

# A 1×1 PNG: a signature image as an installation would configure it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,  # noqa: S603,S607
                          check=True).stdout


def images_of(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,  # noqa: S603,S607
                             check=True).stdout.splitlines()[2:]
    return [line for line in listing if line.split()[2] == "image"]  # not their soft masks


def test_the_pdf_prints_signatories_logo_and_the_programmes_length(ctx, tmp_path):
    finished = create_finished_session()
    finished["session"].on_site_days = 12
    [first, *_] = issue_certificates(finished["session"], finished["admin"]).issued
    text = text_of(first.pdf, tmp_path)
    for words in ("Wang Lina", "Director, Kubuqi Global Desert Institute", "Samuel Okafor", "Head of Training"):
        assert words in text
    weeks = finished["session"].weeks
    assert weeks == 3 and "3 weeks · 12 days on site" in text
    assert first.on_site_days == 12 and first.weeks == 3
    # The shipped logo (an SVG) is drawn as a form XObject; its name is its alternative text.
    assert b"/XObject" in _uncompressed(first.pdf)


def _uncompressed(pdf: bytes) -> bytes:
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def test_configured_signatories_signature_and_logo_images(app, ctx, tmp_path, monkeypatch):
    signature, logo = tmp_path / "signature.png", tmp_path / "logo.png"
    signature.write_bytes(PNG)
    logo.write_bytes(PNG)
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNATORIES", [
        {"name": "Amina Haddad", "title": "Rector", "signature": str(signature)},
        {"name": "Chen Jie", "title": "Dean of Studies"},
        {"name": "Missing Image", "title": "Registrar", "signature": str(tmp_path / "nowhere.png")}])
    monkeypatch.setitem(app.config, "CERTIFICATE_LOGO", str(logo))
    certificate = create_certificate(name="Configured Fellow")
    text = text_of(certificate.pdf, tmp_path)
    for words in ("Amina Haddad", "Rector", "Chen Jie", "Dean of Studies", "Missing Image", "Registrar"):
        assert words in text
    assert "Wang Lina" not in text
    # Two images: the signature and the logo (the missing file is left out, not fatal).
    assert len(images_of(certificate.pdf, tmp_path)) == 2
    assert "on site" not in text  # the session recorded no days on site: only weeks are printed


def test_a_session_without_on_site_days_prints_weeks_and_hours_only(ctx):
    assert certificates.length_text(*_dates(21), None, 40) == "3 weeks · 40 study hours"
    assert certificates.length_text(*_dates(5), 1, None) == "1 week · 1 day on site"
    assert certificates.length_text(*_dates(54), 10, 120.5) == "8 weeks · 10 days on site · 120.5 study hours"


def _dates(days):
    from datetime import date, timedelta

    start = date(2026, 3, 2)
    return start, start + timedelta(days=days - 1)


def test_the_teaching_certificate_names_courses_and_institutions(ctx, tmp_path):
    from ..builders import create_course

    course = create_course(slug="dune-teaching", slug_title="Dune stabilisation in practice").course
    exchange = create_exchange("completed", courses=[course])
    certificate = create_teaching_certificate(exchange)
    assert certificate.courses == ["Dune stabilisation in practice"]
    assert exchange.home.name in certificate.title and exchange.host.name in certificate.title
    assert exchange.home.code not in certificate.title.split()
    text = " ".join(text_of(certificate.pdf, tmp_path).split())
    assert "Dune stabilisation in practice" in text and "dune-teaching" not in text


def test_a_revoked_certificate_is_downloaded_marked_and_its_holder_told(app, tmp_path):
    with committed(app):
        admin = create_user(email="pdf-admin@example.org", roles="admin")
        holder = create_user(email="pdf-holder@example.org", name="Lucie Martin")
        holder.locale = "fr"
        create_user(email="pdf-other@example.org")
        certificate = create_certificate(fellow=holder, admin=admin)
        serial, stored_hash = certificate.serial, certificate.pdf_sha256
    clients = {}
    for who in ("holder", "admin", "other"):
        clients[who] = app.test_client()
        login(clients[who], f"pdf-{who}@example.org")
    before = clients["holder"].get(f"/certificates/{serial}/pdf").data
    assert "REVOKED" not in text_of(before, tmp_path)
    assert clients["admin"].post(f"/certificates/{serial}/revoke",
                                 data={"reason": "Attendance records were wrong", "confirmed": "1"}).status_code == 302
    for who in ("holder", "admin"):
        download = clients[who].get(f"/certificates/{serial}/pdf")
        assert download.status_code == 200
        text = " ".join(text_of(download.data, tmp_path).split())
        assert "REVOKED on" in text and "Attendance records were wrong" in text
        with app.app_context():
            assert check_bytes(download.data, private_key().public_key()).ok  # the credential is still in it
    assert clients["other"].get(f"/certificates/{serial}/pdf").status_code == 403
    assert app.test_client().get(f"/certificates/{serial}/pdf").status_code in (302, 401)
    with app.app_context():
        stored = certificates.get(serial)
        assert hashlib.sha256(stored.pdf).hexdigest() == stored_hash  # the original is kept as issued
        assert "REVOKED" not in text_of(stored.pdf, tmp_path)
        [mail] = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "certificate-revoked", OutboxMessage.recipient == "pdf-holder@example.org")).all()
    assert mail.subject == f"Votre certificat {serial} est révoqué"  # in the holder's language
    assert "Attendance records were wrong" in mail.body


def test_the_api_download_of_a_revoked_certificate_is_marked_too(app, client, tmp_path):
    from ..conftest import bearer

    with committed(app):
        holder = create_user(email="api-pdf-holder@example.org", name="Api Holder")
        serial = create_certificate("revoked", fellow=holder, reason="Duplicate of another").serial
    response = client.get(f"/api/v1/certificates/{serial}/pdf", headers=bearer(client, "api-pdf-holder@example.org"))
    assert response.status_code == 200
    assert "REVOKED on" in text_of(response.data, tmp_path)
