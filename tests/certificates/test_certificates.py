import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from nacl.signing import VerifyKey
from pypdf import PdfReader

from institute.certificates import services as certificates
from institute.certificates import status_list
from institute.certificates.data_integrity import _hash_data, check
from institute.certificates.offline import check_bytes, fonts_of
from institute.certificates.pdf import CertificatePage, render
from institute.certificates.signing import private_key, public_key_bytes
from institute.errors import Conflict, Invalid
from institute.training.labels import missing_text
from institute.training.progress import Missing, MissingKind

from ..builders import HOLDER_NAMES, create_exchange, create_user, move_exchange

# A copy of 1EdTech's published schema, VC 2.0 era (data/README.md), so the test runs anywhere.
SCHEMA = Path(__file__).with_name("data") / "ob_v3p0_achievementcredential_schema.json"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_eligible_get_certificates_others_are_listed_with_reasons(issued):
    result = issued["result"]
    assert [c.serial for c in result.issued] == [f"GDI-2026-1-{n:04d}" for n in range(1, 5)]
    assert [c.holder_name for c in result.issued] == HOLDER_NAMES
    [(user, reasons)] = result.ineligible
    assert user.name == "Slow Fellow" and reasons == [Missing(MissingKind.MODULE, "Test Course", "Module 2")]
    assert missing_text(reasons[0]) == "Module “Module 2” of “Test Course” not done"
    assert all(len(c.code) >= 22 for c in result.issued)  # ≥ 128 bits, URL-safe
    again = certificates.issue_session(issued["session"], issued["admin"], processes=1)
    assert again.issued == [] and len(again.already) == 4


def test_a_fellow_who_completes_later_gets_the_next_serial(issued):
    from institute.courses.services import get_course, mark_done

    mark_done(issued["fellows"][-1], get_course("short"), "module-2")
    later = certificates.issue_session(issued["session"], issued["admin"], processes=1)
    assert [c.serial for c in later.issued] == ["GDI-2026-1-0005"]


def test_pdf_has_every_script_and_embeds_every_font(issued):
    for certificate in issued["result"].issued:
        text = text_of(certificate.pdf)
        assert certificate.holder_name in text
        assert certificate.serial in text
        assert "Kubuqi Global Desert Institute" in text and certificate.title in text
        assert len(certificate.pdf) < 150 * 1024
    for certificate in issued["result"].issued:
        fonts = fonts_of(certificate.pdf)
        assert fonts and all(embedded for _name, embedded, _subset in fonts), fonts
        assert all("+" in str(name) for name, _e, _s in fonts)  # subset fonts carry a tag
    # The holder's name is set in the font of its script, the frame's text in Noto Sans.
    names = [{str(n).split("+")[1] for n, _e, _s in fonts_of(c.pdf)} for c in issued["result"].issued]
    assert all({"Noto-Sans", "Noto-Sans-Bold"} <= found for found in names), names
    assert "Noto-Sans-Arabic-Bold" in names[2] and "Noto-Sans-CJK-SC-Bold" in names[3], names


def test_the_pdf_is_stored_with_its_hash_and_rerendering_keeps_the_old(issued):
    import hashlib

    certificate = issued["result"].issued[0]
    old = certificate.pdf
    assert certificate.pdf_sha256 == hashlib.sha256(old).hexdigest()
    certificates.rerender(certificate, issued["admin"])
    assert [f.pdf for f in certificates.old_files(certificate)] == [old]
    assert certificate.pdf_sha256 == hashlib.sha256(certificate.pdf).hexdigest()


def test_credential_validates_against_the_open_badges_schema(issued):
    schema = json.loads(SCHEMA.read_text())
    assert schema["required"][-1] == "validFrom"  # the VC Data Model 2.0 version
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())
    for certificate in issued["result"].issued:
        assert list(validator.iter_errors(certificate.credential)) == []
        status = certificate.credential["credentialStatus"]
        number, bit = status_list.position(certificate.status_index)
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert status["statusListIndex"] == str(bit)
        assert status["statusListCredential"].endswith(f"/credentials/status/{number}")


