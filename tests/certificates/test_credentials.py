"""The credential's parts: the did:web issuer, the shipped contexts and their strict reading,
the holder's subject id, the status lists, and credentials issued before (JwtProof2020):
still verifiable, and upgraded without touching their PDF's pages."""

import copy
import io
import json
import re
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from pypdf import PdfReader

from institute.certificates import contexts, did, legacy, status_list
from institute.certificates import services as certificates
from institute.certificates.contexts import NotShipped, document_loader
from institute.certificates.credential import subject_id
from institute.certificates.data_integrity import Unreadable, canonical, check
from institute.certificates.models import Certificate
from institute.certificates.offline import check_bytes
from institute.certificates.signing import private_key
from institute.database import transaction
from institute.extensions import db

from ..builders import create_certificate, create_finished_session, create_user, issue_certificates
from ..conftest import bearer, login
from ..training.test_concurrency import committed_app  # noqa: F401 - the fixture
from .legacy_credentials import make_legacy

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ did:web


@pytest.mark.parametrize(("base_url", "did_", "path"), [
    ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000", "/.well-known/did.json"),
    ("https://training.gdi.example/", "did:web:training.gdi.example", "/.well-known/did.json"),
    ("https://gdi.example/training/e-learning", "did:web:gdi.example:training:e-learning",
     "/training/e-learning/did.json"),
])
def test_the_did_follows_base_url_as_did_web_says(base_url, did_, path):
    assert did.did_of(base_url) == did_ and did.document_path(base_url) == path


def test_the_did_document_publishes_the_key_as_a_multikey(app, client):
    served = client.get("/.well-known/did.json")
    assert served.status_code == 200 and served.mimetype == "application/did+json"
    document = served.get_json()
    assert document["id"] == "did:web:127.0.0.1%3A5000"
    assert document["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    [method] = document["verificationMethod"]
    assert method["type"] == "Multikey" and document["assertionMethod"] == [method["id"]]
    assert method["publicKeyMultibase"].startswith("z6Mk")  # every Ed25519 multikey does
    with app.app_context():
        key = private_key()
    assert did.assertion_key(document, method["id"]).public_bytes_raw() == key.public_key().public_bytes_raw()
    assert client.get("/did.json").get_json() == document  # for a BASE_URL with a path
    with pytest.raises(ValueError):
        did.assertion_key({**document, "assertionMethod": []}, method["id"])


# ------------------------------------------------------------------ contexts


def test_every_context_is_shipped_with_its_source_and_packaged():
    listed = json.loads((contexts.HERE / "index.json").read_text())["contexts"]
    assert set(listed) >= {contexts.CREDENTIALS_V2, contexts.OPEN_BADGES, contexts.OPEN_BADGES_EXTENSIONS,
                           contexts.DATA_INTEGRITY, contexts.MULTIKEY}
    for url, entry in listed.items():
        assert "@context" in json.loads((contexts.HERE / entry["file"]).read_text()), url
        assert entry["source"], url
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    assert {"*.json", "*.jsonld"} <= set(data)


def test_the_loader_refuses_every_url_it_does_not_ship():
    assert document_loader(contexts.CREDENTIALS_V2)["document"]["@context"]["@protected"] is True
    for url in ("https://www.w3.org/2018/credentials/v1", "https://example.org/context.json",
                "file:///etc/passwd"):
        with pytest.raises(NotShipped):
            document_loader(url)


def test_what_the_contexts_do_not_define_is_refused_not_dropped(issued):
    credential = {k: v for k, v in issued["result"].issued[0].credential.items() if k != "proof"}
    canonical(credential)  # reads as it is

    old_status = copy.deepcopy(credential)  # the old credentials' status type, without its context
    old_status["@context"] = old_status["@context"][:2]
    old_status["credentialStatus"] = {"id": "https://x.example/status", "type": "1EdTechRevocationList"}
    old_status.pop("credentialSchema")
    with pytest.raises(Unreadable, match="1EdTechRevocationList"):
        canonical(old_status)
    with pytest.raises(Unreadable, match="holderNickname"):
        canonical({**credential, "credentialSubject": {**credential["credentialSubject"], "holderNickname": "x"}})
    with pytest.raises(Unreadable, match="refused to load"):
        canonical({**credential, "@context": [*credential["@context"], "https://example.org/more.json"]})
    # A proof over undefined terms is refused, not checked over what is left.
    signed = issued["result"].issued[0].credential
    padded = {**signed, "issuer": {**signed["issuer"], "motto": "Green deserts"}}
    assert check(padded, private_key().public_key()) == [
        "the credential cannot be read: the term 'motto' is not defined by the document's contexts"]


def test_the_credential_is_open_badges_3_0_3_on_the_vc_2_0_data_model(issued):
    credential = issued["result"].issued[0].credential
    assert credential["@context"] == [contexts.CREDENTIALS_V2, contexts.OPEN_BADGES, contexts.OPEN_BADGES_EXTENSIONS]
    assert "validFrom" in credential and "issuanceDate" not in credential
    assert credential["issuer"]["id"] == "did:web:127.0.0.1%3A5000"
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == "did:web:127.0.0.1%3A5000#key-1"
    assert proof["proofPurpose"] == "assertionMethod" and proof["proofValue"].startswith("z")


# ------------------------------------------------------------------ the holder


def test_the_holders_subject_id_is_stable_and_tells_nothing(ctx):
    fellow = create_user(name="Amina Diallo")
    first = create_certificate(fellow=fellow)
    second = create_certificate(fellow=fellow)
    other = create_certificate()
    ids = [c.credential["credentialSubject"]["id"] for c in (first, second, other)]
    assert ids[0] == ids[1] == subject_id(private_key(), fellow.id) != ids[2]
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ids[0])
    assert fellow.email not in json.dumps(first.credential)


