"""Which course an upload revises (slug key, title match, ambiguity) and adapting with a
chosen title and slug, diffed against the source: services, pages, API and CLI."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from institute.courses import services
from institute.courses.bundle import read_zip, write_zip
from institute.courses.importing import slug_from_title
from institute.courses.models import Course, CourseRevision
from institute.errors import Forbidden, Invalid
from institute.extensions import db

from ..builders import committed, course_files, create_course, create_user
from ..conftest import bearer, login


def flat_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def changed(files: dict[str, bytes], text: bytes = b"rocky hamada") -> dict[str, bytes]:
    files = dict(files)
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", text)
    return files


def courses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Course))


def revisions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CourseRevision))


# ------------------------------------------------------------------ services


def test_a_flat_zip_takes_its_slug_from_the_title_never_the_file_name(ctx):
    partner = create_user(roles="partner", partner="CICA")
    files = course_files("Dune Fixing Basics", partner="CICA")
    first = services.upload(read_zip(flat_zip(files), "Archive.zip"), partner)
    assert first.course.slug == "dune-fixing-basics" and first.revision.number == 1
    again = services.upload(read_zip(flat_zip(changed(files)), "dune fixing (2).zip"), partner)
    assert again.course.id == first.course.id and again.revision.number == 2
    assert courses() == 1


def test_the_title_matches_whatever_its_case_and_spacing(ctx):
    partner = create_user(roles="partner", partner="CICA")
    create_course(slug="cica-dunes", partner="CICA", slug_title="Dune Fixing")
    result = services.upload(read_zip(flat_zip(changed(course_files("dune  FIXING", partner="CICA"))),
                                      "x.zip"), partner)
    assert result.course.slug == "cica-dunes" and result.revision.number == 2


def test_the_slug_key_wins_over_title_and_folder(ctx):
    partner = create_user(roles="partner", partner="CICA")
    create_course(slug="cica-dunes", partner="CICA", slug_title="Dune Fixing")
    files = course_files("Dune Fixing", partner="CICA", extra_front="slug: cica-sand\n")
    flat = services.upload(read_zip(flat_zip(files), "x.zip"), partner)
    assert flat.course.slug == "cica-sand"
    foldered = services.upload(read_zip(write_zip("some-folder", changed(files)), "y.zip"), partner)
    assert foldered.course.slug == "cica-sand" and foldered.revision.number == 2


def test_a_zip_with_a_top_folder_keeps_its_folder_name(ctx):
    partner = create_user(roles="partner", partner="CICA")
    create_course(slug="cica-dunes", partner="CICA", slug_title="Dune Fixing")
    result = services.upload(read_zip(write_zip("cica-other", course_files("Dune Fixing", partner="CICA")),
                                      "z.zip"), partner)
    assert result.course.slug == "cica-other" and result.revision.number == 1


def test_a_bad_slug_key_is_a_problem_at_its_line(ctx):
    files = course_files("Dune Fixing", partner="CICA", extra_front="slug: Not A Slug\n")
    with pytest.raises(Invalid) as raised:
        services.upload(read_zip(flat_zip(files), "x.zip"), create_user(roles="partner", partner="CICA"))
    [problem] = raised.value.details
    assert problem["file"] == "course.md" and problem["line"] == 16 and "'slug' must be a slug" in problem["message"]
    assert courses() == 0


def test_two_courses_of_the_title_are_ambiguous_and_nothing_is_written(ctx):
    partner = create_user(roles="partner", partner="CICA")
    create_course(slug="dunes-a", partner="CICA", slug_title="Dune Fixing")
    create_course(slug="dunes-b", partner="CICA", slug_title="Dune Fixing")
    before = revisions()
    with pytest.raises(Invalid) as raised:
        services.upload(read_zip(flat_zip(changed(course_files("Dune Fixing", partner="CICA"))), "x.zip"),
                        partner)
    assert "CICA has 2 courses titled “Dune Fixing” (dunes-a, dunes-b)" in raised.value.message
    assert raised.value.details[0]["line"] == 2 and revisions() == before


def test_a_title_whose_slug_another_institution_has_is_ambiguous(ctx):
    create_course(slug="dune-fixing", partner="GDI", slug_title="Dune Fixing")
    partner = create_user(roles="partner", partner="CICA")
    with pytest.raises(Invalid) as raised:
        services.upload(read_zip(flat_zip(course_files("Dune Fixing", partner="CICA")), "x.zip"), partner)
    assert "the slug that title gives, dune-fixing, belongs to another course" in raised.value.message
    assert courses() == 1


def test_a_title_giving_no_slug_asks_for_one(ctx):
    partner = create_user(roles="partner", partner="CICA")
    with pytest.raises(Invalid) as raised:
        services.upload(read_zip(flat_zip(course_files("荒漠化", partner="CICA")), "x.zip"), partner)
    assert "gives no usable slug" in raised.value.message


def test_a_slug_key_of_another_institutions_course_is_refused(ctx):
    create_course(slug="gdi-course", partner="GDI")
    files = course_files("Mine", partner="CICA", extra_front="slug: gdi-course\n")
    with pytest.raises(Forbidden):
        services.upload(read_zip(flat_zip(files), "x.zip"), create_user(roles="partner", partner="CICA"))
    assert services.get_course("gdi-course").latest.number == 1


def test_the_title_matches_only_the_uploaders_institution(ctx):
    create_course(slug="gdi-dunes", partner="GDI", slug_title="Dune Fixing")
    # GDI's course of that title is not CICA's: the title gives dune-fixing, free, a new course.
    result = services.upload(read_zip(flat_zip(course_files("Dune Fixing", partner="CICA")), "x.zip"),
                             create_user(roles="partner", partner="CICA"))
    assert result.course.slug == "dune-fixing" and result.course.partner.code == "CICA"


@pytest.mark.parametrize("roles", ["trainee", "instructor"])
def test_fellows_and_instructors_upload_no_flat_zip(ctx, roles):
    with pytest.raises(Forbidden):
        services.upload(read_zip(flat_zip(course_files("Dune Fixing")), "x.zip"), create_user(roles=roles))


def test_slug_from_title():
    assert slug_from_title("Désertification & Drought: 101") == "desertification-drought-101"
    assert len(slug_from_title("word " * 60)) <= 100 and not slug_from_title("word " * 60).endswith("-")
    assert slug_from_title("荒漠化") == ""


# ------------------------------------------------------------------ adapting


def test_adapting_with_a_chosen_title_and_slug_diffs_against_the_source(ctx):
    source = create_course(slug="gdi-dunes", partner="GDI", slug_title="Dune Fixing")
    partner = create_user(roles="partner", partner="CICA")
    result = services.adapt(services.get_course("gdi-dunes"), partner, "Fixing dunes in Chile", "cica-dunes")
    assert result.course.slug == "cica-dunes" and result.revision.title == "Fixing dunes in Chile"
    assert result.revision.adapted_from.id == source.revision.id
    base = services.previous_revision(result.revision)
    assert base.id == source.revision.id
    diffs = services.diff_revisions(base, result.revision)
    assert [(d.path, d.status) for d in diffs] == [("course.md", "changed")]
    changed_lines = [line for line in diffs[0].lines if line[:1] in "+-" and not line.startswith("@@")]
    assert sorted(changed_lines) == sorted(['-title: Dune Fixing', '+title: "Fixing dunes in Chile"',
                                            '-partner: GDI', '+partner: CICA'])
    second = services.upload(read_zip(write_zip("cica-dunes", changed(
        services.revision_files(result.revision))), "x.zip"), partner)
    assert services.previous_revision(second.revision).id == result.revision.id


def test_adapting_by_default(ctx):
    create_course(slug="gdi-dunes", partner="GDI", slug_title="Dune Fixing")
    partner = create_user(roles="partner", partner="CICA")
    defaults = services.adapt_defaults(services.get_course("gdi-dunes"), partner)
    name = partner.partner.name
    assert defaults.title == f"Dune Fixing (adapted by {name})"
    assert defaults.slug == slug_from_title(defaults.title)
    result = services.adapt(services.get_course("gdi-dunes"), partner)
    assert result.course.slug == defaults.slug and result.revision.title == defaults.title


def test_adapting_refuses_a_taken_slug_and_an_empty_title(ctx):
    create_course(slug="gdi-dunes", partner="GDI", slug_title="Dune Fixing")
    partner = create_user(roles="partner", partner="CICA")
    course = services.get_course("gdi-dunes")
    with pytest.raises(Invalid) as raised:
        services.adapt(course, partner, "Mine", "gdi-dunes")
    assert raised.value.details == [{"field": "slug", "message": "A course with the slug gdi-dunes already exists."}]
    with pytest.raises(Invalid) as raised:
        services.adapt(course, partner, "  ", "Bad Slug")
    assert {d["field"] for d in raised.value.details} == {"title", "slug"}
    assert courses() == 1


@pytest.mark.parametrize("roles", ["trainee", "instructor"])
def test_only_partner_staff_adapt(ctx, roles):
    create_course(slug="gdi-dunes", partner="GDI")
    with pytest.raises(Forbidden):
        services.adapt(services.get_course("gdi-dunes"), create_user(roles=roles), "T", "t-copy")


# ------------------------------------------------------------------ page, API, CLI


def post_page(client, data: bytes, name: str):
    return client.post("/courses/upload", data={"bundle": (io.BytesIO(data), name), "message": ""},
                       content_type="multipart/form-data")


def test_page_upload_of_a_flat_zip_and_its_refusals(app, client, make_user):
    make_user(email="cica@example.org", roles="partner", partner="CICA")
    login(client, "cica@example.org")
    files = course_files("Page Dunes", partner="CICA")
    response = post_page(client, flat_zip(files), "Archive.zip")
    assert response.headers["Location"].endswith("/courses/page-dunes")
    response = post_page(client, flat_zip(changed(files)), "other name.zip")
    assert response.headers["Location"].endswith("/courses/page-dunes")
    page = client.get("/courses/page-dunes").get_data(as_text=True)
    assert "Revision history" in page
    with app.app_context():
        assert services.get_course("page-dunes").latest.number == 2
        create_course(slug="page-x", partner="CICA", slug_title="Twice")
        create_course(slug="page-y", partner="CICA", slug_title="Twice")
        db.session.commit()
    response = post_page(client, flat_zip(course_files("Twice", partner="CICA")), "t.zip")
    assert response.status_code == 422
    assert "CICA has 2 courses titled “Twice” (page-x, page-y)" in response.get_data(as_text=True)


def test_page_refuses_fellows_and_strangers(app, client, make_user):
    data = flat_zip(course_files("Stranger Dunes", partner="CICA"))
    assert post_page(client, data, "x.zip").status_code in (302, 401)
    make_user(email="fellow@example.org")
    login(client, "fellow@example.org")
    assert post_page(client, data, "x.zip").status_code == 403


def test_api_upload_same_words_and_partner_of_another_institution(app, client, make_user):
    with committed(app):
        create_course(slug="api-x", partner="CICA", slug_title="Api Twice")
        create_course(slug="api-y", partner="CICA", slug_title="Api Twice")
        create_course(slug="api-gdi", partner="GDI", slug_title="Api Gdi")
    make_user(email="cica-api@example.org", roles="partner", partner="CICA")
    headers = bearer(client, "cica-api@example.org")

    def post(files, name="b.zip"):
        return client.post("/api/v1/courses", headers=headers, content_type="multipart/form-data",
                           data={"bundle": (io.BytesIO(flat_zip(files)), name)})

    response = post(course_files("Api Dunes", partner="CICA"))
    assert response.status_code == 201 and response.json["slug"] == "api-dunes"
    response = post(changed(course_files("Api Dunes", partner="CICA")), "renamed.zip")
    assert response.status_code == 201 and response.json["slug"] == "api-dunes" and response.json["revision"] == 2
    response = post(course_files("Api Twice", partner="CICA"))
    assert response.status_code == 422
    assert "CICA has 2 courses titled “Api Twice” (api-x, api-y)" in str(response.json)
    response = post(course_files("Api Mine", partner="CICA", extra_front="slug: api-gdi\n"))
    assert response.status_code == 403


def test_cli_import_of_a_flat_zip_and_check_of_a_bad_slug(app, runner, tmp_path):
    files = course_files("Cli Dunes", partner="GDI")
    (tmp_path / "Archive.zip").write_bytes(flat_zip(files))
    result = runner.invoke(args=["courses", "import", str(tmp_path / "Archive.zip")])
    assert result.exit_code == 0 and "cli-dunes: new revision 1" in result.output
    (tmp_path / "Archive.zip").unlink()
    (tmp_path / "again.zip").write_bytes(flat_zip(changed(files)))
    result = runner.invoke(args=["courses", "import", str(tmp_path / "again.zip")])
    assert result.exit_code == 0 and "cli-dunes: new revision 2" in result.output
    with app.app_context():
        create_course(slug="cli-x", partner="GDI", slug_title="Cli Twice")
        create_course(slug="cli-y", partner="GDI", slug_title="Cli Twice")
        db.session.commit()
    (tmp_path / "again.zip").unlink()
    (tmp_path / "twice.zip").write_bytes(flat_zip(course_files("Cli Twice")))
    result = runner.invoke(args=["courses", "import", str(tmp_path / "twice.zip")])
    assert result.exit_code == 1 and "GDI has 2 courses titled “Cli Twice” (cli-x, cli-y)" in result.output
    (tmp_path / "twice.zip").unlink()
    (tmp_path / "bad.zip").write_bytes(flat_zip(course_files("Cli Bad", extra_front="slug: Bad_Slug\n")))
    result = runner.invoke(args=["courses", "check", str(tmp_path / "bad.zip")])
    assert result.exit_code == 1 and "bad.zip/course.md:16: 'slug' must be a slug" in result.output


def test_adapt_page_with_defaults_choice_and_refusals(app, client, make_user):
    publish_slug = "adapt-page-src"
    with committed(app):
        create_course(slug=publish_slug, partner="GDI", slug_title="Adapt Page")
    make_user(email="ufc-adapt@example.org", roles="partner", partner="UFC")
    login(client, "ufc-adapt@example.org")
    page = client.get(f"/courses/{publish_slug}/adapt").get_data(as_text=True)
    assert "Adapt Page (adapted by" in page
    response = client.post(f"/courses/{publish_slug}/adapt", data={"title": "", "slug": publish_slug})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give the copy a title." in body
    assert f"A course with the slug {publish_slug} already exists." in body
    response = client.post(f"/courses/{publish_slug}/adapt", data={"title": "Ours", "slug": "adapt-page-ours"})
    assert response.headers["Location"].endswith("/courses/adapt-page-ours")
    diff = client.get("/courses/adapt-page-ours/revisions/1/diff").get_data(as_text=True)
    assert f"Compared with {publish_slug} revision 1, the course it adapts." in diff
    assert "every file is new" not in diff and "course.md" in diff and "01-module-1.md" not in diff


def test_adapt_page_refuses_fellows_and_strangers(app, client, make_user):
    with committed(app):
        create_course(slug="adapt-refuse", partner="GDI")
    assert client.get("/courses/adapt-refuse/adapt").status_code in (302, 401)
    make_user(email="fellow-adapt@example.org")
    login(client, "fellow-adapt@example.org")
    assert client.post("/courses/adapt-refuse/adapt", data={"title": "T", "slug": "t-x"}).status_code == 403
