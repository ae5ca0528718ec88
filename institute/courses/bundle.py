"""Course bundles on disk and in zips: reading them safely and writing them back.

A bundle is a folder named after the course slug holding ``course.md``, the
modules, GIFT quizzes and assets. Reading never trusts an archive: absolute
paths, ``..``, links, too many files, too many bytes, a compression ratio that
betrays a zip bomb, and file types we do not serve are all refused before a
byte is extracted. Members are then inflated by us, never past the size their
header claims, and checked against it and their checksum: a corrupt,
truncated, encrypted or oddly compressed member is a problem, not a crash.
"""

import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILES = 2000
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per entry; text compresses ~5-10×
MAX_PATH = 500  # characters, as a revision's file path is stored
ALLOWED_SUFFIXES = {
    ".md", ".gift", ".txt", ".csv",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf",
}
# Files that archivers add on their own; skipped, never imported.
JUNK = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that exporting twice gives the same bytes
# A member's local header: signature, version, flags, method, time, date, crc,
# sizes, and the lengths of the name and extra field that precede its data.
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_ENCRYPTED = 0x1


@dataclass
class Problem:
    file: str
    line: int | None
    message: str

    def as_detail(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Bundle:
    """A course's files by relative POSIX path, and the slug its folder gives."""

    slug: str
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # False for a zip whose files sit at its root: no folder names the course, so its
    # slug comes from course.md (importing.settle_slug), never from the zip's file name.
    named_by_folder: bool = True

    def text(self, path: str) -> str | None:
        data = self.files.get(path)
        if data is None:
            return None
        return data.decode("utf-8-sig")


def _is_junk(parts: tuple[str, ...]) -> bool:
    return any(p in JUNK or p.startswith("._") for p in parts)


def _check_name(name: str, problems: list[Problem]) -> PurePosixPath | None:
    """The safe relative path of an archive member, or None (with the problem noted)."""
    raw = name.replace("\\", "/")
    path = PurePosixPath(raw)
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        problems.append(Problem(name, None, "absolute paths are not allowed in a bundle"))
        return None
    if any(part == ".." for part in path.parts):
        problems.append(Problem(name, None, "'..' is not allowed in a bundle path"))
        return None
    return path


def _check_suffix(path: str, problems: list[Problem]) -> bool:
    if len(path) > MAX_PATH:
        problems.append(Problem(path[:80] + "…", None, f"paths are limited to {MAX_PATH} characters"))
        return False
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(sorted(ALLOWED_SUFFIXES))
        problems.append(Problem(path, None, f"files of type '{suffix or 'none'}' are not allowed "
                                            f"(allowed: {allowed})"))
        return False
    return True


def read_zip(data: bytes, filename: str = "") -> Bundle:
    """Read a bundle from zip bytes, refusing anything unsafe before extracting."""
    problems: list[Problem] = []
    label = filename or "bundle.zip"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return Bundle(slug="", problems=[Problem(label, None, "not a zip archive")])
    except (NotImplementedError, UnicodeDecodeError, ValueError, EOFError, OSError,
            struct.error) as exc:  # what zipfile raises on a damaged central directory
        return Bundle(slug="", problems=[Problem(label, None, f"the zip archive is damaged: {exc}")])
    with archive:
        members = []
        for info in archive.infolist():
            if info.is_dir():
                continue
            path = _check_name(info.filename, problems)
            if path is None or _is_junk(path.parts):
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                problems.append(Problem(info.filename, None, "symbolic links are not allowed"))
                continue
            members.append((info, path))
        if len(members) > MAX_FILES:
            problems.append(Problem(label, None, f"more than {MAX_FILES} files ({len(members)})"))
        total = sum(info.file_size for info, _ in members)
        if total > MAX_TOTAL_BYTES:
            problems.append(Problem(label, None, f"more than {MAX_TOTAL_BYTES // 2**20} MB "
                                                 f"unpacked ({total // 2**20} MB)"))
        for info, _ in members:
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO \
                    and info.file_size > 1024 * 1024:
                problems.append(Problem(info.filename, None, "compression ratio too high: "
                                                            "refused as a possible zip bomb"))
        if problems:
            return Bundle(slug="", problems=problems)
        prefix, slug = _common_folder([p for _, p in members])
        files: dict[str, bytes] = {}
        for info, path in members:
            rel = str(PurePosixPath(*path.parts[len(prefix):]))
            if not _check_suffix(rel, problems):
                continue
            if rel in files:
                problems.append(Problem(rel, None, "appears twice in the archive"))
                continue
            try:
                files[rel] = _member_data(data, info)
            except _Unreadable as exc:
                problems.append(Problem(rel, None, str(exc)))
    return Bundle(slug=slug, files=files, problems=problems, named_by_folder=bool(prefix))


class _Unreadable(Exception):
    """A member whose bytes cannot be trusted; the message says why, for the partner."""


def _member_data(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, inflated here with the header's size as a cap and then checked.

    zipfile would stop at the claimed size and trust what it got; we want to know
    that the data ends where the header says and matches its checksum.
    """
    offset = info.header_offset
    if not 0 <= offset <= len(data) - _LOCAL_HEADER.size:
        raise _Unreadable("the file is truncated or corrupt (its header is missing)")
    signature, _version, flags, method, _time, _date, _crc, _packed, _size, name_length, \
        extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    if signature != b"PK\x03\x04":
        raise _Unreadable("the file is truncated or corrupt (its header is missing)")
    if (flags | info.flag_bits) & _ENCRYPTED:
        raise _Unreadable("the file is encrypted; zip the course again without a password")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or method != info.compress_type:
        raise _Unreadable(f"the file uses compression method {info.compress_type}; only deflate "
                          "(what every archiver uses by default) and no compression are accepted")
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    packed = data[start:start + info.compress_size]
    if len(packed) < info.compress_size:
        raise _Unreadable("the file is truncated or corrupt")
    if method == zipfile.ZIP_STORED:
        content = packed
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            content = inflater.decompress(packed, info.file_size + 1)
        except zlib.error:
            raise _Unreadable("the file is truncated or corrupt") from None
        if len(content) <= info.file_size and not inflater.eof:
            raise _Unreadable("the file is truncated or corrupt")
    if len(content) > info.file_size:
        raise _Unreadable("the file holds more than its size header says: refused as a "
                          "possible zip bomb")
    if len(content) < info.file_size:
        raise _Unreadable("the file is shorter than its size header says (truncated or corrupt)")
    if zlib.crc32(content) != info.CRC:
        raise _Unreadable("the file is corrupt (its checksum does not match)")
    return content


def _common_folder(paths: list[PurePosixPath]) -> tuple[tuple[str, ...], str]:
    """A zip of the course folder holds ``slug/…``; a zip of its contents names no slug
    (course.md gives it: ``importing.settle_slug``)."""
    tops = {p.parts[0] for p in paths if len(p.parts) > 1}
    if len(tops) == 1 and all(len(p.parts) > 1 for p in paths):
        top = tops.pop()
        return (top,), top
    return (), ""


def read_folder(folder: Path) -> Bundle:
    """Read a bundle from a folder; links and unsafe files are refused like in a zip."""
    folder = Path(folder)
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    if not (folder / "course.md").is_file():
        problems.append(Problem("course.md", None, "missing: every bundle needs a course.md"))
    count, total = 0, 0
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if _is_junk(PurePosixPath(rel).parts):
            continue
        if path.is_symlink():
            problems.append(Problem(rel, None, "symbolic links are not allowed"))
            continue
        if path.is_dir():
            continue
        count += 1
        total += path.stat().st_size
        if count > MAX_FILES or total > MAX_TOTAL_BYTES:
            problems.append(Problem(folder.name, None, f"more than {MAX_FILES} files or "
                                                       f"{MAX_TOTAL_BYTES // 2**20} MB"))
            break
        if _check_suffix(rel, problems):
            files[rel] = path.read_bytes()
    return Bundle(slug=folder.name, files=files, problems=problems)


def read_path(path: Path) -> Bundle:
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    return read_zip(path.read_bytes(), path.name)


def find_bundles(path: Path) -> list[Path]:
    """One bundle (a folder with course.md, or a zip) or a folder of them."""
    path = Path(path)
    if path.is_file() or (path / "course.md").exists():
        return [path]
    return sorted(p for p in path.iterdir()
                  if (p.is_dir() and (p / "course.md").exists()) or p.suffix == ".zip")


def write_zip(slug: str, files: dict[str, bytes]) -> bytes:
    """The bundle as a zip of its folder, byte-for-byte the same for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()
