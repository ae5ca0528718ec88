"""What an uploaded document is, told by its content and never by its name: a CV, a
nomination letter or a field report named ``.pdf`` may be anything.

Kinds are named as people name them (pdf, docx, odt, png, jpeg, gif, webp); admissions
and assignments say which kinds they take, and this module alone knows how each looks."""

import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from .errors import Invalid


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    suffix: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("pdf", "application/pdf", ".pdf"),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    Kind("odt", "application/vnd.oasis.opendocument.text", ".odt"),
    Kind("png", "image/png", ".png"),
    Kind("jpeg", "image/jpeg", ".jpg"),
    Kind("gif", "image/gif", ".gif"),
    Kind("webp", "image/webp", ".webp"),
)}
DOCUMENTS = ("pdf", "docx", "odt")
IMAGES = ("png", "jpeg", "gif", "webp")


def _zipped_kind(data: bytes) -> str | None:
    """DOCX and ODT are zip files; what is inside tells them apart from any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == KINDS["odt"].content_type.encode():
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError, EOFError):
        return None
    return None


def detect(data: bytes) -> str | None:
    """The kind the bytes are, or None for anything this module does not know."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zipped_kind(data)
    return None


def kinds_text(kinds: tuple[str, ...] | list[str]) -> str:
    """The kinds as a reader lists them: "PDF, DOCX, ODT"."""
    return ", ".join(k.upper() for k in kinds)


def check_upload(data: bytes, kinds: tuple[str, ...] | list[str], max_bytes: int, field: str = "file") -> Kind:
    """The kind of an uploaded file that must be one of ``kinds`` and at most ``max_bytes``
    long, or Invalid naming the field; nothing is written."""
    if not data:
        raise Invalid(details=[{"field": field, "message": _("The file is empty.")}])
    if len(data) > max_bytes:
        raise Invalid(details=[{"field": field, "message": _(
            "The file is larger than %(n)s MB.", n=f"{max_bytes / 2**20:g}")}])
    kind = detect(data)
    if kind is None or kind not in kinds:
        raise Invalid(details=[{"field": field, "message": _(
            "This file is not one of the accepted kinds (%(kinds)s): its content says otherwise, "
            "whatever its name.", kinds=kinds_text(kinds))}])
    return KINDS[kind]


def stored_name(name: str, kind: Kind) -> str:
    """The uploaded file's own name without folders, with the suffix its content has."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "file") + kind.suffix
