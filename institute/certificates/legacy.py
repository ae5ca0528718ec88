"""Credentials issued before Data Integrity proofs: checked, never made any more.

Until issue 15 a certificate's credential carried a ``JwtProof2020`` proof whose
``jwt`` is a compact JWS (EdDSA, Ed25519) over ``{iss, jti, nbf, sub, vc}``.
Such a credential stays verifiable: the signature must hold under the
institute's key and the signed ``vc`` must equal the JSON around it.
``flask --app institute certificates upgrade-credentials`` re-issues them in
today's form.
"""

from .signing import jwk, public_key_from_jwk, verify_jws

PROOF_TYPE = "JwtProof2020"
ISSUER_NAME = "Kubuqi Global Desert Institute"
CONTEXT = ["https://www.w3.org/2018/credentials/v1",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def issuer_id(base_url: str) -> str:
    return base_url.rstrip("/") + "/issuer"


def key_id(base_url: str) -> str:
    return issuer_id(base_url) + "#key-1"


def issuer_profile(base_url: str, key) -> dict:
    """The issuer profile with its public key as a JWK, served at ``/issuer``: what the
    JWT-signed credentials name as their issuer."""
    return {
        "@context": CONTEXT + ["https://w3id.org/security/suites/jws-2020/v1"],
        "id": issuer_id(base_url), "type": ["Profile"], "name": ISSUER_NAME, "url": base_url,
        "verificationMethod": [{"id": key_id(base_url), "type": "JsonWebKey2020",
                                "controller": issuer_id(base_url), "publicKeyJwk": jwk(key)}],
        "assertionMethod": [key_id(base_url)],
    }


def is_legacy(document) -> bool:
    return isinstance(document, dict) and isinstance(document.get("proof"), dict) \
        and document["proof"].get("type") == PROOF_TYPE


def check(document: dict, public_key) -> list[str]:
    """Problems with a JWT-signed credential (empty when it is authentic and unaltered)."""
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
