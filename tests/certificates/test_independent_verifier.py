"""Digital Bazaar's verifier stack (node, tests/certificates/verifier/verify.mjs) checks the
certificates' credentials: the institute's own code never judges its own work here.

The verifier gets everything as files, nothing from the network: the contexts the
institute ships, its DID document and its status list credentials. `make test` installs
the stack (.cache/vc-verifier) and sets REQUIRE_VC_VERIFIER, so a missing node or package
fails these tests there instead of skipping them.
"""

import copy
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from institute.certificates import contexts, did, status_list
from institute.certificates import services as certificates
from institute.certificates.signing import private_key

from ..builders import create_certificate, create_teaching_certificate
from .legacy_credentials import make_legacy

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / ".cache" / "vc-verifier" / "node_modules"
SCRIPT = Path(__file__).with_name("verifier") / "verify.mjs"


@pytest.fixture
def verifier(tmp_path):
    """Run the independent verifier on credentials (name → document); name → its verdict."""
    node = shutil.which("node")
    missing = ("node is not installed" if node is None else
               f"the verifier stack is not installed in {MODULES}" if not (MODULES / "@digitalbazaar" / "vc").is_dir()
               else None)
    if missing:
        if os.environ.get("REQUIRE_VC_VERIFIER"):
            pytest.fail(f"{missing}: `make test` installs it")
        pytest.skip(f"{missing} (`make test` installs it)")

    def verify(credentials: dict[str, dict], status_lists: list[dict] | None = None) -> dict[str, dict]:
        base = certificates.base_url()
        did_file = tmp_path / "did.json"
        did_file.write_text(json.dumps(did.document(base, private_key())))
        if status_lists is None:  # the lists as the site serves them
            numbers = {int(c["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1])
                       for c in credentials.values()}
            status_lists = [status_list.published(n, base) for n in sorted(numbers)]
        lists_file = tmp_path / "status-lists.json"
        lists_file.write_text(json.dumps(status_lists))
        files = []
        for name, document in credentials.items():
            files.append(tmp_path / f"{name}.json")
            files[-1].write_text(json.dumps(document, ensure_ascii=False))
        run = subprocess.run([node, str(SCRIPT), str(MODULES), str(contexts.HERE), str(did_file),  # noqa: S603
                              str(lists_file), *map(str, files)],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        verdicts = {Path(line["file"]).stem: line for line in map(json.loads, run.stdout.splitlines())}
        for name, verdict in verdicts.items():  # shown with -s; the report quotes them
            print(f"independent verifier: {name}: verified={verdict['verified']} revoked={verdict['revoked']}"
                  + (f" ({verdict['error']})" if verdict["error"] else ""))
        return verdicts

    return verify


def embedded(pdf: bytes) -> dict:
    return json.loads(PdfReader(io.BytesIO(pdf)).attachments["credential.json"][0])


def altered(document: dict, change) -> dict:
    document = copy.deepcopy(document)
    change(document)
    return document


def test_issued_credentials_verify_and_tampered_ones_are_rejected(issued, verifier):
    certificate = issued["result"].issued[3]  # 王小明
    credential = certificate.credential
    subject = "credentialSubject"

    def rename(d):
        d[subject]["identifier"][0]["identityHash"] = "Somebody Else"

    def more_hours(d):
        d[subject]["creditsEarned"] = d[subject]["creditsEarned"] + 100

    def earlier(d):
        d["validFrom"] = "2020-01-01T00:00:00Z"

    def longer(d):
        d[subject]["activityEndDate"] = "2030-12-31T00:00:00Z"

    verdicts = verifier({
        "json": credential, "pdf": embedded(certificate.pdf),
        "tampered-name": altered(credential, rename), "tampered-hours": altered(credential, more_hours),
        "tampered-issue-date": altered(credential, earlier), "tampered-end-date": altered(credential, longer),
    })
    assert credential[subject]["creditsEarned"]  # the session has hours: the tampering changes them
    for name in ("json", "pdf"):
        assert verdicts[name]["verified"] is True and verdicts[name]["revoked"] is False, verdicts[name]
    for name in ("tampered-name", "tampered-hours", "tampered-issue-date", "tampered-end-date"):
        assert verdicts[name]["verified"] is False and "Invalid signature" in verdicts[name]["error"], verdicts[name]


def test_a_revoked_certificate_is_seen_revoked_through_the_status_list(issued, verifier):
    revoked, kept = issued["result"].issued[1], issued["result"].issued[2]
    certificates.revoke(revoked, issued["admin"], "Issued in error")
    verdicts = verifier({"revoked": revoked.credential, "kept": kept.credential,
                         "revoked-pdf": embedded(revoked.pdf)})
    assert verdicts["revoked"]["revoked"] is True and verdicts["revoked-pdf"]["revoked"] is True
    assert verdicts["kept"]["verified"] is True and verdicts["kept"]["revoked"] is False
    assert certificates.verification(revoked.code)["status"] == "revoked"  # the page and the API agree
    assert certificates.verification(kept.code)["status"] == "valid"


def test_a_status_list_altered_after_signing_is_refused(issued, verifier):
    certificate = issued["result"].issued[0]
    number, bit = status_list.position(certificate.status_index)
    forged = copy.deepcopy(status_list.published(number, certificates.base_url()))
    forged["credentialSubject"]["encodedList"] = status_list.encode({bit})  # "revoked", unsigned
    verdict = verifier({"forged-list": certificate.credential}, status_lists=[forged])["forged-list"]
    assert verdict["verified"] is False and "not verified" in verdict["error"]


def test_a_certificate_of_teaching_verifies(ctx, verifier):
    certificate = create_teaching_certificate()
    verdict = verifier({"teaching": certificate.credential})["teaching"]
    assert verdict["verified"] is True and verdict["revoked"] is False


def test_an_upgraded_old_credential_verifies(ctx, verifier):
    certificate = make_legacy(create_certificate())
    assert certificates.upgrade_credential(certificate, None)
    verdicts = verifier({"upgraded": certificate.credential, "upgraded-pdf": embedded(certificate.pdf)})
    assert all(v["verified"] is True and v["revoked"] is False for v in verdicts.values()), verdicts
