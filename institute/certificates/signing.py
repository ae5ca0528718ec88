"""The institute's Ed25519 key, and the compact JWS (EdDSA) of credentials issued before
Data Integrity proofs.

The private key lives in ``instance/signing_key.pem``, made on first use and
never committed; back it up with the instance folder. Verification needs only
the public key, which the DID document publishes as a Multikey (did.py) and
the legacy issuer profile as a JWK.
"""

import base64
import json
import os
from pathlib import Path
from typing import cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

KEY_FILE = "signing_key.pem"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key(instance_path: str | None = None) -> Ed25519PrivateKey:
    """The signing key, generated into the instance folder the first time."""
    path = Path(instance_path or current_app.instance_path) / KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two workers starting at once keep one key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    # The file is ours, written above as Ed25519; the loader's type covers every algorithm.
    return cast(Ed25519PrivateKey, serialization.load_pem_private_key(path.read_bytes(), password=None))


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk(key) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(public_key_bytes(key))}


def public_key_from_jwk(data: dict) -> Ed25519PublicKey:
    if data.get("kty") != "OKP" or data.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 JWK")
    return Ed25519PublicKey.from_public_bytes(b64url_decode(data["x"]))


def sign_jws(payload: dict, key: Ed25519PrivateKey, kid: str) -> str:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
                             for part in (header, payload))
    return signing_input + "." + b64url(key.sign(signing_input.encode()))


def verify_jws(token: str, public: Ed25519PublicKey) -> dict:
    """The payload of a JWS signed by ``public``; ValueError when it is not."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
    except (ValueError, json.JSONDecodeError) as exc:
        raise ValueError("not a compact JWS") from exc
    if header.get("alg") != "EdDSA":
        raise ValueError("the signature is not EdDSA")
    try:
        public.verify(b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode())
    except InvalidSignature as exc:
        raise ValueError("the signature does not match") from exc
    return json.loads(b64url_decode(payload_b64))
