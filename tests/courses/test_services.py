"""Import, revisions, publishing, visibility, export round trip, adapt, progress."""

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from institute.courses import services
from institute.courses.bundle import Bundle, read_path, read_zip
from institute.courses.importing import import_bundle
from institute.courses.models import Course, CourseRevision, ModuleCompletion
from institute.errors import Conflict, Forbidden, Invalid, NotFound
from institute.extensions import db

from ..builders import course_files, create_course, create_revision, create_user

COURSES = Path(__file__).resolve().parents[2] / "courses"


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_shipped_courses_import_export_and_reimport_byte_for_byte(ctx):
    for path in sorted(COURSES.iterdir()):
        original = read_path(path)
        first = import_bundle(original, None, publish=True)
        assert first.created and first.revision.number == 1 and first.status == "published"
        exported = services.export_bundle(first.course, first.revision)
        again = read_zip(exported, "x.zip")
        assert again.slug == original.slug and again.files == original.files
        second = import_bundle(again, None, publish=True)
        assert not second.created and second.revision.id == first.revision.id
    assert count(CourseRevision) == len(list(COURSES.iterdir()))


def test_changed_content_makes_a_new_immutable_revision(ctx):
    partner = create_user(roles="partner", partner="CICA")
    first = create_course(partner="CICA", author=partner, publish=False)
    files = course_files(partner="CICA")
    files["01-module-1.md"] = files["01-module-1.md"].replace(b"sand dunes", b"gravel plains")
    second = import_bundle(Bundle("test-course", files), partner, "Module 1 rewritten")
    assert second.created and second.revision.number == 2
    assert second.revision.author_name == partner.name and second.revision.message
    assert second.revision.content_hash != first.revision.content_hash
    assert "sand dunes" in first.revision.modules[0].html  # the old revision is untouched
    diffs = services.diff_revisions(first.revision, second.revision)
    assert [(d.path, d.status) for d in diffs] == [("01-module-1.md", "changed")]
    assert any(line.startswith("+") and "gravel" in line for line in diffs[0].lines)
    assert any(line.startswith("-") and "sand dunes" in line for line in diffs[0].lines)


def test_files_are_stored_once_across_revisions(ctx):
    from institute.courses.models import CourseBlob

    create_course()
    before = count(CourseBlob)
    files = course_files()
    files["02-module-2.md"] += b"\nOne more line.\n"
    import_bundle(Bundle("test-course", files), None)
    assert count(CourseBlob) == before + 1  # only the changed module is stored again


def test_invalid_bundle_imports_nothing(ctx):
    files = course_files()
    files["quiz.gift"] = b"::Q::Broken {=a ~b\n"
    with pytest.raises(Invalid) as caught:
        import_bundle(Bundle("broken", files), None)
    assert caught.value.details[0]["file"] == "quiz.gift"
    assert count(Course) == 0 and count(CourseRevision) == 0


def test_partner_uploads_are_drafts_invisible_to_trainees(ctx):
    partner = create_user(roles="partner", partner="UCA")
    trainee = create_user(roles="trainee")
    instructor = create_user(roles="instructor")
    result = services.upload(Bundle("uca-course", course_files(partner="UCA")), partner)
    assert result.status == "draft"
    with pytest.raises(NotFound):
        services.visible_revision(result.course, trainee)
    assert services.catalogue(trainee) == []
    assert services.visible_revision(result.course, partner).number == 1
    assert services.review_queue() == [result.course]
    services.publish(result.course, instructor)
    assert services.visible_revision(result.course, trainee).number == 1
    assert [c.slug for c, _r in services.catalogue(trainee)] == ["uca-course"]
    with pytest.raises(Conflict):
        services.publish(result.course, instructor)


def test_trainee_keeps_seeing_the_published_revision_while_a_draft_waits(ctx):
    partner = create_user(roles="partner", partner="GDI")
    trainee = create_user()
    create_course(publish=True)
    create_revision(author=partner, text="DRAFT TEXT")
    course = services.get_course("test-course")
    assert course.has_draft
    page = services.module_page("test-course", "module-1", trainee)
    assert "DRAFT TEXT" not in page.module.html
    assert "DRAFT TEXT" in services.module_page("test-course", "module-1", partner).module.html