def test_offline_verification_of_untouched_and_altered_documents(issued):
    key = private_key().public_key()
    certificate = issued["result"].issued[3]
    assert check_bytes(certificate.pdf, key).ok
    report = check_bytes(json.dumps(certificate.credential).encode(), key)
    assert report.ok and report.serial == certificate.serial and report.holder == "王小明"

    altered = json.loads(json.dumps(certificate.credential))
    altered["credentialSubject"]["identifier"][0]["identityHash"] = "Somebody Else"
    assert check_bytes(json.dumps(altered).encode(), key).problems == [
        "the signature does not match the credential"]

    forged = json.loads(json.dumps(certificate.credential))
    forged["proof"]["proofValue"] = forged["proof"]["proofValue"][:-4] + "1111"
    assert not check_bytes(json.dumps(forged).encode(), key).ok
    other_key = json.loads(json.dumps(certificate.credential))
    other_key["proof"]["verificationMethod"] = "did:web:elsewhere.example#key-1"
    assert "not the issuer's" in " ".join(check_bytes(json.dumps(other_key).encode(), key).problems)

    # A PDF whose embedded JSON was altered, and one whose printed serial is not the credential's.
    page = certificates._html({**_facts(certificate)}, "session")
    tampered_pdf = render(page, json.dumps(altered).encode())
    assert not check_bytes(tampered_pdf, key).ok
    other_serial = render(page._replace(holder=page.holder.replace(certificate.serial, "GDI-2026-1-0099")),
                          json.dumps(certificate.credential).encode())
    problems = check_bytes(other_serial, key).problems
    assert any("serial printed" in p for p in problems)
    assert not check_bytes(b"%PDF-1.4 nonsense", key).ok


def _facts(c):
    return {"serial": c.serial, "code": c.code, "holder_name": c.holder_name, "title": c.title,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "hours": c.hours, "courses": c.courses,
            "issued_at": c.issued_at}


def test_signature_checks_with_an_independent_ed25519_implementation(issued):
    """libsodium (PyNaCl), not the cryptography package, checks the signature
    (tests/certificates/test_independent_verifier.py has Digital Bazaar's whole stack check it)."""
    import base58

    certificate = issued["result"].issued[0]
    proof = certificate.credential["proof"]
    signature = base58.b58decode(proof["proofValue"][1:])
    data = _hash_data(certificate.credential, proof)
    assert len(data) == 64  # sha256(proof options) ‖ sha256(document)
    verify_key = VerifyKey(public_key_bytes(private_key()))
    verify_key.verify(data, signature)
    with pytest.raises(Exception):  # noqa: B017 - nacl raises its own BadSignatureError
        verify_key.verify(data[:-1] + bytes([data[-1] ^ 1]), signature)


def test_revocation(issued):
    certificate = issued["result"].issued[1]
    with pytest.raises(Invalid):
        certificates.revoke(certificate, issued["admin"], " ")
    certificates.revoke(certificate, issued["admin"], "Issued in error")
    status = certificates.verification(certificate.code)
    assert status["status"] == "revoked" and status["reason"] == "Issued in error"
    with pytest.raises(Conflict):
        certificates.revoke(certificate, issued["admin"], "again")
    assert certificates.verification("no-such-code") == {"status": "unknown"}
    assert check(certificate.credential, private_key().public_key()) == []  # the credential still verifies
    # ... and its bit is set in the list, signed again in the same transaction.
    number, bit = status_list.position(certificate.status_index)
    published = status_list.published(number, certificates.base_url())
    assert status_list.is_set(published["credentialSubject"]["encodedList"], bit)
    assert check(published, private_key().public_key()) == []
    others = [c for c in issued["result"].issued if c is not certificate]
    assert not any(status_list.is_set(published["credentialSubject"]["encodedList"],
                                      status_list.position(c.status_index)[1]) for c in others)
    assert all(certificates.verification(c.code)["status"] == "valid" for c in others)


def test_rendering_fetches_nothing_from_outside(ctx):
    from weasyprint.urls import FatalURLFetchingError

    outside = '<img src="https://example.org/track.png"><link rel="stylesheet" href="http://x/y.css">'
    for page in (CertificatePage(outside, "<p>x</p>"), CertificatePage("<p>frame</p>", outside)):
        with pytest.raises(FatalURLFetchingError):
            render(page)


def test_zip_of_a_session(issued):
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(certificates.zip_of_session(issued["session"])))
    assert sorted(archive.namelist()) == [f"GDI-2026-1-{n:04d}.pdf" for n in range(1, 5)]


