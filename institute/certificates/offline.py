"""Checking a certificate offline, from its PDF or its JSON, without the web site.

A PDF must carry the credential as its ``credential.json`` attachment; the
credential's signature must verify with the institute's public key, its JSON
must be what was signed, and the serial printed on the PDF must be the
credential's.
"""

import io
import json
import re
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import credential as credentials

SERIAL = re.compile(r"GDI-\d{4}-(?:\d|T)-\d{4}")


@dataclass
class Report:
    serial: str = ""
    holder: str = ""
    title: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bytes(data: bytes, public_key) -> Report:
    report = Report()
    printed: list[str] | None = None
    if data.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(data))
            attached = reader.attachments.get("credential.json")
            printed = SERIAL.findall(" ".join(page.extract_text() or "" for page in reader.pages))
        except (PdfReadError, ValueError, KeyError) as exc:
            report.problems.append(f"not a readable PDF: {exc}")
            return report
        if not attached:
            report.problems.append("the PDF carries no credential.json attachment")
            return report
        data = attached[0]
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        report.problems.append("the credential is not JSON")
        return report
    report.problems.extend(credentials.check(document, public_key))
    serial = str(document.get("id", "")).removeprefix("urn:gdi-certificate:")
    report.serial = serial
    report.title = document.get("name", "")
    identifiers = document.get("credentialSubject", {}).get("identifier") or [{}]
    report.holder = identifiers[0].get("identityHash", "")
    if printed is not None and serial not in printed:
        report.problems.append(f"the serial printed on the PDF ({', '.join(printed) or 'none'}) is not "
                               f"the credential's ({serial})")
    return report


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
