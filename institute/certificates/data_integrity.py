"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa).

To sign, the document and the proof's options (the proof without
``proofValue``, with the document's ``@context``) are each canonicalised with
RDFC-1.0 (URDNA2015 in pyld); the signature is Ed25519 over
sha256(options) ‖ sha256(document), written as ``z`` + base58btc. Reading
goes through the shipped contexts only, and strictly: a property the
contexts do not define, or a type or identifier that is not an absolute IRI,
is an error rather than silently left out of what is signed.
"""

import copy
import hashlib
import json
from datetime import datetime
from functools import lru_cache

import base58
from cryptography.exceptions import InvalidSignature
from pyld import jsonld  # type: ignore[import-untyped]

from .contexts import document_loader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class Unreadable(ValueError):
    """The document cannot be canonicalised exactly as written."""


def _refuse_dropped(term) -> None:
    raise Unreadable(f"the term {term!r} is not defined by the document's contexts")


def _check_iris(node) -> None:
    """Refuse relative IRIs in @id and @type: canonicalisation would drop them unsigned."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@id", "@type") and "@value" not in node:
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, str) and ":" not in iri:
                        raise Unreadable(f"{key} {iri!r} is not defined by the document's contexts")
            elif not key.startswith("@") or key in ("@graph", "@list", "@set", "@included"):
                _check_iris(value)


def canonical(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of ``document``, read through the shipped contexts."""
    options = {"documentLoader": document_loader, "base": None}
    try:
        processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
        expanded = processor.expand(document, options)
        _check_iris(expanded)
        return jsonld.normalize(expanded, {**options, "algorithm": "URDNA2015",
                                           "format": "application/n-quads"})
    except jsonld.JsonLdError as exc:
        raise Unreadable(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    """The innermost cause pyld wraps its errors around (a refused URL, a dropped term)."""
    while (cause := exc.__cause__ or getattr(exc, "cause", None)) is not None:
        exc = cause
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {"@context": document.get("@context"),
               **{k: v for k, v in proof_options.items() if k != "proofValue"}}
    return _options_hash(json.dumps(options, sort_keys=True)) + hashlib.sha256(canonical(unsigned).encode()).digest()


@lru_cache(maxsize=64)
def _options_hash(options: str) -> bytes:
    """The proof options' hash: the same for every certificate of an issuing signed in the
    same second, so canonicalised once for them all (about a third of signing's time)."""
    return hashlib.sha256(canonical(json.loads(options)).encode()).digest()


def sign(document: dict, key, verification_method: str, created: datetime) -> dict:
    """``document`` with an embedded proof by ``key`` for ``assertionMethod``."""
    options = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE,
               "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signed = copy.deepcopy(document)
    signed["proof"] = {**options,
                       "proofValue": "z" + base58.b58encode(key.sign(_hash_data(document, options))).decode()}
    return signed


def proof_of(document) -> dict | None:
    proof = document.get("proof") if isinstance(document, dict) else None
    return proof if isinstance(proof, dict) and proof.get("type") == PROOF_TYPE else None


def check(document: dict, public_key) -> list[str]:
    """Problems with ``document``'s proof under ``public_key`` (empty when it holds)."""
    proof = proof_of(document)
    if proof is None:
        return ["the credential carries no Data Integrity proof"]
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return [f"unknown cryptosuite {proof.get('cryptosuite')!r}"]
    if proof.get("proofPurpose") != "assertionMethod":
        return ["the proof is not made for assertionMethod"]
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return ["the proof value is not base58btc multibase"]
    try:
        signature = base58.b58decode(value[1:])
        data = _hash_data(document, proof)
    except (Unreadable, ValueError) as exc:
        return [f"the credential cannot be read: {exc}"]
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return ["the signature does not match the credential"]
    return []
