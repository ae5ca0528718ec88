"""An offline pack opened from the file system, as a fellow with no connection opens it:
the table of contents leads to a module whose pictures all show, and nothing is fetched
from anywhere but the unzipped folder."""

import zipfile
from pathlib import Path

import pytest

from institute.courses import offline
from institute.courses.bundle import read_path
from institute.courses.importing import import_bundle
from institute.database import transaction

pytestmark = pytest.mark.browser

COURSE = Path(__file__).resolve().parents[2] / "courses" / "remote-sensing-monitoring"  # it has a figure
SHOTS = Path("/work/notes/shots-offline")


def test_the_html_pack_reads_from_the_file_system_on_a_phone(live_app, browser, tmp_path):
    with live_app.app_context(), transaction():
        revision = import_bundle(read_path(COURSE), None, publish=True).revision
        data = offline.build(revision, "zip")
        title, first_module = revision.title, revision.modules[0].title
    (tmp_path / "pack.zip").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    index = tmp_path / "unzipped" / COURSE.name / "index.html"

    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 800},
                                      is_mobile=width < 600)
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request, seen=requested: seen.append(request.url))
        try:
            page.goto(index.as_uri())
            assert page.locator("h1").first.inner_text() == title
            page.screenshot(path=str(SHOTS / f"offline-index-{width}px.png"), full_page=True)
            page.locator("ol.contents").get_by_role("link", name=first_module).click()
            assert page.url.endswith("/01-remote-sensing-basics.html")
            page.wait_for_load_state("load")  # the click waits for the page, not for its pictures
            images = page.evaluate("""() => Array.from(document.images).map(
                i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])""")
            assert images and all(loaded for _src, loaded in images), images
            assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scroll"
            page.screenshot(path=str(SHOTS / f"offline-module-{width}px.png"), full_page=True)
            page.get_by_role("link", name="Next →").first.click()
            assert page.url.endswith("/02-vegetation-indices.html")
            assert page.locator("script").count() == 0
        finally:
            context.close()
        assert requested and all(url.startswith("file://") for url in requested), requested
