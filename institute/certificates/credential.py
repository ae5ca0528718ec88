"""Each certificate as an Open Badges 3.0.3 OpenBadgeCredential (VC Data Model 2.0).

The credential names the institute by its ``did:web`` (did.py), is valid from
its issue, says where its revocation bit is published (status_list.py) and
carries an embedded ``DataIntegrityProof`` (``eddsa-rdfc-2022``,
data_integrity.py) by the key the DID document publishes. What any standard
verifier needs is in it or behind the DID and the list's URL.

The holder is named twice: by their name as printed (an ``IdentityObject``: OB
has no identity type for names, hence ``ext:name``) and by a subject ``id``,
``urn:uuid:`` of an HMAC of the user's id under the institute's private key —
the same for all of a holder's certificates, and telling nothing of who they
are to anyone without the key.
"""

import calendar
import hashlib
import hmac
import uuid
from datetime import datetime

from cryptography.hazmat.primitives import serialization

from . import contexts, data_integrity, did
from .signing import sign_jws
from .status_list import entry

CONTEXT = [contexts.CREDENTIALS_V2, contexts.OPEN_BADGES, contexts.OPEN_BADGES_EXTENSIONS]
SCHEMA = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
          "ob_v3p0_achievementcredential_schema.json")
ISSUER_NAME = "Kubuqi Global Desert Institute"
ID_PREFIX = "urn:gdi-certificate:"


def subject_id(key, user_id: int) -> str:
    """The holder's stable, non-revealing subject id (``key``: the institute's private key)."""
    secret = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption())
    digest = hmac.new(secret, f"gdi-holder:{user_id}".encode(), hashlib.sha256).digest()
    raw = bytearray(digest[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: a UUID of the institute's own making (RFC 9562)
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC's variant
    return uuid.UUID(bytes=bytes(raw)).urn


def _timestamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build(data: dict, base_url: str) -> dict:
    """The unsigned credential of a certificate described by ``data`` (its stored facts,
    with ``subject_id``, ``status_index`` and ``achievement_id``)."""
    base = base_url.rstrip("/")
    return {
        "@context": CONTEXT,
        "id": ID_PREFIX + data["serial"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data["title"],
        "issuer": {"id": did.did_of(base), "type": ["Profile"], "name": ISSUER_NAME, "url": base},
        "validFrom": _timestamp(data["issued_at"]),
        "credentialSubject": {
            "id": data["subject_id"],
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "ext:name", "hashed": False,
                            "identityHash": data["holder_name"]}],
            "activityStartDate": data["starts_on"].isoformat() + "T00:00:00Z",
            "activityEndDate": data["ends_on"].isoformat() + "T00:00:00Z",
            "achievement": {
                "id": data["achievement_id"],
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": data["title"],
                "description": data["description"],
                "criteria": {"narrative": data["criteria"]},
                "tag": data["courses"],
            },
            **({"creditsEarned": data["hours"]} if data.get("hours") else {}),
        },
        "credentialStatus": entry(data["status_index"]),
        "credentialSchema": [{"id": SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def sign(credential: dict, key, base_url: str, created) -> dict:
    """The credential with its Data Integrity proof by the DID's key, made at ``created``."""
    return data_integrity.sign(credential, key, did.key_id(base_url), created)


def as_jwt(credential: dict, key) -> str:
    """A signed credential as a compact VC-JWT (Open Badges 3.0 §8.2): the credential, its
    embedded proof included, is the JWT payload with ``iss``, ``jti``, ``nbf`` and ``sub``,
    signed EdDSA by the key its proof names (``kid``). Ed25519 signatures are deterministic:
    the same credential always gives the same token, so it is made when asked for, never stored."""
    valid_from = datetime.strptime(credential["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
    claims = {"iss": credential["issuer"]["id"], "jti": credential["id"],
              "nbf": calendar.timegm(valid_from.timetuple()), "sub": credential["credentialSubject"]["id"]}
    return sign_jws({**credential, **claims}, key, credential["proof"]["verificationMethod"])


def serial_of(document: dict) -> str:
    return str(document.get("id", "")).removeprefix(ID_PREFIX)
