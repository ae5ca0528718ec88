"""A partner uploads a flat zip, re-uploads it under another file name (revision 2); a
partner adapts another institution's course under a chosen title, diffed against it."""

import io
import zipfile

import pytest

from institute.accounts.services import create_user
from institute.database import transaction

from ..builders import course_files, create_course
from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser


def flat_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def test_flat_zip_reuploaded_makes_revision_2(live_app, live_server, page, shoot, tmp_path):
    with live_app.app_context(), transaction():
        create_user("flat@up.example", "Flat Uploader", PASSWORD, ("partner",), "CICA")
    files = course_files("Upload Journey Dunes", partner="CICA")
    (tmp_path / "Archive.zip").write_bytes(flat_zip(files))
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", b"rocky hamada")
    (tmp_path / "Archive (2).zip").write_bytes(flat_zip(files))
    log_in(page, live_server, "flat@up.example")
    for name in ("Archive.zip", "Archive (2).zip"):
        page.goto(live_server + "/courses/upload")
        page.set_input_files("input[type=file]", str(tmp_path / name))
        page.get_by_role("button", name="Upload").click()
    assert page.url.endswith("/courses/upload-journey-dunes")
    assert page.get_by_text("Revision 2 of upload-journey-dunes is uploaded").is_visible()
    assert page.get_by_text("Revision history").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot("revisions-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("revisions-375")


def test_adapted_course_is_diffed_against_its_source(live_app, live_server, page, shoot):
    with live_app.app_context(), transaction():
        create_course(slug="upload-journey-source", partner="GDI", slug_title="Upload Journey Source")
        create_user("adapter@up.example", "Ada Adapter", PASSWORD, ("partner",), "UFC")
    log_in(page, live_server, "adapter@up.example")
    page.goto(live_server + "/courses/upload-journey-source")
    page.get_by_role("link", name="Adapt for UFC").click()
    assert "(adapted by" in page.get_by_label("Title of your copy").input_value()
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("adapt-form-375")
    page.get_by_label("Title of your copy").fill("Upload Journey in Ceará")
    page.get_by_label("Slug of your copy").fill("upload-journey-ceara")
    page.get_by_role("button", name="Adapt").click()
    assert page.url.endswith("/courses/upload-journey-ceara")
    page.goto(live_server + "/courses/upload-journey-ceara/revisions/1/diff")
    assert page.get_by_text("Compared with upload-journey-source revision 1, the course it adapts.").is_visible()
    assert page.locator(".file-list li").count() == 1
    assert "course.md" in page.locator(".file-list").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot("diff-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot("diff-375")