# ------------------------------------------------------------------ status lists


def test_a_status_list_is_a_signed_16_kib_bitstring_served_at_a_stable_url(app, client):
    served = client.get("/credentials/status/1")
    assert served.status_code == 200
    listed = served.get_json()
    assert listed["id"] == "http://127.0.0.1:5000/credentials/status/1"
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == "did:web:127.0.0.1%3A5000"
    subject = listed["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u") and len(status_list.decode(subject["encodedList"])) >= 16 * 1024
    with app.app_context():
        assert check(listed, private_key().public_key()) == []
    assert client.get("/credentials/status/2").status_code == 404  # no certificate there yet
    assert client.get("/credentials/status/0").status_code == 404


def test_bits_are_read_from_the_left_as_the_spec_counts_them():
    raw = status_list.decode(status_list.encode({0, 9, status_list.LIST_SIZE - 1}))
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    assert status_list.position(status_list.LIST_SIZE + 3) == (2, 3)


def test_status_indexes_are_distinct_and_scattered(ctx):
    session = create_finished_session(names=[f"Fellow {n}" for n in range(12)], unfinished=())
    issued = issue_certificates(session["session"], session["admin"]).issued
    indexes = [c.status_index for c in issued]
    assert len(set(indexes)) == 12 and all(0 <= i < status_list.LIST_SIZE for i in indexes)
    assert indexes != sorted(indexes) or max(indexes) - min(indexes) > 1000  # not handed out in a row


# ------------------------------------------------------------------ credentials issued before


def test_credentials_issued_before_stay_verifiable(app, runner, client, tmp_path):
    with app.app_context():
        certificate = make_legacy(create_certificate())
        db.session.commit()
        serial, code, pdf, holder = certificate.serial, certificate.code, certificate.pdf, certificate.holder.email
        key = private_key().public_key()
    report = check_bytes(pdf, key)
    assert report.ok and report.proof == "JwtProof2020" and report.serial == serial
    (tmp_path / "old.pdf").write_bytes(pdf)
    verified = runner.invoke(args=["certificates", "verify", str(tmp_path / "old.pdf")])
    assert verified.exit_code == 0 and "valid signature (JwtProof2020)" in verified.output
    assert client.get(f"/verify/{code}").status_code == 200
    login(client, holder)
    old_jwt = client.get(f"/certificates/{serial}/credential.jwt").get_data(as_text=True)
    (tmp_path / "old.jwt").write_text(old_jwt)
    verified = runner.invoke(args=["certificates", "verify", str(tmp_path / "old.jwt")])
    assert verified.exit_code == 0 and "valid signature (JwtProof2020)" in verified.output, verified.output
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "valid"
    with app.app_context():
        certificates.revoke(certificates.get(serial), create_user(roles="admin"), "Issued in error")
        db.session.commit()
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "revoked"
    tampered = json.loads(PdfReader(io.BytesIO(pdf)).attachments["credential.json"][0])
    tampered["name"] = "Master of Everything"
    assert "differs from what was signed" in " ".join(check_bytes(json.dumps(tampered).encode(), key).problems)


def test_upgrade_reissues_old_credentials_and_keeps_the_pdfs_pages(app, runner, tmp_path):
    with app.app_context():
        old = make_legacy(create_certificate())
        current = create_certificate()
        db.session.commit()
        serial, old_pdf, current_credential = old.serial, old.pdf, current.credential
        assert certificates.legacy_serials() == [serial]

    result = runner.invoke(args=["certificates", "upgrade-credentials"])
    assert result.exit_code == 0 and f"upgraded {serial}" in result.output
    assert "1 credential(s) upgraded." in result.output
    again = runner.invoke(args=["certificates", "upgrade-credentials"])
    assert again.exit_code == 0 and "0 credential(s) upgraded." in again.output

    with app.app_context():
        upgraded = certificates.get(serial)
        key = private_key().public_key()
        assert not legacy.is_legacy(upgraded.credential) and check(upgraded.credential, key) == []
        assert upgraded.credential["credentialStatus"]["statusListIndex"] == str(
            status_list.position(upgraded.status_index)[1])
        assert upgraded.credential["validFrom"] == upgraded.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert upgraded.credential["credentialSubject"]["identifier"][0]["identityHash"] == upgraded.holder_name
        assert [f.pdf for f in certificates.old_files(upgraded)] == [old_pdf]  # the old PDF is kept
        assert certificates.get(current.serial).credential == current_credential  # today's are left alone
        new_pdf = upgraded.pdf
    before, after = PdfReader(io.BytesIO(old_pdf)), PdfReader(io.BytesIO(new_pdf))
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]
    assert [p.get_contents().get_data() for p in after.pages] == [p.get_contents().get_data() for p in before.pages]
    assert json.loads(after.attachments["credential.json"][0]) == upgraded.credential
    (tmp_path / "new.pdf").write_bytes(new_pdf)
    verified = runner.invoke(args=["certificates", "verify", str(tmp_path / "new.pdf")])
    assert verified.exit_code == 0 and "valid signature (DataIntegrityProof (eddsa-rdfc-2022))" in verified.output


