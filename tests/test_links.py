"""Links that leave the site come from BASE_URL, never from the request's Host header."""

import shutil
import subprocess

import pytest

from institute.extensions import db
from institute.notifications.models import OutboxMessage

from .builders import create_finished_session, create_session, create_user
from .conftest import bearer

SITE = "https://training.gdi.example"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", SITE)


def test_a_forged_host_changes_no_emailed_link(app, client, site):
    with app.app_context():
        create_user(email="admin@example.org", roles="admin")
        session_id = create_session().id
        db.session.commit()
    admin = bearer(client, "admin@example.org")
    rows = "email,name,country,partner\nnew@example.org,New Fellow,KG,\n"
    response = client.post(f"/api/v1/sessions/{session_id}/enrolments",
                           headers={**admin, **FORGED, "Content-Type": "text/csv"}, data=rows)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage))]
    assert any(f"{SITE}/set-password/" in body for body in bodies)
    assert not any("evil.example" in body for body in bodies)


def test_a_forged_host_changes_no_certificate_address_nor_its_qr_code(app, client, site, tmp_path):
    with app.app_context():
        session_id = create_finished_session()["session"].id
        db.session.commit()
    admin = bearer(client, "admin@example.org")
    issued = client.post(f"/api/v1/sessions/{session_id}/certificates", headers={**admin, **FORGED})
    serial = issued.get_json()["issued"][0]
    pdf = client.get(f"/api/v1/certificates/{serial}/pdf", headers=admin).data
    credential = client.get(f"/api/v1/certificates/{serial}/credential", headers=admin).get_json()
    assert "evil.example" not in str(credential)
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils and zbar-tools are installed by `make test`")
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"],  # noqa: S603,S607
                          capture_output=True, text=True, check=True).stdout
    assert "training.gdi.example" in text and "evil.example" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(tmp_path / "c.pdf"),  # noqa: S603,S607
                    str(tmp_path / "c")], check=True)
    qr = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c.png")],  # noqa: S603,S607
                        capture_output=True, text=True, check=True).stdout.strip()
    assert qr.startswith(f"{SITE}/verify/")
