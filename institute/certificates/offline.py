"""Checking a certificate offline, from its PDF or its JSON, without the web site.

A PDF must carry the credential as its ``credential.json`` attachment, and the
serial printed on it must be the credential's. The credential may also come as
its compact VC-JWT (credential.as_jwt): the JWS must hold under the DID's key
and its claims be the credential's. A credential of today carries a
Data Integrity proof (``eddsa-rdfc-2022``): it is canonicalised with the
shipped contexts and checked with the key the issuer's DID document gives its
proof's verification method. One issued before (``JwtProof2020``) is checked
as it always was (legacy.py). Revocation is not known offline: the credential
says where its status list is.
"""

import calendar
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import data_integrity, did, legacy
from .credential import serial_of
from .pdf import ATTACHMENT
from .signing import b64url_decode, verify_jws

SERIAL = re.compile(r"GDI-\d{4}-(?:\d|T)-\d{4}")
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp")


@dataclass
class Report:
    serial: str = ""
    holder: str = ""
    title: str = ""
    proof: str = ""  # the kind of proof checked
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bytes(data: bytes, public_key, did_document: dict | None = None) -> Report:
    """Check a PDF or a credential's JSON. ``public_key`` is the institute's; ``did_document``
    the issuer's DID document to trust for Data Integrity proofs (by default: the
    credential's issuer DID with ``public_key`` as its key)."""
    report = Report()
    printed: list[str] | None = None
    if data.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(data))
            attached = reader.attachments.get(ATTACHMENT)
            printed = SERIAL.findall(" ".join(page.extract_text() or "" for page in reader.pages))
        except (PdfReadError, ValueError, KeyError) as exc:
            report.problems.append(f"not a readable PDF: {exc}")
            return report
        if not attached:
            report.problems.append(f"the PDF carries no {ATTACHMENT} attachment")
            return report
        data = attached[-1]
    token = data.strip()
    legacy_payload = _legacy_payload(token) if JWT.fullmatch(token) else None
    if legacy_payload is not None:  # the JWT of a credential issued before: its vc inside
        report.proof = legacy.PROOF_TYPE
        document = {**legacy_payload["vc"], "proof": {"type": legacy.PROOF_TYPE, "jwt": token.decode()}}
        report.problems.extend(legacy.check(document, public_key))
    elif JWT.fullmatch(token):  # the compact VC-JWT form of a credential
        report.proof = "VC-JWT (EdDSA)"
        carried, problems = _check_jwt(token.decode(), public_key, did_document)
        report.problems.extend(problems)
        if carried is None:
            return report
        document = carried
        if data_integrity.proof_of(document) is not None:  # the embedded proof it wraps holds too
            report.problems.extend(_check_data_integrity(document, public_key, did_document))
    else:
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            report.problems.append("the credential is not JSON")
            return report
        if not isinstance(document, dict):
            report.problems.append("the credential is not a JSON object")
            return report
        if legacy.is_legacy(document):
            report.proof = legacy.PROOF_TYPE
            report.problems.extend(legacy.check(document, public_key))
        else:
            report.proof = f"{data_integrity.PROOF_TYPE} ({data_integrity.CRYPTOSUITE})"
            report.problems.extend(_check_data_integrity(document, public_key, did_document))
    report.serial = serial_of(document)
    report.title = str(document.get("name", ""))
    subject = document.get("credentialSubject")
    identifiers = (subject.get("identifier") if isinstance(subject, dict) else None) or [{}]
    report.holder = str(identifiers[0].get("identityHash", "")) if isinstance(identifiers[0], dict) else ""
    if printed is not None and report.serial not in printed:
        report.problems.append(f"the serial printed on the PDF ({', '.join(printed) or 'none'}) is not "
                               f"the credential's ({report.serial})")
    return report


def _trusted(issuer_id: str, method: str, public_key, did_document: dict | None) -> dict:
    """The DID document to trust: the given one, or the issuer's DID with the institute's key."""
    return did_document or {"id": issuer_id, "assertionMethod": [method],
                            "verificationMethod": [{"id": method, "type": "Multikey",
                                                    "publicKeyMultibase": did.multibase_key(public_key)}]}


def _issuer_id(document: dict):
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _legacy_payload(token: bytes) -> dict | None:
    try:
        payload = json.loads(b64url_decode(token.split(b".")[1].decode()))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("vc"), dict) else None


def _check_jwt(token: str, public_key, did_document: dict | None) -> tuple[dict | None, list[str]]:
    """The credential a VC-JWT carries, and the problems with it: the JWS must verify with the
    key its ``kid`` names in the issuer's DID document, and its claims must be the credential's."""
    try:
        header = json.loads(b64url_decode(token.split(".")[0]))
        payload = json.loads(b64url_decode(token.split(".")[1]))
    except (ValueError, UnicodeDecodeError):
        return None, ["not a readable JWT"]
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None, ["not a readable JWT"]
    document = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    issuer_id, kid = _issuer_id(document), header.get("kid")
    if not isinstance(issuer_id, str) or not isinstance(kid, str) or not kid.startswith(issuer_id + "#"):
        return document, ["the JWT's key (kid) is not the issuer's"]
    trusted = _trusted(issuer_id, kid, public_key, did_document)
    if trusted.get("id") != issuer_id:
        return document, [f"the issuer {issuer_id} is not the trusted DID {trusted.get('id')}"]
    try:
        verify_jws(token, did.assertion_key(trusted, kid))
    except ValueError as exc:
        return document, [f"signature: {exc}"]
    subject = document.get("credentialSubject")
    expected = {"iss": issuer_id, "jti": document.get("id"),
                "sub": subject.get("id") if isinstance(subject, dict) else None,
                "nbf": _numeric_date(document.get("validFrom"))}
    wrong = [claim for claim, value in expected.items() if payload.get(claim) != value]
    return document, [f"the JWT's {', '.join(wrong)} differ from the credential's"] if wrong else []


def _numeric_date(value) -> int | None:
    try:
        return calendar.timegm(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").timetuple())
    except (TypeError, ValueError):
        return None


def _check_data_integrity(document: dict, public_key, did_document: dict | None) -> list[str]:
    proof = data_integrity.proof_of(document)
    if proof is None:
        return ["the credential carries no Data Integrity proof"]
    issuer_id, method = _issuer_id(document), proof.get("verificationMethod")
    if not isinstance(issuer_id, str) or not isinstance(method, str) or not method.startswith(issuer_id + "#"):
        return ["the proof's verification method is not the issuer's"]
    trusted = _trusted(issuer_id, method, public_key, did_document)
    if trusted.get("id") != issuer_id:
        return [f"the issuer {issuer_id} is not the trusted DID {trusted.get('id')}"]
    try:
        key = did.assertion_key(trusted, method)
    except ValueError as exc:
        return [str(exc)]
    return data_integrity.check(document, key)


def fonts_of(pdf: bytes) -> list[tuple[str, bool, bool]]:
    """(base font, embedded, subset) of every font a certificate PDF draws with, on its pages
    and in the forms they draw (the frame): what a certificate's fonts must be, checked."""
    found = []

    def walk(resources):
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"])
            found.append((name, any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                          "+" in name))  # a subset font carries a tag before "+"
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"].get_object())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page["/Resources"].get_object())
    return found
