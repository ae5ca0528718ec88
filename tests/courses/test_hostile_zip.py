"""Archives that lie: corrupt, truncated, encrypted, oddly compressed or with a false size.

Each is built by hand (zipfile, then bytes patched in the member's local and
central headers) and must give a problem naming the member, never an exception;
nothing is imported through the API, the upload page or the command line.
"""

import io
import struct
import zipfile
import zlib

import pytest

from institute.courses import services
from institute.courses.bundle import read_zip

from ..builders import course_files
from ..conftest import bearer, login

# Offsets of the fields in a local file header and in a central directory header.
LOCAL = {"flags": 6, "method": 8, "crc": 14, "compressed": 18, "size": 22}
CENTRAL = {"flags": 8, "method": 10, "crc": 16, "compressed": 20, "size": 24}
FORMAT = {"flags": "<H", "method": "<H", "crc": "<I", "compressed": "<I", "size": "<I"}
MEMBER = "c/01-module-1.md"
LONG_MODULE = b"# Module 1\n\n" + b"Sand moves with the wind; straw holds it.\n" * 500


def bundle_zip(method=zipfile.ZIP_DEFLATED, **changed) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in {**course_files(), **changed}.items():
            archive.writestr(f"c/{name}", data)
    return buffer.getvalue()


def patch(data: bytes, name: str = MEMBER, **fields) -> bytes:
    """The zip with header fields of one member rewritten in both of its headers."""
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    patched = bytearray(data)
    for field, value in fields.items():
        struct.pack_into(FORMAT[field], patched, local + LOCAL[field], value)
        struct.pack_into(FORMAT[field], patched, central + CENTRAL[field], value)
    return bytes(patched)


def info(data: bytes, name: str = MEMBER) -> zipfile.ZipInfo:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo(name)


def corrupt_byte() -> bytes:
    return bundle_zip(zipfile.ZIP_STORED).replace(b"Text of module 1", b"Text of module X")


def truncated() -> bytes:
    data = bundle_zip(**{"01-module-1.md": LONG_MODULE})
    return patch(data, compressed=info(data).compress_size // 2)


def garbled() -> bytes:
    data = bundle_zip(**{"01-module-1.md": LONG_MODULE})
    start = info(data).header_offset + 30 + len(MEMBER)
    return data[:start] + b"\xff" * 40 + data[start + 40:]


def encrypted() -> bytes:
    data = bundle_zip()
    return patch(data, flags=info(data).flag_bits | 0x1)


def unknown_method() -> bytes:
    return patch(bundle_zip(), method=99)  # AES, which we cannot and will not read


def bzip2() -> bytes:
    return bundle_zip(zipfile.ZIP_BZIP2)


def lying_size() -> bytes:
    """The header says 100 bytes; the deflated data holds 21 KB."""
    return patch(bundle_zip(**{"01-module-1.md": LONG_MODULE}), size=100)


def lying_size_and_checksum() -> bytes:
    """As above, with the checksum forged to match the first 100 bytes."""
    return patch(bundle_zip(**{"01-module-1.md": LONG_MODULE}), size=100,
                 crc=zlib.crc32(LONG_MODULE[:100]))


def short_size() -> bytes:
    """The header promises more than the data holds."""
    data = bundle_zip()
    return patch(data, size=info(data).file_size + 50)


HOSTILE = {
    corrupt_byte: "corrupt",
    truncated: "truncated or corrupt",
    garbled: "truncated or corrupt",
    encrypted: "encrypted",
    unknown_method: "compression method 99",
    bzip2: "compression method 12",
    lying_size: "more than its size header",
    lying_size_and_checksum: "more than its size header",
    short_size: "size header",
}


@pytest.mark.parametrize("make", HOSTILE, ids=lambda make: make.__name__)
def test_a_member_that_cannot_be_read_truly_is_a_problem_with_its_name(make):
    bundle = read_zip(make(), "c.zip")
    found = [(p.file, p.message) for p in bundle.problems]
    assert any(file.endswith("01-module-1.md") and HOSTILE[make] in message
               for file, message in found), found
    assert "01-module-1.md" not in bundle.files


def test_a_true_archive_still_reads():
    bundle = read_zip(bundle_zip(**{"01-module-1.md": LONG_MODULE}), "c.zip")
    assert not bundle.problems and bundle.files["01-module-1.md"] == LONG_MODULE
    assert read_zip(bundle_zip(zipfile.ZIP_STORED), "c.zip").files == course_files()


def test_a_member_given_twice_is_a_problem():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in course_files().items():
            archive.writestr(f"c/{name}", data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("c/course.md", b"---\ntitle: Other\n---\n")
    bundle = read_zip(buffer.getvalue(), "c.zip")
    assert [(p.file, p.message) for p in bundle.problems] == [
        ("course.md", "appears twice in the archive")]


def test_no_single_damaged_byte_or_cut_makes_reading_fail():
    data = bundle_zip(**{"01-module-1.md": LONG_MODULE})
    for index in range(len(data)):
        damaged = data[:index] + bytes([data[index] ^ 0xA5]) + data[index + 1:]
        read_zip(damaged, "c.zip")  # problems or files, never an exception
    for length in range(0, len(data), 7):
        read_zip(data[:length], "c.zip")


@pytest.mark.parametrize("make", [corrupt_byte, encrypted, bzip2, lying_size_and_checksum],
                         ids=lambda make: make.__name__)
def test_api_and_upload_page_answer_422_and_import_nothing(app, client, make_user, make):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    headers = bearer(client, "p@example.org")
    response = client.post("/api/v1/courses", headers=headers, data={
        "bundle": (io.BytesIO(make()), "c.zip")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert any(d["file"] == "01-module-1.md" for d in response.get_json()["error"]["details"])
    login(client, "p@example.org")
    page = client.post("/courses/upload", data={"bundle": (io.BytesIO(make()), "c.zip"),
                                                "message": "m"},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "01-module-1.md" in page.get_data(as_text=True)
    with app.app_context():
        assert services.catalogue(None, include_drafts=True) == []


def test_check_command_fails_on_a_lying_archive(runner, tmp_path):
    path = tmp_path / "c.zip"
    path.write_bytes(lying_size())
    result = runner.invoke(args=["courses", "check", str(path)])
    assert result.exit_code == 1
    assert "c.zip/01-module-1.md: " in result.output and "size header" in result.output


def test_a_path_longer_than_the_library_keeps_is_refused():
    bundle = read_zip(bundle_zip(**{"images/" + "a" * 500 + ".png": b"png"}), "c.zip")
    assert [p.message for p in bundle.problems] == ["paths are limited to 500 characters"]
