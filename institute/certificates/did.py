"""The institute as a ``did:web`` issuer, and its DID document.

The DID is derived from ``BASE_URL`` as the did:web method says: the host (a
port's colon percent-encoded), then each path segment after a colon. Its
document lives at ``/.well-known/did.json`` for a bare host, at
``/<path>/did.json`` under a path, and publishes the institute's Ed25519 key
as a ``Multikey`` (``z`` + base58btc of 0xed01 + the raw key) for
``assertionMethod``: what verifiers resolve to check a credential's proof.
"""

from urllib.parse import quote, unquote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import contexts
from .signing import public_key_bytes

DID_V1 = "https://www.w3.org/ns/did/v1"
ED25519_PUB = b"\xed\x01"  # the multicodec prefix of an Ed25519 public key
KEY_FRAGMENT = "key-1"


def did_of(base_url: str) -> str:
    """``http://127.0.0.1:5000`` → ``did:web:127.0.0.1%3A5000``; a path adds ``:segment``s."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"BASE_URL has no host: {base_url!r}")
    segments = [quote(parts.netloc.lower(), safe="")]
    segments += [quote(unquote(s), safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def document_path(base_url: str) -> str:
    """Where, under ``BASE_URL``'s host, the DID document is read from."""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/did.json" if path else "/.well-known/did.json"


def key_id(base_url: str) -> str:
    return f"{did_of(base_url)}#{KEY_FRAGMENT}"


def multibase_key(key) -> str:
    return "z" + base58.b58encode(ED25519_PUB + public_key_bytes(key)).decode()


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("the key is not base58btc multibase")
    raw = base58.b58decode(value[1:])
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise ValueError("the key is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def document(base_url: str, key) -> dict:
    """The DID document with ``key`` (a private or public Ed25519 key) as its assertion key."""
    did = did_of(base_url)
    return {
        "@context": [DID_V1, contexts.MULTIKEY],
        "id": did,
        "verificationMethod": [{"id": key_id(base_url), "type": "Multikey", "controller": did,
                                "publicKeyMultibase": multibase_key(key)}],
        "assertionMethod": [key_id(base_url)],
    }


def assertion_key(did_document: dict, method: str) -> Ed25519PublicKey:
    """The public key of ``method`` if the document lets it make assertions; ValueError if not."""
    if method not in did_document.get("assertionMethod", []):
        raise ValueError(f"{method} is not an assertion method of {did_document.get('id')}")
    for entry in did_document.get("verificationMethod", []):
        if entry.get("id") == method and entry.get("type") == "Multikey":
            return public_key_from_multibase(entry.get("publicKeyMultibase"))
    raise ValueError(f"{did_document.get('id')} publishes no Multikey {method}")
