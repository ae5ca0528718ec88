"""Course pages: wiring, access, errors, and a fixed number of queries per module page."""

import io
import re

import sqlalchemy as sa

from institute.courses import services
from institute.courses.bundle import write_zip
from institute.extensions import db

from ..builders import committed, course_files, create_course, create_revision
from ..conftest import login


def publish_course(app, **kwargs):
    with committed(app):
        return create_course(**kwargs).course.slug


def upload(client, files, slug="test-course", message="first"):
    return client.post("/courses/upload", data={
        "bundle": (io.BytesIO(write_zip(slug, files)), f"{slug}.zip"), "message": message,
    }, content_type="multipart/form-data")


def test_catalogue_course_and_module_pages(app, client, make_user):
    publish_course(app)
    make_user(email="f@example.org")
    page = client.get("/courses").get_data(as_text=True)
    assert "Test Course" in page and "1 course" in page
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Module 1" in page and "CC-BY-4.0" in page and "A. Author" in page
    assert client.get("/courses/test-course/modules/module-1").status_code == 302  # log in first
    login(client, "f@example.org")
    page = client.get("/courses/test-course/modules/module-1").get_data(as_text=True)
    assert "Text of module 1" in page and 'rel="next"' in page and "Mark as done" in page
    assert client.get("/courses/nothing").status_code == 404
    assert client.get("/courses/test-course/modules/nothing").status_code == 404


def test_mark_as_done_moves_on(app, client, make_user):
    publish_course(app)
    make_user(email="f@example.org")
    login(client, "f@example.org")
    response = client.post("/courses/test-course/modules/module-1/complete")
    assert response.headers["Location"].endswith("/courses/test-course/modules/module-2")
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert page.count("done</span>") == 1


