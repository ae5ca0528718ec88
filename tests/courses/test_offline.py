"""Offline packs: what a zip and an EPUB hold, who downloads them, built once per revision,
epubcheck on every shipped course."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from institute.courses import offline
from institute.courses.bundle import read_path
from institute.courses.importing import import_bundle, translates
from institute.courses.models import OfflinePack
from institute.extensions import db

from ..builders import committed, course_files, create_course, create_revision, create_user
from ..conftest import login

COURSES = Path(__file__).resolve().parents[2] / "courses"
# A 1×1 PNG: a module with a picture.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5273fbe0000000049454e44ae426082")
HREF = re.compile(r'(?:href|src)="([^"]*)"')


def picture_course(slug: str = "test-course", publish: bool = True, text: str = "sand dunes"):
    files = course_files()
    files["images/dune.png"] = PNG
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", text.encode()) + (
        b"\n![A dune](images/dune.png)\n\nSee [module 2](02-module-2.md#top) and the [overview](course.md).\n\n"
        b"| Year | Hectares |\n|---:|:---|\n| 2020 | 12 |\n\n```python\nprint('x < y')\n```\n\n"
        b"Math as text: $a^2 + b^2 = c^2$.[^1]\n\n[^1]: A footnote.\n\n"
        b"[The institute](http://127.0.0.1:5000/courses) and [elsewhere](https://unccd.int/).\n")
    return create_course(slug, files=files, publish=publish)


def zip_pages(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_self_contained(pages: dict[str, bytes], site: str = "127.0.0.1:5000") -> None:
    """Every link and image of the pack's pages relative and found in the pack; no script;
    nothing of the site."""
    for name, data in pages.items():
        if not name.endswith(".html"):
            continue
        text = data.decode()
        assert "<script" not in text.lower(), name
        assert site not in text, name
        for target in HREF.findall(text):
            if target.startswith(("https://", "http://", "mailto:")):
                continue  # other sites, as the author linked them
            assert not target.startswith("/") and "//" not in target, (name, target)
            path = target.split("#")[0]
            if path:
                folder = name.rsplit("/", 1)[0]
                assert f"{folder}/{path.replace('%20', ' ')}" in pages, (name, target)


# ------------------------------------------------------------------ contents


def test_the_zip_is_a_folder_of_linked_pages_with_their_images(ctx):
    revision = picture_course().revision
    pages = zip_pages(offline.build(revision, "zip"))
    assert sorted(pages) == ["test-course/01-module-1.html", "test-course/02-module-2.html",
                             "test-course/files/images/dune.png", "test-course/index.html",
                             "test-course/style.css"]
    assert_self_contained(pages)
    index = pages["test-course/index.html"].decode()
    assert '<a href="01-module-1.html">Module 1</a>' in index and "Overview of the course." in index
    first = pages["test-course/01-module-1.html"].decode()
    assert '<img src="files/images/dune.png" alt="A dune">' in first
    assert 'href="02-module-2.html#top"' in first and 'href="index.html"' in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'class="align-right"' in first and "align=" not in first  # alignment as classes
    assert "print(&#39;x &lt; y&#39;)" in first or "print('x &lt; y')" in first
    assert "$a^2 + b^2 = c^2$" in first and 'class="footnote' in first
    assert 'href="https://unccd.int/"' in first and ">The institute</a>" in first  # the site: text only
    second = pages["test-course/02-module-2.html"].decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Quiz online: Check." in second and "/quizzes" not in second
    assert pages["test-course/files/images/dune.png"] == PNG


def test_the_epub_is_a_book_with_its_parts_in_place(ctx):
    revision = picture_course().revision
    data = offline.build(revision, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert b"EPUB/package.opf" in archive.read("META-INF/container.xml")
        opf = archive.read("EPUB/package.opf").decode()
        names = set(archive.namelist())
        module = archive.read("EPUB/01-module-1.xhtml").decode()
    assert data[30:38] == b"mimetype"  # the first entry's name, right after its header
    assert offline.identifier(revision) in opf and "urn:uuid:" in opf
    assert "<dc:title>Test Course</dc:title>" in opf and "<dc:language>en</dc:language>" in opf
    assert 'property="dcterms:modified"' in opf and 'properties="nav"' in opf
    assert 'href="files/images/dune.png" media-type="image/png"' in opf
    assert {"EPUB/nav.xhtml", "EPUB/title.xhtml", "EPUB/files/images/dune.png"} <= names
    assert module.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '<img src="files/images/dune.png" alt="A dune"/>' in module
    assert 'href="02-module-2.xhtml#top"' in module and 'href="title.xhtml"' in module


def test_the_same_revision_always_makes_the_same_bytes(ctx):
    revision = create_course().revision
    for format in offline.FORMATS:
        assert offline.build(revision, format) == offline.build(revision, format)


@pytest.mark.parametrize("course", sorted(p.name for p in COURSES.iterdir()))
def test_shipped_courses_make_self_contained_zips(ctx, course):
    bundle = read_path(COURSES / course)
    if translates(bundle):  # a translation is imported after the originals it may name
        for original in sorted(COURSES.iterdir()):
            if not translates(read_path(original)):
                import_bundle(read_path(original), None, publish=True)
    revision = import_bundle(bundle, None, publish=True).revision
    pages = zip_pages(offline.build(revision, "zip"))
    assert_self_contained(pages)
    assert len([n for n in pages if n.endswith(".html")]) == len(revision.modules) + 1


def test_an_assignment_is_read_offline_on_the_page_of_the_module_it_follows(ctx):
    revision = import_bundle(read_path(COURSES / "sand-fixation-revegetation"), None, publish=True).revision
    pages = zip_pages(offline.build(revision, "zip"))
    assert_self_contained(pages)
    page = pages["sand-fixation-revegetation/02-mechanical-sand-fixation.html"].decode()
    assert "Assignment: Field report: a sand fixation site" in page
    assert "Planting plan and water budget" in page and "Pass mark: 12 of 20 points" in page
    assert "site when you are connected." in page
    assert revision.assignments[0].html and all("Field report" not in text.decode()
                                                for name, text in pages.items() if "01-" in name)
    with zipfile.ZipFile(io.BytesIO(offline.build(revision, "epub"))) as book:
        chapter = book.read("EPUB/02-mechanical-sand-fixation.xhtml").decode()
    assert "Planting plan and water budget" in chapter  # (epubcheck reads the whole book below)


# ------------------------------------------------------------------ who, and once


def test_readers_download_both_packs_with_length_and_etag(app, client, monkeypatch):
    builds = []
    real = offline.build
    monkeypatch.setattr(offline, "build", lambda revision, format: builds.append(format) or real(revision, format))
    with committed(app):
        picture_course()
        create_user(email="f@example.org")  # a fellow of no session: reads every published course
    login(client, "f@example.org")
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Read without a connection" in page
    assert re.search(r"HTML pack \(\d+ KB\)", page) and re.search(r"EPUB \(\d+ KB\)", page)
    assert sorted(builds) == ["epub", "zip"]  # the course page built them, to say their size
    for format, media_type in offline.MEDIA_TYPES.items():
        response = client.get(f"/courses/test-course/offline.{format}")
        assert response.status_code == 200 and response.mimetype == media_type
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert response.headers["Cache-Control"] == "private, max-age=3600"
        assert f'filename="test-course-r1.{format}"' in response.headers["Content-Disposition"]
        etag = response.headers["ETag"]
        again = client.get(f"/courses/test-course/offline.{format}", headers={"If-None-Match": etag})
        assert again.status_code == 304
    assert sorted(builds) == ["epub", "zip"]  # built once, whatever the downloads
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OfflinePack)) == 2


def test_a_new_revision_gets_new_packs(app, client):
    with committed(app):
        create_course()
        create_user(email="f@example.org")
    login(client, "f@example.org")
    first = client.get("/courses/test-course/offline.zip")
    with committed(app):
        create_revision(publish=True, text="gravel plains")
    second = client.get("/courses/test-course/offline.zip")
    assert first.headers["ETag"] != second.headers["ETag"]
    pages = zip_pages(second.data)
    assert b"gravel plains" in pages["test-course/01-module-1.html"]
    assert b"sand dunes" in zip_pages(first.data)["test-course/01-module-1.html"]
    assert 'filename="test-course-r2.zip"' in second.headers["Content-Disposition"]


def test_strangers_sign_in_first_and_see_no_download(app, client):
    with committed(app):
        create_course()
    response = client.get("/courses/test-course/offline.zip")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/courses/test-course/offline.epub").status_code == 302
    assert "Read without a connection" not in client.get("/courses/test-course").get_data(as_text=True)


def test_an_unpublished_course_has_no_pack_even_for_reviewers(app, client):
    with committed(app):
        create_course(publish=False)
        create_user(email="f@example.org")
        create_user(email="i@example.org", roles="instructor")
    login(client, "f@example.org")
    assert client.get("/courses/test-course/offline.zip").status_code == 404
    login(client, "i@example.org")
    assert client.get("/courses/test-course/offline.zip").status_code == 404  # drafts may yet change
    assert "Read without a connection" not in client.get("/courses/test-course").get_data(as_text=True)
    assert client.get("/courses/nothing/offline.zip").status_code == 404
    assert client.get("/courses/test-course/offline.pdf").status_code == 404


def test_two_builders_at_once_keep_the_pack_stored_first(ctx, monkeypatch):
    revision = create_course().revision
    real = offline.build

    def build_while_another_stores(revision, format):
        data = real(revision, format)
        db.session.add(OfflinePack(revision_id=revision.id, format=format, sha256="0" * 64,
                                   size=5, data=b"first"))
        db.session.flush()
        return data

    monkeypatch.setattr(offline, "build", build_while_another_stores)
    stored = offline.pack(revision, "zip")
    assert stored.data == b"first" and stored.size == 5


def test_sizes_read_as_a_reader_weighs_them(ctx):
    assert offline.human_size(1_234_567) == "1.2 MB"
    assert offline.human_size(340_200) == "340 KB"
    assert offline.human_size(12) == "1 KB"


# ------------------------------------------------------------------ epubcheck


def _epubcheck() -> list[str] | None:
    found = shutil.which("epubcheck")
    if found is None:
        return None
    with open(found, "rb") as file:  # Debian's is the jar itself, run by binfmt where it is set up
        return ["java", "-jar", found] if file.read(2) == b"PK" else [found]


def test_epubcheck_accepts_every_shipped_course(ctx, tmp_path):
    command = _epubcheck()
    if command is None:
        if os.environ.get("REQUIRE_EPUBCHECK"):
            pytest.fail("epubcheck is missing: `make system` installs it")
        pytest.skip("epubcheck is not installed")
    runs = {}
    for folder in sorted(COURSES.iterdir()):
        revision = import_bundle(read_path(folder), None, publish=True).revision
        path = tmp_path / f"{folder.name}.epub"
        path.write_bytes(offline.build(revision, "epub"))
        runs[folder.name] = subprocess.Popen(  # noqa: S603 - our own file, Debian's epubcheck
            [*command, "--failonwarnings", str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for name, run in runs.items():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0 and "No errors or warnings detected" in output, f"{name}:\n{output}"


def test_rendering_a_revision_again_drops_its_packs(ctx):
    from institute.courses.importing import rerender_revision

    revision = create_course().revision
    offline.pack(revision, "zip")
    revision.modules[0].html = "<p>Rendered by an older renderer.</p>"
    assert rerender_revision(revision).changed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfflinePack)) == 0
