"""Reading bundles safely: what a hostile archive can try, and the round trip."""

import io
import os
import zipfile

from institute.courses.bundle import read_folder, read_zip, write_zip

from ..builders import course_files


def make_zip(entries: dict, *, symlink: str | None = None, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_zip_of_the_course_folder_gives_slug_and_files():
    data = make_zip({f"my-course/{k}": v for k, v in course_files().items()})
    bundle = read_zip(data, "anything.zip")
    assert bundle.slug == "my-course" and not bundle.problems
    assert set(bundle.files) == set(course_files())


def test_zip_of_the_contents_never_takes_the_file_name():
    bundle = read_zip(make_zip(course_files()), "other-course.zip")
    assert bundle.slug == "" and not bundle.named_by_folder and not bundle.problems


def test_parent_directory_entries_are_refused():
    bundle = read_zip(make_zip({"c/course.md": b"x", "c/../evil.md": b"x", "../evil.md": b"x"}))
    assert bundle.files == {}
    assert any("'..'" in p.message for p in bundle.problems)


def test_absolute_paths_are_refused():
    bundle = read_zip(make_zip({"/etc/cron.d/evil.md": b"x"}))
    assert any("absolute" in p.message for p in bundle.problems) and not bundle.files


def test_symbolic_links_are_refused():
    bundle = read_zip(make_zip(course_files(), symlink="link.md"), "c.zip")
    assert any("symbolic link" in p.message for p in bundle.problems) and not bundle.files


def test_zip_bomb_is_refused_before_extraction():
    bomb = make_zip({"c/course.md": b"x", "c/01-a.md": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    bundle = read_zip(bomb, "c.zip")
    assert any("zip bomb" in p.message for p in bundle.problems) and not bundle.files


def test_too_many_files_and_too_many_bytes():
    many = make_zip({f"c/{i}.txt": b"x" for i in range(2001)}, method=zipfile.ZIP_STORED)
    assert any("more than 2000 files" in p.message for p in read_zip(many).problems)
    big = make_zip({f"c/{i}.png": os.urandom(1024 * 1024) for i in range(51)},
                   method=zipfile.ZIP_STORED)
    assert any("50 MB" in p.message for p in read_zip(big).problems)


def test_disallowed_file_types_are_refused():
    bundle = read_zip(make_zip({**{f"c/{k}": v for k, v in course_files().items()},
                                "c/run.sh": b"rm -rf /", "c/page.html": b"<script>"}))
    names = {p.file for p in bundle.problems}
    assert names == {"run.sh", "page.html"}


def test_junk_files_of_archivers_are_skipped():
    bundle = read_zip(make_zip({**{f"c/{k}": v for k, v in course_files().items()},
                                "__MACOSX/c/._course.md": b"x", "c/.DS_Store": b"x"}))
    assert not bundle.problems and ".DS_Store" not in bundle.files


def test_not_a_zip():
    assert read_zip(b"hello", "x.zip").problems[0].message == "not a zip archive"


def test_folder_with_a_symbolic_link(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    for name, data in course_files().items():
        (folder / name).write_bytes(data)
    (folder / "secret.md").symlink_to("/etc/passwd")
    bundle = read_folder(folder)
    assert [p.file for p in bundle.problems] == ["secret.md"]


def test_write_zip_is_deterministic_and_reads_back():
    files = course_files()
    first, second = write_zip("c", files), write_zip("c", files)
    assert first == second
    bundle = read_zip(first, "ignored.zip")
    assert bundle.slug == "c" and bundle.files == files
