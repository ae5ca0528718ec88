"""Credentials as the institute signed them before issue 15 (JwtProof2020 over a VC 1.1
credential), made in tests to show that they stay verifiable and can be upgraded."""

import copy
import json
from datetime import datetime

from institute.certificates import legacy
from institute.certificates import services as certificates
from institute.certificates.pdf import with_credential
from institute.certificates.signing import private_key, sign_jws
from institute.extensions import db


def legacy_credential(certificate, base_url: str, key) -> dict:
    """The credential the old code gave ``certificate``: VC 1.1 context, issuanceDate, a
    status URL answering {"status": ...}, and a compact JWS over it all."""
    base = base_url.rstrip("/")
    issued = certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    credential = {
        "@context": legacy.CONTEXT,
        "id": f"urn:gdi-certificate:{certificate.serial}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": {"id": legacy.issuer_id(base), "type": ["Profile"], "name": legacy.ISSUER_NAME, "url": base},
        "issuanceDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "ext:name", "hashed": False,
                            "identityHash": certificate.holder_name}],
            "activityStartDate": certificate.starts_on.isoformat() + "T00:00:00Z",
            "activityEndDate": certificate.ends_on.isoformat() + "T00:00:00Z",
            "achievement": {
                "id": f"{base}/achievements/sessions/{certificate.session_id}",
                "type": ["Achievement"], "achievementType": "Certificate", "name": certificate.title,
                "description": f"Completion of the training session {certificate.title}.",
                "criteria": {"narrative": "Every module studied and every quiz passed."},
                "tag": certificate.courses,
            },
            **({"creditsEarned": certificate.hours} if certificate.hours else {}),
        },
        "credentialStatus": {"id": f"{base}/api/v1/verify/{certificate.code}", "type": "1EdTechRevocationList"},
        "credentialSchema": [{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                                    "ob_v3p0_achievementcredential_schema.json",
                              "type": "1EdTechJsonSchemaValidator2019"}],
    }
    payload = {"iss": credential["issuer"]["id"], "jti": credential["id"],
               "nbf": int(datetime.strptime(issued, "%Y-%m-%dT%H:%M:%SZ").timestamp()),
               "sub": credential["credentialStatus"]["id"], "vc": credential}
    signed = copy.deepcopy(credential)
    signed["proof"] = {"type": legacy.PROOF_TYPE, "proofPurpose": "assertionMethod",
                       "verificationMethod": legacy.key_id(base), "created": issued,
                       "jwt": sign_jws(payload, key, legacy.key_id(base))}
    return signed


def make_legacy(certificate):
    """Turn an issued certificate into one as the old code left it: its credential JWT-signed,
    and attached so to its PDF."""
    certificate.credential = legacy_credential(certificate, certificates.base_url(), private_key())
    certificate.pdf = with_credential(certificate.pdf, json.dumps(certificate.credential).encode())
    db.session.flush()
    return certificate
