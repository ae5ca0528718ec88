"""Offline packs: a published revision to read without a connection (DESIGN §10, "Reach").

Two formats, built from the HTML stored at import (sanitised already):

- ``zip``: a folder of plain HTML pages, an ``index.html`` table of contents, one page
  per module with links to the one before and after, the images the modules show and a
  small stylesheet; every link relative, no script, so it opens from the file system.
- ``epub``: an EPUB 3 book (package document, nav document, XHTML content documents)
  that epubcheck accepts without errors or warnings.

Quizzes are not in a pack: a note says each is taken on the site. An assignment's
instructions and rubric are, on the page of the module it follows (fellows write field
reports away from a connection), with a note that the work is sent on the site. Links to the site's own
pages become links inside the pack, or plain text where the pack has no such page.

A pack is built once per revision and format and stored (``OfflinePack``); two
requests building the same pack at once keep whichever was stored first.
"""

import hashlib
import io
import mimetypes
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files as package_files
from urllib.parse import quote, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from lxml import etree
from lxml import html as lxml_html

from ..database import utcnow
from ..extensions import db
from .models import CourseBlob, CourseRevision, OfflinePack, RevisionFile

FORMATS = ("zip", "epub")
MEDIA_TYPES = {"zip": "application/zip", "epub": "application/epub+zip"}
XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
RTL = {"ar", "fa", "he", "ur", "ps", "dv", "yi"}
# EPUB 3's core media types for images; a file of another kind stays out of the book.
EPUB_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
_NAME = re.compile(r"^[^\W\d][\w.-]*$")  # an XML name without colons (XHTML ids)
STYLESHEET = (package_files(__package__) / "offline.css").read_text(encoding="utf-8")


# ------------------------------------------------------------------ stored packs


@dataclass(frozen=True)
class PackSize:
    format: str
    size: int


def pack(revision: CourseRevision, format: str) -> OfflinePack:
    """The stored pack of ``revision`` in ``format`` (bytes loaded), built if it is the first
    time anyone asks. The caller has decided that the reader may have it
    (``services.revision_for(..., "offline")``)."""
    if format not in FORMATS:
        raise ValueError(f"unknown offline format: {format}")
    found = db.session.scalar(sa.select(OfflinePack).where(
        OfflinePack.revision_id == revision.id, OfflinePack.format == format)
        .options(sa.orm.undefer(OfflinePack.data)))
    if found is not None:
        return found
    data = build(revision, format)
    made = OfflinePack(revision_id=revision.id, format=format, sha256=hashlib.sha256(data).hexdigest(),
                       size=len(data), data=data)
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except sa.exc.IntegrityError:  # another request stored it meanwhile: the same bytes
        return db.session.scalars(sa.select(OfflinePack).where(
            OfflinePack.revision_id == revision.id, OfflinePack.format == format)
            .options(sa.orm.undefer(OfflinePack.data))).one()
    return made


def sizes(revision: CourseRevision) -> dict[str, int]:
    """Each format's size in bytes, building the packs not stored yet (the course page
    shows them; their bytes are not loaded)."""
    stored = dict(db.session.execute(sa.select(OfflinePack.format, OfflinePack.size)
                                     .where(OfflinePack.revision_id == revision.id)).tuples().all())
    for format in FORMATS:
        if format not in stored:
            stored[format] = pack(revision, format).size
    return {format: stored[format] for format in FORMATS}


def filename(revision: CourseRevision, format: str) -> str:
    return f"{revision.course.slug}-r{revision.number}.{format}"


# ------------------------------------------------------------------ building


@dataclass
class _Page:
    slug: str
    title: str
    minutes: int | None
    name: str  # the file's name, without its extension
    html: str
    quizzes: list[str]
    assignments: list["_Assignment"]


@dataclass
class _Assignment:
    title: str
    html: str
    rubric: list[tuple[str, int]]
    pass_mark: str
    total: int


@dataclass
class _Book:
    """What both formats are made of: the revision's pages and the files they show."""

    revision: CourseRevision
    slug: str
    language: str
    rtl: bool
    modified: datetime
    overview_html: str
    pages: list[_Page]
    files: dict[str, bytes]  # bundle path → bytes, of the files the pages refer to


