"""The JSON-LD contexts a certificate is read with, shipped beside this file.

Canonicalising a credential means reading it through its contexts; a context
fetched at run time could change what was signed, or fail when the network
does. So each context the institute uses is a file here, listed with its
source in ``index.json``, and the document loader refuses every other URL.
"""

import copy
import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OPEN_BADGES_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
MULTIKEY = "https://w3id.org/security/multikey/v1"


class NotShipped(Exception):
    """A document was asked for that the institute does not ship."""


@cache
def index() -> dict[str, str]:
    """URL → file name of every shipped context."""
    listed = json.loads((HERE / "index.json").read_text())["contexts"]
    return {url: entry["file"] for url, entry in listed.items()}


@cache
def _document(url: str) -> dict:
    return json.loads((HERE / index()[url]).read_text())


def context(url: str) -> dict:
    """The shipped context of ``url`` (a copy: callers may change it)."""
    if url not in index():
        raise NotShipped(f"no shipped JSON-LD context for {url}")
    return copy.deepcopy(_document(url))


def document_loader(url: str, options=None) -> dict:
    """pyld's document loader: the shipped file, or a refusal."""
    if url not in index():
        raise NotShipped(f"refused to load {url}: only shipped contexts are read")
    # "static": the document never changes, so pyld keeps it resolved and processed across
    # calls (without it each canonicalisation processed every context again).
    return {"contextUrl": None, "documentUrl": url, "document": _document(url), "tag": "static"}