def test_partner_changes_only_its_own_institutions_courses(ctx):
    owner = create_user(roles="partner", partner="CICA")
    other = create_user(roles="partner", partner="UCA")
    services.upload(Bundle("cica-course", course_files(partner="CICA")), owner)
    files = course_files(partner="CICA")
    files["01-module-1.md"] += b"\nHijacked.\n"
    with pytest.raises(Forbidden):
        services.upload(Bundle("cica-course", files), other)
    with pytest.raises(Forbidden):  # nor can it claim the course by renaming the partner
        services.upload(Bundle("cica-course", course_files(partner="UCA")), other)
    with pytest.raises(Forbidden):  # nor create a course in another's name
        services.upload(Bundle("new-course", course_files(partner="CICA")), other)
    assert services.get_course("cica-course").latest.number == 1


def test_trainees_and_instructors_cannot_upload(ctx):
    for role in ("trainee", "instructor"):
        with pytest.raises(Forbidden):
            services.upload(Bundle("x-course", course_files()), create_user(roles=role))


def test_adapt_copies_into_a_draft_with_attribution(ctx):
    create_course(slug="dldd-test", partner="GDI")
    partner = create_user(roles="partner", partner="UNALM")
    result = services.adapt(services.get_course("dldd-test"), partner)
    assert result.course.slug.startswith("test-course-adapted-by-")
    assert result.course.derived_from.slug == "dldd-test"
    assert result.course.partner.code == "UNALM" and result.status == "draft"
    assert result.revision.authors == ["A. Author"] and result.revision.license == "CC-BY-4.0"
    assert services.adapt(services.get_course("dldd-test"), partner).course.slug == result.course.slug + "-2"


def test_export_contains_the_course_folder(ctx):
    result = create_course()
    data = services.export_bundle(result.course, result.revision)
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert names == sorted(f"test-course/{p}" for p in course_files())


def test_mark_done_is_idempotent_and_for_fellows_only(ctx):
    course = create_course().course
    fellow = create_user()
    services.mark_done(fellow, course, "module-1")
    services.mark_done(fellow, course, "module-1")
    assert services.done_modules(fellow, course) == {"module-1"}
    assert count(ModuleCompletion) == 1
    with pytest.raises(NotFound):
        services.mark_done(fellow, course, "no-such-module")
    with pytest.raises(Forbidden):
        services.mark_done(create_user(roles="instructor"), course, "module-1")


def test_catalogue_filters_and_search(ctx):
    create_course(slug="alpha", slug_title="Sand fixation basics")
    create_course(slug="beta", slug_title="Remote sensing", partner="BJFU",
                  body="Vegetation indices such as NDVI.")
    viewer = create_user()
    slugs = lambda **kw: [c.slug for c, _r in services.catalogue(viewer, **kw)]  # noqa: E731
    assert slugs() == ["beta", "alpha"] or slugs() == ["alpha", "beta"]
    assert slugs(partner="BJFU") == ["beta"]
    assert slugs(query="ndvi") == ["beta"]
    assert slugs(query="SAND fixation") == ["alpha"]
    assert slugs(query="dunes") == ["alpha", "beta"] or slugs(query="dunes") == ["beta", "alpha"]
    assert slugs(topic="testing", language="en", query="remote") == ["beta"]
    assert slugs(query="100%_") == []
    assert services.facets()["partners"] == ["BJFU", "GDI"]


def test_asset_links_point_at_served_files(ctx):
    files = course_files()
    files["images/map.png"] = b"\x89PNG fake"
    files["01-module-1.md"] += b"\n![Map](images/map.png) and [next](02-module-2.md#top)\n"
    result = create_course("pics", files=files)
    html = result.revision.modules[0].html
    assert "/courses/pics/modules/module-2#top" in html
    src = html.split('src="')[1].split('"')[0]
    sha = src.split("/")[4]
    assert src == f"/courses/pics/files/{sha}/images/map.png"
    assert services.course_file(result.course, sha, "images/map.png", None) == b"\x89PNG fake"