def build(revision: CourseRevision, format: str) -> bytes:
    """The pack's bytes: the same revision always makes the same bytes."""
    book = _book(revision)
    locale = _pack_locale(book.language)
    with force_locale(locale):
        return _zip(book) if format == "zip" else _epub(book)


def _pack_locale(language: str) -> str:
    """The pack's own words (contents, next, quiz notes) in the course's language if the
    site speaks it, else in English: a pack is the same for every reader."""
    supported = current_app.config["LANGUAGES"]
    primary = language.split("-")[0].lower()
    return language if language in supported else primary if primary in supported else "en"


def _book(revision: CourseRevision) -> _Book:
    slug = revision.course.slug
    quizzes: dict[str | None, list[str]] = {}
    for quiz in revision.quizzes:
        quizzes.setdefault(quiz.after_module, []).append(quiz.title)
    assignments: dict[str | None, list[_Assignment]] = {}
    for assignment in revision.assignments:
        assignments.setdefault(assignment.after_module, []).append(_Assignment(
            assignment.title, assignment.html,
            [(str(row["criterion"]), int(row["points"])) for row in assignment.rubric],
            f"{assignment.pass_mark:g}", assignment.max_points))  # not the reader's locale: one pack for all
    pages = [_Page(m.slug, m.title, m.minutes, f"{m.position:02d}-{m.slug}", m.html, quizzes.get(m.slug, []),
                   assignments.get(m.slug, [])) for m in revision.modules]
    # Quizzes and assignments after no module (or one not found) end the last page.
    known = {m.slug for m in revision.modules}
    if pages:
        pages[-1].quizzes += [t for after, titles in quizzes.items() if after not in known for t in titles]
        pages[-1].assignments += [a for after, rows in assignments.items() if after not in known for a in rows]
    referred = {path for page in pages for path in _file_paths(page.html, slug)}
    referred |= {path for page in pages for a in page.assignments for path in _file_paths(a.html, slug)}
    referred |= _file_paths(revision.overview_html, slug)
    rows = db.session.execute(
        sa.select(RevisionFile.path, CourseBlob.data)
        .join(CourseBlob, CourseBlob.sha256 == RevisionFile.blob_sha256)
        .where(RevisionFile.revision_id == revision.id, RevisionFile.path.in_(sorted(referred)))).tuples()
    primary = revision.language.split("-")[0].lower()
    return _Book(revision, slug, revision.language, primary in RTL, revision.published_at or utcnow(),
                 revision.overview_html, pages, {path: bytes(data) for path, data in rows})


def _file_paths(html: str, slug: str) -> set[str]:
    prefix = f"/courses/{slug}/files/"
    found = set()
    for match in re.finditer(r'(?:src|href)="(' + re.escape(prefix) + r'[^"#?]+)', html):
        rest = match.group(1)[len(prefix):]
        if "/" in rest:
            found.add(unquote(rest.split("/", 1)[1]))
    return found


def fix_id(value: str) -> str:
    """An id (or a fragment) as an XML name, which EPUB's XHTML requires: ids that start
    with a digit or hold a colon get a prefix."""
    return value if _NAME.match(value) else "id-" + value.replace(":", "-")


class _Links:
    """Where a link of the site's HTML points inside the pack (None: nowhere, keep the text)."""

    def __init__(self, book: _Book, extension: str, index: str, epub: bool):
        self.prefix = f"/courses/{book.slug}"
        self.pages = {p.slug: p.name + extension for p in book.pages}
        self.files = book.files
        self.index = index
        self.epub = epub
        self.site = urlsplit(current_app.config.get("BASE_URL") or "").netloc

    def __call__(self, url: str, kind: str) -> str | None:
        base, _sep, fragment = url.partition("#")
        anchor = "#" + fix_id(unquote(fragment)) if fragment else ""
        if not base:
            return anchor or None
        parts = urlsplit(base)
        if parts.scheme or parts.netloc:
            if parts.netloc and parts.netloc == self.site:
                return None  # the site itself: nothing of it works offline
            return url if kind == "link" and parts.scheme in ("http", "https", "mailto") else None
        path = parts.path
        if path == self.prefix:
            return self.index + anchor
        if path.startswith(self.prefix + "/modules/"):
            target = self.pages.get(path[len(self.prefix + "/modules/"):])
            return target + anchor if target else None
        if path.startswith(self.prefix + "/files/"):
            rest = path[len(self.prefix + "/files/"):]
            file = unquote(rest.split("/", 1)[1]) if "/" in rest else ""
            if file not in self.files:
                return None
            if self.epub and (kind == "link" or _media_type(file) not in EPUB_IMAGES):
                return None  # a book links to its own documents only
            return "files/" + quote(file)
        return None