def test_partner_uploads_a_draft_and_sees_every_error(app, client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    login(client, "p@example.org")
    broken = course_files()
    broken["quiz.gift"] = b"::Q::Broken {=a ~b\n"
    broken["01-module-1.md"] += b"\n![x](missing.png)\n"
    response = upload(client, broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "quiz.gift:1" in page and "01-module-1.md:12" in page and "nothing was imported" in page
    with app.app_context():
        assert services.catalogue(None, include_drafts=True) == []
    response = upload(client, course_files())
    assert response.status_code == 302
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Draft revision 1" in page
    again = upload(client, course_files())
    assert again.status_code == 302
    assert "Nothing changed" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_draft_is_invisible_to_trainees_until_published(app, client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    make_user(email="i@example.org", roles="instructor")
    make_user(email="f@example.org")
    partner, instructor, fellow = app.test_client(), app.test_client(), client
    login(partner, "p@example.org")
    login(instructor, "i@example.org")
    login(fellow, "f@example.org")
    upload(partner, course_files())
    assert fellow.get("/courses/test-course").status_code == 404
    assert fellow.get("/courses/test-course/modules/module-1").status_code == 404
    assert "Test Course" not in fellow.get("/courses").get_data(as_text=True)
    queue = instructor.get("/courses/review").get_data(as_text=True)
    assert "Test Course" in queue
    diff = instructor.get("/courses/test-course/revisions/1/diff").get_data(as_text=True)
    assert "01-module-1.md" in diff and "every file is new" in diff
    assert instructor.post("/courses/test-course/publish").headers["Location"].endswith("/revisions/1/diff")
    assert instructor.post("/courses/test-course/publish", data={"revision": "1"}).status_code == 302
    assert fellow.get("/courses/test-course/modules/module-1").status_code == 200


def test_other_institution_cannot_update_a_course(app, client, make_user):
    make_user(email="owner@example.org", roles="partner", partner="CICA")
    make_user(email="other@example.org", roles="partner", partner="UCA")
    owner, other = app.test_client(), client
    login(owner, "owner@example.org")
    login(other, "other@example.org")
    upload(owner, course_files(partner="CICA"))
    changed = course_files(partner="CICA")
    changed["01-module-1.md"] += b"\nchanged\n"
    response = upload(other, changed)
    assert response.status_code == 403
    assert other.get("/courses/test-course").status_code == 404  # a draft of another institution
    assert other.get("/courses/test-course/revisions/1/diff").status_code == 403


def test_review_diff_page_shows_changed_lines(app, client, make_user):
    publish_course(app)
    make_user(email="p@example.org", roles="partner", partner="GDI")
    login(client, "p@example.org")
    files = course_files()
    files["02-module-2.md"] = files["02-module-2.md"].replace(b"sand dunes", b"gravel plains")
    upload(client, files)
    page = client.get("/courses/test-course/revisions/2/diff").get_data(as_text=True)
    assert "Compared with revision 1" in page
    assert 'removed line: </span>Text of module 2 about <del class="word-del">' in page
    assert '</span>sand dunes<span class="visually-hidden">]</span></del>.</span>' in page
    assert '</span>gravel plains<span class="visually-hidden">]</span></ins>.</span>' in page
    assert "Publish" not in page  # partners do not publish


def test_bundle_download_and_adapt(app, client, make_user):
    publish_course(app, slug="shared-course")
    make_user(email="p@example.org", roles="partner", partner="UFC")
    login(client, "p@example.org")
    response = client.get("/courses/shared-course/bundle")
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="shared-course.zip"'
    response = client.post("/courses/shared-course/adapt", data={"title": "Shared (UFC)",
                                                                  "slug": "shared-course-ufc"})
    assert response.headers["Location"].endswith("/courses/shared-course-ufc")
    page = client.get("/courses/shared-course-ufc").get_data(as_text=True)
    assert "Derived from" in page and "shared-course" in page and "A. Author" in page


def test_files_are_served_with_type_and_caching(app, client):
    files = course_files()
    files["images/map.svg"] = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
                               b'<rect width="4" height="4"/></svg>')
    files["01-module-1.md"] += b"\n![Map](images/map.svg)\n"
    with committed(app):
        html = create_course("pics", files=files).revision.modules[0].html
    src = re.search(r'src="([^"]+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(src, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(src.replace("map.svg", "other.svg")).status_code == 404


def test_module_page_queries_do_not_grow_with_modules_or_courses(app, make_user):
    make_user(email="f@example.org")

    def queries_for(slug):
        client = app.test_client()
        login(client, "f@example.org")
        client.get(f"/courses/{slug}/modules/module-1")  # the revision's content is now cached
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/courses/{slug}/modules/module-2").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    publish_course(app, slug="small", modules=2)
    small = queries_for("small")
    publish_course(app, slug="large", modules=40)
    for n in range(5):
        publish_course(app, slug=f"extra-{n}", modules=8)
    assert queries_for("large") == small


def test_module_page_weighs_under_60_kb(app, client, make_user):
    from pathlib import Path

    from institute.courses.bundle import read_path
    from institute.courses.importing import import_bundle

    folder = Path(__file__).resolve().parents[2] / "courses"
    with app.app_context():
        for path in sorted(folder.iterdir()):
            import_bundle(read_path(path), None, publish=True)
        db.session.commit()
        pages = [(c.slug, m.slug) for c, r in services.catalogue(None) for m in r.modules]
    make_user(email="f@example.org")
    login(client, "f@example.org")
    for slug, module in pages:
        response = client.get(f"/courses/{slug}/modules/{module}")
        assert response.status_code == 200
        assert len(response.data) < 60 * 1024, (slug, module, len(response.data))


def test_publishing_names_the_revision_reviewed_and_a_newer_one_is_read_first(app, make_user):
    make_user(email="reviewer@example.org", roles="instructor")
    with committed(app):
        create_course("dunes", publish=False)
    reviewer = app.test_client()
    login(reviewer, "reviewer@example.org")
    course_page = reviewer.get("/courses/dunes").get_data(as_text=True)
    assert 'href="/courses/dunes/revisions/1/diff"' in course_page and "Review revision 1 and publish" in course_page
    diff = reviewer.get("/courses/dunes/revisions/1/diff").get_data(as_text=True)
    assert diff.index('action="/courses/dunes/publish"') > diff.index('class="file-diff"')  # after the diff
    with committed(app):
        create_revision("dunes")  # revision 2 arrives while revision 1 is being read
    stale = reviewer.post("/courses/dunes/publish", data={"revision": "1"}, follow_redirects=True)
    assert "Revision 2 has arrived since" in stale.get_data(as_text=True)
    assert stale.request.path == "/courses/dunes/revisions/2/diff"
    with app.app_context():
        assert services.get_course("dunes").published_revision_id is None
    assert reviewer.post("/courses/dunes/publish", data={"revision": "2"}).status_code == 302