def test_the_cli_trusts_a_given_did_document(app, runner, tmp_path):
    with app.app_context():
        certificate = create_certificate()
        db.session.commit()
        (tmp_path / "c.json").write_text(json.dumps(certificate.credential))
        document = did.document(certificates.base_url(), private_key())
    (tmp_path / "did.json").write_text(json.dumps(document))
    ok = runner.invoke(args=["certificates", "verify", str(tmp_path / "c.json"), "--did-document",
                             str(tmp_path / "did.json")])
    assert ok.exit_code == 0, ok.output
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = did.document("http://127.0.0.1:5000", Ed25519PrivateKey.generate())  # same DID, another key
    (tmp_path / "other.json").write_text(json.dumps(stranger))
    refused = runner.invoke(args=["certificates", "verify", str(tmp_path / "c.json"), "--did-document",
                                  str(tmp_path / "other.json")])
    assert refused.exit_code == 1 and "the signature does not match the credential" in refused.output


# ------------------------------------------------------------------ the migration


def test_the_migration_gives_existing_certificates_distinct_bits(committed_app):  # noqa: F811
    app = committed_app
    with app.app_context(), transaction():
        session = create_finished_session(names=[f"Fellow {n}" for n in range(6)], unfinished=())
        issue_certificates(session["session"], session["admin"])
    with app.app_context():
        downgrade(revision="c4d5e6f7a8b9")  # the revision before status lists
        assert "status_index" not in {c["name"] for c in sa.inspect(db.engine).get_columns("certificates")}
        upgrade()
        indexes = list(db.session.scalars(sa.select(Certificate.status_index)))
        assert len(indexes) == 6 and len(set(indexes)) == 6
        assert all(0 <= i < status_list.LIST_SIZE for i in indexes)
        db.session.remove()


# ------------------------------------------------------------------ the compact VC-JWT


def test_the_credential_as_a_vc_jwt(app, client, runner, tmp_path):
    """Open Badges 3.0 §8.2: the credential is the JWT payload, with iss, jti, nbf and sub,
    signed EdDSA by the DID's key; libsodium checks the signature."""
    from nacl.signing import VerifyKey

    from institute.certificates.signing import b64url_decode, public_key_bytes

    with app.app_context():
        certificate = create_certificate()
        db.session.commit()
        serial, credential = certificate.serial, certificate.credential
        raw_key = public_key_bytes(private_key())
        email = certificate.holder.email
    login(client, email)
    page = client.get(f"/certificates/{serial}/credential.jwt")
    assert page.status_code == 200 and page.mimetype == "application/vc+jwt"  # VC 2.0: a JWT-secured credential
    token = page.get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/{serial}/credential.jwt", headers=bearer(client, email))
    assert api.get_data(as_text=True) == token  # deterministic: the same token every time

    header, payload, signature = token.split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "EdDSA", "typ": "JWT",
                                                 "kid": "did:web:127.0.0.1%3A5000#key-1"}
    claims = json.loads(b64url_decode(payload))
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub")} == credential
    assert claims["iss"] == credential["issuer"]["id"] and claims["jti"] == credential["id"]
    assert claims["sub"] == credential["credentialSubject"]["id"]
    from datetime import UTC, datetime

    assert datetime.fromtimestamp(claims["nbf"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == credential["validFrom"]
    VerifyKey(raw_key).verify(f"{header}.{payload}".encode(), b64url_decode(signature))

    (tmp_path / "c.jwt").write_text(token)
    verified = runner.invoke(args=["certificates", "verify", str(tmp_path / "c.jwt")])
    assert verified.exit_code == 0 and "valid signature (VC-JWT (EdDSA))" in verified.output, verified.output
    forged_claims = {**claims, "credentialSubject": {**claims["credentialSubject"], "creditsEarned": 999}}
    from institute.certificates.signing import b64url

    forged = ".".join([header, b64url(json.dumps(forged_claims).encode()), signature])
    (tmp_path / "forged.jwt").write_text(forged)
    refused = runner.invoke(args=["certificates", "verify", str(tmp_path / "forged.jwt")])
    assert refused.exit_code == 1 and "signature: the signature does not match" in refused.output