def _media_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _content(fragment: str, links: Callable[[str, str], str | None], xhtml: bool) -> str:
    """The stored HTML with its links made the pack's, table cells' alignment as classes
    (the stylesheet's), ids as XML names; as HTML, or as well-formed XHTML for a book."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id"):
            element.set("id", fix_id(element.get("id")))
        if element.tag == "a" and element.get("href") is not None:
            target = links(element.get("href"), "link")
            if target is None:
                del element.attrib["href"]
                element.attrib.pop("rel", None)
            else:
                element.set("href", target)
        elif element.tag == "img" and element.get("src") is not None:
            target = links(element.get("src"), "image")
            if target is None:
                element.tag = "span"  # an image the pack cannot hold: its description stays
                element.text = element.get("alt") or ""
                for attribute in list(element.attrib):
                    del element.attrib[attribute]
            else:
                element.set("src", target)
                element.set("alt", element.get("alt") or "")
        elif element.tag in ("td", "th") and element.get("align"):
            align = element.attrib.pop("align")
            if align in ("left", "right", "center"):
                element.set("class", " ".join(filter(None, [element.get("class"), f"align-{align}"])))
        elif element.tag == "input" and xhtml:
            for attribute in ("disabled", "checked"):
                if attribute in element.attrib:
                    element.set(attribute, attribute)
    method = "xml" if xhtml else "html"
    parts = [root.text and _escape(root.text) or ""]
    parts += [etree.tostring(child, method=method, encoding="unicode", with_tail=False)
              + (_escape(child.tail) if child.tail else "") for child in root]
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _write(archive: zipfile.ZipFile, name: str, data: bytes | str, moment: datetime,
           compress: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, _date_time(moment))
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    archive.writestr(info, data.encode() if isinstance(data, str) else data)


def _render(template: str, **context) -> str:
    """A pack's page from its template alone: nothing of the request (the reader, their
    session) goes into a pack, which is the same for every reader."""
    return current_app.jinja_env.get_template(template).render(**context)


def _context(book: _Book, xhtml: bool) -> dict:
    revision = book.revision
    return {"revision": revision, "book": book, "stylesheet": "style.css", "xhtml": xhtml,
            "direction": "rtl" if book.rtl else "ltr"}


def _zip(book: _Book) -> bytes:
    """A folder named after the course: index.html, one page per module, files/, style.css."""
    links = _Links(book, ".html", "index.html", epub=False)
    context = _context(book, xhtml=False)
    out = io.BytesIO()
    folder = f"{book.slug}/"
    with zipfile.ZipFile(out, "w") as archive:
        _write(archive, folder + "index.html", _render(
            "courses/offline/index.html", overview=_content(book.overview_html, links, False),
            contents=[(p.name + ".html", p) for p in book.pages], **context), book.modified)
        for i, page in enumerate(book.pages):
            previous = book.pages[i - 1] if i > 0 else None
            following = book.pages[i + 1] if i + 1 < len(book.pages) else None
            _write(archive, f"{folder}{page.name}.html", _render(
                "courses/offline/page.html", page=page, body=_content(page.html, links, False),
                instructions=[_content(a.html, links, False) for a in page.assignments],
                previous=(previous.name + ".html", previous.title) if previous else None,
                next=(following.name + ".html", following.title) if following else None,
                contents="index.html", position=i + 1, **context), book.modified)
        _write(archive, folder + "style.css", STYLESHEET, book.modified)
        for path, data in sorted(book.files.items()):
            _write(archive, f"{folder}files/{path}", data, book.modified)
    return out.getvalue()


def identifier(revision: CourseRevision) -> str:
    """The book's identifier: a name-based UUID of the course's slug and revision number,
    so the same revision is always the same book, and the next revision another."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"gdi-institute:courses/{revision.course.slug}"
                                                             f"/revisions/{revision.number}"))