def test_certificate_of_teaching_for_a_completed_exchange(ctx):
    admin = create_user(roles="admin")
    exchange = create_exchange(teacher=create_user(name="Гульнара Асанова", roles="partner", partner="UCA"))
    with pytest.raises(Conflict):
        certificates.issue_teaching(exchange, admin)
    move_exchange(exchange, "completed", admin=admin)
    certificate = certificates.issue_teaching(exchange, admin)
    assert re.fullmatch(r"GDI-\d{4}-T-0001", certificate.serial)
    assert "Гульнара Асанова" in text_of(certificate.pdf)
    assert certificates.issue_teaching(exchange, admin).id == certificate.id
    assert check_bytes(certificate.pdf, private_key().public_key()).ok


def test_an_issuing_renders_its_shared_frame_once(issued, monkeypatch):
    """The frame (session, dates, courses, signatories) is drawn once for the whole session,
    each certificate then only its holder's page."""
    import institute.certificates.pdf as pdf

    drawn = []
    real = pdf._weasyprint
    monkeypatch.setattr(pdf, "_weasyprint", lambda html: drawn.append(html) or real(html))
    pdf._frames.clear()
    for certificate in issued["result"].issued:
        certificates.rerender(certificate, issued["admin"])
    frames = [html for html in drawn if 'class="sheet"' in html]
    assert len(frames) == 1 and len(drawn) == 1 + len(issued["result"].issued)
    assert all(c.holder_name in text_of(c.pdf) for c in issued["result"].issued)


def test_the_qr_code_reads_back_as_the_verification_address(issued, tmp_path):
    import shutil
    import subprocess

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("poppler-utils and zbar-tools are installed by `make test`")
    certificate = issued["result"].issued[3]
    (tmp_path / "c.pdf").write_bytes(certificate.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(tmp_path / "c.pdf"),  # noqa: S603,S607
                    str(tmp_path / "c")], check=True)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c.png")],  # noqa: S603,S607
                          capture_output=True, text=True, check=True).stdout.strip()
    assert read.startswith("http") and read.endswith(f"/verify/{certificate.code}")


def test_a_threaded_process_renders_without_forking(ctx, monkeypatch):
    """A threaded web worker must not fork: a child could inherit a lock another thread held."""
    import threading

    import institute.certificates.pdf as pdf

    def no_pool(*_args, **_kwargs):
        raise AssertionError("forked a pool from a threaded process")

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", no_pool)
    page = CertificatePage("<p>frame</p>", "<p>holder</p>")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pdfs = pdf.render_many([(page, None, None)] * 3, processes=2, count=3)
    finally:
        stop.set()
        other.join()
    assert len(pdfs) == 3 and all(p.startswith(b"%PDF") for p in pdfs)


def test_a_single_threaded_process_renders_on_every_core():
    """The command line and the background worker fork one renderer per core (run in a
    fresh interpreter: the test runner may have threads of its own)."""
    import subprocess
    import sys

    script = """
import os
import institute.certificates.pdf as pdf
def tagged(job):  # which process rendered it; pickled by name as pdf._render_job
    return os.getpid(), pdf.render(*job)
tagged.__module__, tagged.__qualname__ = pdf.__name__, "_render_job"
pdf._render_job = tagged
page = pdf.CertificatePage("<p>frame</p>", "<p>holder</p>")
done = pdf.render_many([(page, b"{}", "https://gdi.example/verify/x")] * 8, processes=2, count=8)
pids = {pid for pid, _pdf in done}
assert len(done) == 8 and all(p.startswith(b"%PDF") for _pid, p in done)
assert os.getpid() not in pids and len(pids) == 2, pids
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,  # noqa: S603
                         cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_pdftotext_reads_every_script_exactly(issued, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is installed by `make test`")
    for certificate in issued["result"].issued:
        (tmp_path / "c.pdf").write_bytes(certificate.pdf)
        text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"],  # noqa: S603,S607
                              capture_output=True, text=True, check=True).stdout
        assert certificate.holder_name in text and certificate.serial in text


def test_the_zip_of_a_session_marks_a_revoked_certificate_as_its_download_does(issued):
    import zipfile

    revoked = issued["result"].issued[0]
    certificates.revoke(revoked, issued["admin"], "Issued by mistake: the fellow did not attend.")
    archive = zipfile.ZipFile(io.BytesIO(certificates.zip_of_session(issued["session"])))
    assert "REVOKED" in text_of(archive.read(f"{revoked.serial}.pdf")).upper()
    others = [name for name in archive.namelist() if name != f"{revoked.serial}.pdf"]
    assert others and all("REVOKED" not in text_of(archive.read(name)).upper() for name in others)
