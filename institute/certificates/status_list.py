"""Revocation as W3C Bitstring Status Lists, the way standard verifiers read it.

Each certificate owns one bit (``Certificate.status_index``): list
``index // LIST_SIZE + 1``, bit ``index % LIST_SIZE``, chosen at random among
the free ones (the spec's advice: neighbours in a list tell nothing). Its
credential's ``credentialStatus`` is a ``BitstringStatusListEntry`` pointing at
the list's stable URL, ``/credentials/status/<n>``. A list is published as a
signed ``BitstringStatusListCredential`` whose ``encodedList`` is the
multibase (``u``, base64url) GZIP of the bits, index 0 the first byte's high
bit; it is rebuilt from the certificates and signed again in the transaction
that revokes one of them, and stored as served.

One rule, ``revoked_in_list``, answers for the verify page and the API too: what
the published list says is what everyone hears.
"""

import base64
import gzip
import secrets
from typing import cast

import sqlalchemy as sa
from flask_babel import gettext as _

from ..database import lock_row, utcnow
from ..errors import NotFound
from ..extensions import db
from ..links import external_url
from . import contexts, data_integrity, did
from .models import Certificate, CertificateStatusList
from .signing import private_key

LIST_SIZE = 131072  # bits per list: 16 KiB, the spec's minimum (herd privacy)
PURPOSE = "revocation"


def position(index: int) -> tuple[int, int]:
    """(list number, bit) of a certificate's status index."""
    return index // LIST_SIZE + 1, index % LIST_SIZE


def list_url(number: int) -> str:
    return external_url("certificates.status_list_credential", number=number)


def entry(index: int) -> dict:
    """The ``credentialStatus`` of the certificate with this status index."""
    number, bit = position(index)
    url = list_url(number)
    return {"id": f"{url}#{bit}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(bit), "statusListCredential": url}


def allocate(count: int) -> list[int]:
    """``count`` free status indexes at random, in the first lists with room. Two issuings at
    once may pick the same one: the unique index refuses the second, which is told to try again."""
    taken = set(db.session.scalars(sa.select(Certificate.status_index)))
    chosen: list[int] = []
    while len(chosen) < count:
        room = LIST_SIZE * (1 + (len(taken) + len(chosen)) // LIST_SIZE)
        index = secrets.randbelow(room)
        if index not in taken and index not in chosen:
            chosen.append(index)
    return chosen


def encode(bits: set[int]) -> str:
    """The ``encodedList`` of a list whose set bits are ``bits``."""
    raw = bytearray(LIST_SIZE // 8)
    for bit in bits:
        raw[bit // 8] |= 0x80 >> (bit % 8)
    # mtime=0: the same bits give the same bytes
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(raw), mtime=0)).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("the encoded list is not base64url multibase")
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def is_set(encoded: str, bit: int) -> bool:
    raw = decode(encoded)
    return bool(raw[bit // 8] & (0x80 >> (bit % 8)))


def _revoked_bits(number: int) -> set[int]:
    low = (number - 1) * LIST_SIZE
    return {index - low for index in db.session.scalars(sa.select(Certificate.status_index).where(
        Certificate.revoked_at.is_not(None), Certificate.status_index >= low,
        Certificate.status_index < low + LIST_SIZE))}


def _signed_list(number: int, base_url: str) -> dict:
    url, now = list_url(number), utcnow().replace(microsecond=0)
    document = {
        "@context": [contexts.CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did.did_of(base_url),
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode(_revoked_bits(number))},
    }
    return data_integrity.sign(document, private_key(), did.key_id(base_url), now)


def republish(number: int, base_url: str) -> CertificateStatusList:
    """Rebuild list ``number`` from the certificates and sign it again (in the caller's transaction)."""
    if db.session.get(CertificateStatusList, number) is None:
        _create(number, base_url)
    lock_row(CertificateStatusList, number)  # two revocations sign in turn, each seeing the other's
    # Made above if it was missing, and lists are never deleted.
    published = cast(CertificateStatusList, db.session.get(CertificateStatusList, number, populate_existing=True))
    published.credential, published.updated_at = _signed_list(number, base_url), utcnow()
    db.session.flush()
    return published


def _create(number: int, base_url: str) -> None:
    """Store list ``number`` for the first time; when another transaction made it meanwhile, theirs stands."""
    try:
        with db.session.begin_nested():
            db.session.add(CertificateStatusList(id=number, credential=_signed_list(number, base_url),
                                                 updated_at=utcnow()))
    except sa.exc.IntegrityError:
        pass


def published(number: int, base_url: str) -> dict:
    """The signed list as served: made the first time it is asked for (lists after the
    last one in use are unknown)."""
    if number < 1:
        raise NotFound(_("No such status list."))
    stored = db.session.get(CertificateStatusList, number)
    if stored is None:
        highest = db.session.scalar(sa.select(sa.func.max(Certificate.status_index)))
        if number > 1 and (highest is None or position(highest)[0] < number):
            raise NotFound(_("No such status list."))
        _create(number, base_url)
        stored = db.session.get(CertificateStatusList, number)
    if stored is None or stored.credential.get("id") != list_url(number):
        # BASE_URL changed: the list is published again under the new address
        return republish(number, base_url).credential
    return stored.credential


def revoked_in_list(certificate: Certificate, base_url: str) -> bool:
    """Whether the published list has the certificate's bit set."""
    number, bit = position(certificate.status_index)
    return is_set(published(number, base_url)["credentialSubject"]["encodedList"], bit)