def _epub(book: _Book) -> bytes:
    links = _Links(book, ".xhtml", "title.xhtml", epub=True)
    context = _context(book, xhtml=True)
    documents: list[tuple[str, str]] = [("title.xhtml", _render(
        "courses/offline/index.html", overview=_content(book.overview_html, links, True),
        contents=None, **context))]
    for i, page in enumerate(book.pages):
        documents.append((page.name + ".xhtml", _render(
            "courses/offline/page.html", page=page, body=_content(page.html, links, True),
            instructions=[_content(a.html, links, True) for a in page.assignments],
            previous=None, next=None, contents=None, position=i + 1, **context)))
    nav = _render("courses/offline/nav.xhtml", contents=[(p.name + ".xhtml", p) for p in book.pages],
                          **context)
    for _name, text in documents + [("nav.xhtml", nav)]:
        etree.fromstring(text.encode())  # well-formed, or the build fails here and not in a reader
    images = {path: data for path, data in book.files.items() if _media_type(path) in EPUB_IMAGES}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _write(archive, "mimetype", "application/epub+zip", book.modified, zipfile.ZIP_STORED)
        _write(archive, "META-INF/container.xml", _CONTAINER, book.modified)
        _write(archive, "EPUB/package.opf", _package(book, documents, images), book.modified)
        _write(archive, "EPUB/nav.xhtml", nav, book.modified)
        _write(archive, "EPUB/style.css", STYLESHEET, book.modified)
        for name, text in documents:
            _write(archive, "EPUB/" + name, text, book.modified)
        for path, data in sorted(images.items()):
            _write(archive, "EPUB/files/" + path, data, book.modified)
    return out.getvalue()


_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def _package(book: _Book, documents: list[tuple[str, str]], images: dict[str, bytes]) -> bytes:
    revision = book.revision
    package = etree.Element(f"{{{OPF}}}package", nsmap={None: OPF}, version="3.0",
                            attrib={"unique-identifier": "uid", "{http://www.w3.org/XML/1998/namespace}lang":
                                    book.language})
    metadata = etree.SubElement(package, f"{{{OPF}}}metadata", nsmap={"dc": DC})

    def dc(name: str, text: str, **attributes) -> None:
        etree.SubElement(metadata, f"{{{DC}}}{name}", attrib=attributes).text = text

    dc("identifier", identifier(revision), id="uid")
    dc("title", revision.title)
    dc("language", book.language)
    for author in revision.authors or []:
        dc("creator", str(author))
    dc("publisher", revision.course.partner.name)
    dc("rights", revision.license)
    if revision.summary:
        dc("description", revision.summary)
    modified = etree.SubElement(metadata, f"{{{OPF}}}meta", property="dcterms:modified")
    modified.text = book.modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = etree.SubElement(package, f"{{{OPF}}}manifest")

    def item(id: str, href: str, media_type: str, **attributes) -> None:
        etree.SubElement(manifest, f"{{{OPF}}}item", id=id, href=href, attrib={"media-type": media_type,
                                                                                 **attributes})

    item("nav", "nav.xhtml", "application/xhtml+xml", properties="nav")
    item("style", "style.css", "text/css")
    for n, (name, _text) in enumerate(documents):
        item(f"doc{n}", name, "application/xhtml+xml")
    for n, path in enumerate(sorted(images)):
        item(f"file{n}", "files/" + quote(path), _media_type(path))
    spine = etree.SubElement(package, f"{{{OPF}}}spine")
    if book.rtl:
        spine.set("page-progression-direction", "rtl")
    for n in range(len(documents)):
        etree.SubElement(spine, f"{{{OPF}}}itemref", idref=f"doc{n}")
    return etree.tostring(package, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def human_size(size: int) -> str:
    """1.2 MB, 340 KB: how a reader weighs a download (decimal units, as phones show)."""
    if size >= 1_000_000:
        return _("%(n)s MB", n=format_decimal(round(size / 1_000_000, 1), format="#,##0.0"))
    return _("%(n)s KB", n=format_decimal(max(1, round(size / 1000))))
