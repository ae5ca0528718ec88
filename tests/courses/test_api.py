import io
import zipfile

from institute.courses.bundle import write_zip

from ..builders import course_files
from ..conftest import bearer


def post_bundle(client, headers, files, slug="api-course", name=None):
    return client.post("/api/v1/courses", headers=headers, data={
        "bundle": (io.BytesIO(write_zip(slug, files)), name or f"{slug}.zip")},
        content_type="multipart/form-data")


def test_upload_publish_read_complete_and_download(app, client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    make_user(email="i@example.org", roles="instructor")
    make_user(email="f@example.org")
    partner, instructor, fellow = (bearer(client, e) for e in
                                   ("p@example.org", "i@example.org", "f@example.org"))
    response = post_bundle(client, partner, course_files())
    assert response.status_code == 201
    assert response.get_json() | {} == {"slug": "api-course", "revision": 1, "status": "draft",
                                        "created": True}
    assert post_bundle(client, partner, course_files()).status_code == 200  # unchanged
    assert client.get("/api/v1/courses/api-course", headers=fellow).status_code == 404
    assert client.get("/api/v1/courses", headers=fellow).get_json() == {"courses": []}

    published = client.post("/api/v1/courses/api-course/publish", headers=instructor)
    assert published.get_json()["status"] == "published"
    assert client.post("/api/v1/courses/api-course/publish", headers=instructor).status_code == 409

    course = client.get("/api/v1/courses/api-course", headers=fellow).get_json()
    assert [m["slug"] for m in course["modules"]] == ["module-1", "module-2"]
    assert course["quizzes"][0]["id"] and course["quizzes"][0]["questions"] == 3
    module = client.get("/api/v1/courses/api-course/modules/module-1", headers=fellow).get_json()
    assert set(module) == {"slug", "title", "minutes", "html"} and "<table>" in module["html"]
    done = client.post("/api/v1/courses/api-course/modules/module-1/complete", headers=fellow)
    assert done.status_code == 200
    bundle = client.get("/api/v1/courses/api-course/bundle", headers=partner)
    assert zipfile.ZipFile(io.BytesIO(bundle.data)).read("api-course/course.md") == \
        course_files()["course.md"]


def test_invalid_bundle_is_422_with_file_and_line(client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    files = course_files()
    files["quiz.gift"] = b"\n\n::Q::Broken {=a ~b\n"
    response = post_bundle(client, bearer(client, "p@example.org"), files)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert {"file": "quiz.gift", "line": 3} == {k: details[0][k] for k in ("file", "line")}


def test_unsafe_archives_are_422_and_import_nothing(client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    headers = bearer(client, "p@example.org")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/course.md", course_files()["course.md"])
        archive.writestr("c/../evil.md", b"# evil")
    response = client.post("/api/v1/courses", headers=headers, data={
        "bundle": (io.BytesIO(buffer.getvalue()), "c.zip")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert client.get("/api/v1/courses?drafts=1", headers=headers).get_json() == {"courses": []}


def test_missing_bundle_field_is_400_and_roles_are_checked(client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    make_user(email="f@example.org")
    response = client.post("/api/v1/courses", headers=bearer(client, "p@example.org"), data={})
    assert response.status_code == 400
    assert post_bundle(client, bearer(client, "f@example.org"), course_files()).status_code == 403


def test_other_partner_gets_403_updating_a_course(client, make_user):
    make_user(email="a@example.org", roles="partner", partner="CICA")
    make_user(email="b@example.org", roles="partner", partner="UCA")
    assert post_bundle(client, bearer(client, "a@example.org"),
                       course_files(partner="CICA")).status_code == 201
    changed = course_files(partner="CICA")
    changed["01-module-1.md"] += b"\nchanged\n"
    response = post_bundle(client, bearer(client, "b@example.org"), changed)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
