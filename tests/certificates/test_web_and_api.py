import io
import json
import zipfile

from institute.certificates import status_list
from institute.certificates.data_integrity import check
from institute.certificates.offline import check_bytes
from institute.certificates.signing import private_key

from ..conftest import bearer, login


def test_issue_verify_revoke_through_the_api(app, client, finished_web):
    admin = bearer(client, "admin@example.org")
    session_id = finished_web["session_id"]
    issued = client.post(f"/api/v1/sessions/{session_id}/certificates", headers=admin).get_json()
    assert issued["issued"] == [f"GDI-2026-1-{n:04d}" for n in range(1, 5)]
    assert issued["ineligible"] == [{"email": "f4@example.org",
                                     "reasons": ["Module “Module 2” of “Test Course” not done"]}]
    again = client.post(f"/api/v1/sessions/{session_id}/certificates", headers=admin).get_json()
    assert again["issued"] == [] and len(again["already_issued"]) == 4

    holder = bearer(client, "f2@example.org")
    meta = client.get("/api/v1/certificates/GDI-2026-1-0003", headers=holder).get_json()
    assert meta["holder"] == "فاطمة الزهراء" and meta["status"] == "valid"
    pdf = client.get("/api/v1/certificates/GDI-2026-1-0003/pdf", headers=holder)
    with app.app_context():
        key = private_key().public_key()
    assert pdf.mimetype == "application/pdf" and check_bytes(pdf.data, key).ok
    credential = client.get("/api/v1/certificates/GDI-2026-1-0003/credential", headers=holder).get_json()
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    other = bearer(client, "f0@example.org")
    assert client.get("/api/v1/certificates/GDI-2026-1-0003", headers=other).status_code == 403
    assert client.get("/api/v1/certificates/GDI-2026-1-0003/pdf", headers=other).status_code == 403

    from institute.certificates import services

    with app.app_context():
        code = services.get("GDI-2026-1-0003").code
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "valid"  # no login
    status = credential["credentialStatus"]
    bit = int(status["statusListIndex"])
    served = client.get(status["statusListCredential"].removeprefix("http://127.0.0.1:5000"))
    assert served.status_code == 200
    assert not status_list.is_set(served.get_json()["credentialSubject"]["encodedList"], bit)
    revoke = client.post("/api/v1/certificates/GDI-2026-1-0003/revoke", headers=admin,
                         json={"reason": "Issued to the wrong session"})
    assert revoke.get_json()["status"] == "revoked"
    served = client.get(status["statusListCredential"].removeprefix("http://127.0.0.1:5000")).get_json()
    assert status_list.is_set(served["credentialSubject"]["encodedList"], bit)  # re-signed at once
    assert check(served, key) == [] and served["issuer"] == credential["issuer"]["id"]
    verified = client.get(f"/api/v1/verify/{code}").get_json()
    assert verified["status"] == "revoked" and verified["reason"] == "Issued to the wrong session"
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked" in page and "Issued to the wrong session" in page
    assert client.get("/api/v1/verify/nothing-like-it").get_json() == {"status": "unknown"}
    assert client.get("/verify/nothing-like-it").status_code == 404
    assert client.post("/api/v1/certificates/GDI-2026-1-0001/revoke", headers=holder,
                       json={"reason": "x"}).status_code == 403


def test_pages_for_admins_and_holders(app, finished_web):
    admin, fellow = app.test_client(), app.test_client()
    login(admin, "admin@example.org")
    login(fellow, "f1@example.org")
    session_id = finished_web["session_id"]
    page = admin.get(f"/admin/sessions/{session_id}/certificates").get_data(as_text=True)
    assert "Slow Fellow" in page and "Module “Module 2” of “Test Course” not done" in page
    preview = admin.get(f"/admin/sessions/{session_id}/certificates/issue").get_data(as_text=True)
    assert "4 fellows get a certificate" in preview and "Slow Fellow" in preview
    admin.post(f"/admin/sessions/{session_id}/certificates/issue", data={"confirmed": "1"})
    archive = zipfile.ZipFile(io.BytesIO(admin.get(f"/admin/sessions/{session_id}/certificates.zip").data))
    assert len(archive.namelist()) == 4
    dashboard = fellow.get("/dashboard").get_data(as_text=True)
    assert "GDI-2026-1-0002" in dashboard
    assert fellow.get("/certificates/GDI-2026-1-0002/pdf").mimetype == "application/pdf"
    assert fellow.get("/certificates/GDI-2026-1-0001/pdf").status_code == 403
    proof = json.loads(fellow.get("/certificates/GDI-2026-1-0002/credential").data)["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    ask = admin.post("/certificates/GDI-2026-1-0002/revoke", data={"reason": "Duplicate"})
    assert ask.status_code == 200 and "Duplicate</textarea>" in ask.get_data(as_text=True)  # asks first
    assert admin.post("/certificates/GDI-2026-1-0002/revoke",
                      data={"reason": "Duplicate", "confirmed": "1"}).status_code == 302
    assert admin.post("/certificates/GDI-2026-1-0002/rerender").status_code == 302
    issuer = admin.get("/issuer").get_json()
    assert issuer["verificationMethod"][0]["publicKeyJwk"]["crv"] == "Ed25519"


def test_cli_issue_and_verify(app, runner, finished_web, tmp_path):
    result = runner.invoke(args=["certificates", "issue", str(finished_web["session_id"])])
    assert result.exit_code == 0 and "issued GDI-2026-1-0001" in result.output
    assert "not eligible  f4@example.org: Module “Module 2” of “Test Course” not done" in result.output
    from institute.certificates import services

    with app.app_context():
        pdf = services.get("GDI-2026-1-0004").pdf
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    assert runner.invoke(args=["certificates", "verify", str(good)]).exit_code == 0
    bad = tmp_path / "bad.json"
    with app.app_context():
        credential = services.get("GDI-2026-1-0004").credential
    credential["name"] = "Master of Everything"
    bad.write_text(json.dumps(credential))
    outcome = runner.invoke(args=["certificates", "verify", str(bad)])
    assert outcome.exit_code == 1 and "the signature does not match the credential" in outcome.output
