"""Each certificate as an Open Badges 3.0 OpenBadgeCredential, signed as a VC-JWT.

The JSON a holder downloads is the credential with a ``JwtProof2020`` proof
whose ``jwt`` is a compact JWS (EdDSA, Ed25519) over ``{iss, jti, nbf, sub,
vc}``. Checking it needs only the institute's public key: the signature must
hold and the signed ``vc`` must equal the JSON around it, so that changing
either is detected.
"""

import copy
from datetime import datetime

from .signing import jwk, public_key_from_jwk, sign_jws, verify_jws

CONTEXT = ["https://www.w3.org/2018/credentials/v1",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
          "ob_v3p0_achievementcredential_schema.json")
ISSUER_NAME = "Kubuqi Global Desert Institute"


def issuer_id(base_url: str) -> str:
    return base_url.rstrip("/") + "/issuer"


def key_id(base_url: str) -> str:
    return issuer_id(base_url) + "#key-1"


def issuer_profile(base_url: str, key) -> dict:
    """The issuer's Open Badges profile with its public key, served at ``/issuer``."""
    return {
        "@context": CONTEXT + ["https://w3id.org/security/suites/jws-2020/v1"],
        "id": issuer_id(base_url), "type": ["Profile"], "name": ISSUER_NAME, "url": base_url,
        "verificationMethod": [{"id": key_id(base_url), "type": "JsonWebKey2020",
                                "controller": issuer_id(base_url), "publicKeyJwk": jwk(key)}],
        "assertionMethod": [key_id(base_url)],
    }


def build(data: dict, base_url: str) -> dict:
    """The unsigned credential of a certificate described by ``data`` (its stored facts)."""
    base = base_url.rstrip("/")
    issued = data["issued_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": CONTEXT,
        "id": f"urn:gdi-certificate:{data['serial']}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data["title"],
        "issuer": {"id": issuer_id(base), "type": ["Profile"], "name": ISSUER_NAME, "url": base},
        "issuanceDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The holder's name as printed (an extension identity type: OB has none for names).
            "identifier": [{"type": "IdentityObject", "identityType": "ext:name", "hashed": False,
                            "identityHash": data["holder_name"]}],
            "activityStartDate": data["starts_on"].isoformat() + "T00:00:00Z",
            "activityEndDate": data["ends_on"].isoformat() + "T00:00:00Z",
            "achievement": {
                "id": f"{base}/achievements/{data['achievement']}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": data["title"],
                "description": data["description"],
                "criteria": {"narrative": data["criteria"]},
                "tag": data["courses"],
            },
            **({"creditsEarned": data["hours"]} if data.get("hours") else {}),
        },
        "credentialStatus": {"id": f"{base}/api/v1/verify/{data['code']}",
                             "type": "1EdTechRevocationList"},
        "credentialSchema": [{"id": SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def sign(credential: dict, key, base_url: str) -> dict:
    """The credential with its proof: a VC-JWT over it."""
    issued = datetime.strptime(credential["issuanceDate"], "%Y-%m-%dT%H:%M:%SZ")
    payload = {"iss": credential["issuer"]["id"], "jti": credential["id"],
               "nbf": int(issued.timestamp()), "sub": credential["credentialStatus"]["id"],
               "vc": credential}
    signed = copy.deepcopy(credential)
    signed["proof"] = {"type": "JwtProof2020", "proofPurpose": "assertionMethod",
                       "verificationMethod": key_id(base_url), "created": credential["issuanceDate"],
                       "jwt": sign_jws(payload, key, key_id(base_url))}
    return signed


def check(document: dict, public_key) -> list[str]:
    """Problems with a signed credential (empty when it is authentic and unaltered)."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if not isinstance(proof, dict) or not isinstance(proof.get("jwt"), str):
        return ["the credential carries no JWT proof"]
    try:
        payload = verify_jws(proof["jwt"], public_key)
    except ValueError as exc:
        return [f"signature: {exc}"]
    problems = []
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    if payload.get("vc") != unsigned:
        problems.append("the credential's JSON differs from what was signed")
    if payload.get("iss") != unsigned.get("issuer", {}).get("id"):
        problems.append("the signed issuer differs from the credential's issuer")
    return problems


def public_key_of_profile(profile: dict):
    return public_key_from_jwk(profile["verificationMethod"][0]["publicKeyJwk"])
