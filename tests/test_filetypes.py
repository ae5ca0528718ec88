"""Uploaded documents are known by their content, never by their name."""

import io
import zipfile

import pytest

from institute.errors import Invalid
from institute.filetypes import DOCUMENTS, IMAGES, KINDS, check_upload, detect, stored_name


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", "pdf"), (DOCX, "docx"), (ODT, "odt"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "png"), (b"\xff\xd8\xff\xe0\0\x10JFIF", "jpeg"),
    (b"GIF89a\x01\0\x01\0", "gif"), (b"RIFF\x10\0\0\0WEBPVP8 ", "webp"),
    (b"just some text", None), (_zip({"a.txt": b"hello"}), None), (b"PK\x03\x04broken", None),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), None),
])
def test_the_content_tells_the_kind(data, kind):
    assert detect(data) == kind


def test_a_text_named_pdf_is_refused_with_the_kinds_accepted(app):
    with pytest.raises(Invalid) as refused:
        check_upload(b"<html>not a CV</html>", DOCUMENTS, 2**20, field="cv")
    detail = refused.value.details[0]
    assert detail["field"] == "cv" and "PDF, DOCX, ODT" in detail["message"]


def test_an_image_where_documents_are_asked_is_refused(app):
    with pytest.raises(Invalid):
        check_upload(b"\x89PNG\r\n\x1a\n\0\0", DOCUMENTS, 2**20)
    assert check_upload(b"\x89PNG\r\n\x1a\n\0\0", DOCUMENTS + IMAGES, 2**20).content_type == "image/png"


def test_too_large_and_empty_files_are_refused(app):
    with pytest.raises(Invalid) as refused:
        check_upload(b"%PDF-" + b"0" * 2**20, DOCUMENTS, 2**20)
    assert "larger than 1 MB" in refused.value.details[0]["message"]
    with pytest.raises(Invalid):
        check_upload(b"", DOCUMENTS, 2**20)


def test_the_stored_name_has_no_folder_and_the_contents_suffix():
    kind = KINDS["pdf"]
    assert stored_name("C:\\Users\\amina\\cv.docx", kind) == "cv.pdf"
    assert stored_name("../../etc/passwd", kind) == "passwd.pdf"
    assert stored_name("", kind) == "file.pdf"
