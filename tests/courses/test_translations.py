"""Course translations (DESIGN §10 "Reach"): ``translation_of`` in course.md, checked with
file and line everywhere a bundle arrives; the course page and catalogue linking the
languages; progress kept across the languages of a course; the export round trip."""

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from institute.certificates.services import eligibility
from institute.courses import services, translations
from institute.courses.bundle import Bundle, write_zip
from institute.courses.importing import check_bundle, check_bundles, revision_files
from institute.extensions import db
from institute.training.progress import completion

from ..builders import (
    committed,
    complete_modules,
    course_files,
    create_course,
    create_session,
    create_staff,
    create_user,
    enrol,
)
from ..conftest import bearer, login

COURSES = Path(__file__).resolve().parents[2] / "courses"


def translated(language: str = "fr", of: str = "test-course", modules: int = 2, title: str = "Cours de test",
               quiz: bool = False, partner: str = "GDI") -> dict[str, bytes]:
    """The files of a translation: its own title, language and module file names."""
    files = course_files(slug_title=title, modules=modules, quiz=quiz, partner=partner,
                         extra_front=f"translation_of: {of}\n")
    files["course.md"] = files["course.md"].replace(b"language: en", f"language: {language}".encode())
    return {(f"{name[:3]}module-{language}-{name[10:]}" if name[:2].isdigit() else name): data
            for name, data in files.items()}


def family(original_slug: str = "test-course", languages=("fr",), modules: int = 2, publish: bool = True):
    """An original (in English) and its translations, all imported by the institute."""
    original = create_course(original_slug, modules=modules, quiz=False).course
    return original, [create_course(f"{original_slug}-{lang}", files=translated(lang, original_slug, modules),
                                    publish=publish).course for lang in languages]


def problems_of(files, slug="test-course-fr", author=None):
    return [(p.file, p.line, p.message) for p in check_bundle(Bundle(slug, files), author).problems]


# ------------------------------------------------------------------ bundle validation

# course_files' front matter: title 2, partner 3, language 4, … hours 10, then extra_front at 11.
LANGUAGE_LINE, TRANSLATION_LINE = 4, 11


def test_a_translation_names_an_existing_original_at_its_line(ctx):
    assert problems_of(translated()) == [
        ("course.md", TRANSLATION_LINE, "'translation_of' names no course: test-course (import the "
                                        "original first, or in the same batch)")]
    create_course(modules=2, quiz=False)
    assert problems_of(translated()) == []


def test_a_translation_is_a_slug_and_not_the_course_itself(ctx):
    files = translated(of="test-course-fr")
    assert problems_of(files) == [("course.md", TRANSLATION_LINE,
                                   "'translation_of' names this course itself: name the original it translates")]
    files = translated(of="Not A Slug")
    assert problems_of(files) == [("course.md", TRANSLATION_LINE,
                                   "'translation_of' must be the slug of the original course, e.g. dldd-101")]
    files = course_files(modules=2, quiz=False, extra_front="translation_of: [a, b]\n")
    assert ("course.md", TRANSLATION_LINE, "'translation_of' must be the slug of the original course, "
                                           "e.g. dldd-101") in problems_of(files)


def test_no_chains_a_translation_names_the_original(ctx):
    family()
    files = translated("zh", of="test-course-fr")
    assert problems_of(files, "test-course-zh") == [("course.md", TRANSLATION_LINE, (
        "test-course-fr is itself a translation of test-course: name the original, translation_of: test-course"))]


def test_the_language_differs_from_the_original_and_from_other_translations(ctx):
    family()
    assert problems_of(translated("en"), "test-course-en") == [("course.md", LANGUAGE_LINE, (
        "test-course is in the same language (en): a translation is in another language"))]
    assert problems_of(translated("fr"), "test-course-fr2") == [("course.md", LANGUAGE_LINE, (
        "test-course-fr is already the fr translation of test-course"))]
    assert problems_of(translated("fr"), "test-course-fr") == []  # its own next revision


def test_modules_correspond_one_to_one(ctx):
    family()
    assert problems_of(translated("zh", modules=3), "test-course-zh") == [("course.md", TRANSLATION_LINE, (
        "test-course has 2 module(s) and this translation 3: a translation's modules correspond one to "
        "one, in order, to the original's"))]
    # An original that changes its modules is warned, not refused: its translations follow.
    parsed = check_bundle(Bundle("test-course", course_files(modules=3, quiz=False)))
    assert parsed.problems == []
    assert [w.message for w in parsed.warnings] == [
        "its translation test-course-fr has 2 module(s) and this version 3: modules correspond by their "
        "order, so update the translation too"]


def test_an_original_with_translations_is_not_itself_a_translation(ctx):
    family()
    create_course("other-course", modules=2, quiz=False)
    files = course_files(modules=2, quiz=False, extra_front="translation_of: other-course\n")
    files["course.md"] = files["course.md"].replace(b"language: en", b"language: es")
    assert problems_of(files, "test-course") == [("course.md", TRANSLATION_LINE, (
        "test-course has translations (test-course-fr): an original cannot also be a translation"))]


def test_a_partner_names_only_originals_they_may_see(ctx):
    create_course(modules=2, quiz=False, publish=False)  # a draft of GDI
    other = create_staff("UCA")
    own = create_staff("GDI")
    assert problems_of(translated(partner="UCA"), author=other)[0][2].startswith(
        "'translation_of' names no course: test-course")
    assert problems_of(translated(), author=own) == []  # the owning institution's draft
    assert problems_of(translated()) == []  # the institute (command line)


def test_the_same_batch_counts_whatever_the_order(app, runner, tmp_path):
    # "aa-…" sorts before the original "zz-course": the import takes originals first.
    for slug, files in (("zz-course", course_files(modules=2, quiz=False)),
                        ("aa-translation", translated(of="zz-course"))):
        for name, data in files.items():
            (tmp_path / slug / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / slug / name).write_bytes(data)
    checked = runner.invoke(args=["courses", "check", str(tmp_path)])
    assert checked.exit_code == 0, checked.output
    assert "aa-translation: ok" in checked.output
    imported = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        fr = services.get_course("aa-translation")
        assert fr.family_id == services.get_course("zz-course").id == fr.translation_of_id


def test_check_prints_translation_problems_as_file_and_line(runner, tmp_path):
    folder = tmp_path / "lonely-fr"
    for name, data in translated(of="missing-course").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 1
    assert (f"lonely-fr/course.md:{TRANSLATION_LINE}: 'translation_of' names no course: missing-course"
            in result.output)
    imported = runner.invoke(args=["courses", "import", str(folder)])
    assert imported.exit_code == 1 and "missing-course" in imported.output


def test_upload_page_and_api_give_the_line(app, client, make_user):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    login(client, "p@example.org")
    response = client.post("/courses/upload", data={
        "bundle": (io.BytesIO(write_zip("test-course-fr", translated())), "test-course-fr.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert f"course.md:{TRANSLATION_LINE}" in response.get_data(as_text=True)
    headers = bearer(client, "p@example.org")
    response = client.post("/api/v1/courses", headers=headers, data={
        "bundle": (io.BytesIO(write_zip("test-course-fr", translated())), "test-course-fr.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    detail = response.get_json()["error"]["details"][0]
    assert (detail["file"], detail["line"]) == ("course.md", TRANSLATION_LINE)
    assert "names no course" in detail["message"]


def test_shipped_translation_is_part_of_the_dldd_family(ctx):
    from institute.courses.bundle import find_bundles, read_path

    paths = find_bundles(COURSES)
    parsed = dict(zip([p.name for p in paths], check_bundles([read_path(p) for p in paths]), strict=True))
    fr = parsed["dldd-101-fr"]
    assert fr.problems == [] and fr.meta["translation_of"] == "dldd-101" and fr.meta["language"] == "fr"
    assert len(fr.modules) == len(parsed["dldd-101"].modules)


# ------------------------------------------------------------------ pages


def test_course_pages_link_their_languages_with_hreflang(app, client):
    with committed(app):
        family(languages=("fr", "zh"))
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Also in:" in page
    assert '<a href="/courses/test-course-fr" lang="fr" hreflang="fr"' in page and ">Français</a>" in page
    assert '<a href="/courses/test-course-zh" lang="zh" hreflang="zh"' in page and ">中文</a>" in page
    assert '<link rel="alternate" hreflang="fr" href="/courses/test-course-fr">' in page
    page = client.get("/courses/test-course-fr").get_data(as_text=True)
    assert '<a href="/courses/test-course" lang="en" hreflang="en"' in page and ">English</a>" in page
    assert 'href="/courses/test-course-fr" lang' not in page  # not itself


def test_unpublished_and_archived_versions_are_not_offered(app, client):
    with committed(app):
        original, (fr,) = family(publish=False)
        zh = create_course("test-course-zh", files=translated("zh")).course
        services.archive(zh, create_user(roles="admin"))
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Also in:" not in page  # fr is a draft, zh archived
    assert client.get("/courses/test-course-fr").status_code == 404  # a draft to visitors


def test_a_translation_of_an_unpublished_original(app, client):
    with committed(app):
        create_course(modules=2, quiz=False, publish=False)
        create_course("test-course-fr", files=translated())
    page = client.get("/courses/test-course-fr").get_data(as_text=True)
    assert "Cours de test" in page and "Also in:" not in page
    assert client.get("/courses/test-course").status_code == 404
    catalogue = client.get("/courses").get_data(as_text=True)
    assert "Cours de test" in catalogue and "1 course" in catalogue


def test_catalogue_lists_a_family_once_unless_a_language_is_chosen(app, client):
    with committed(app):
        family(languages=("fr", "zh"))
        create_course("alone", slug_title="Alone Course", quiz=False)
    page = client.get("/courses").get_data(as_text=True)
    assert "2 courses" in page  # the family (in the reader's language, English) and the lone course
    assert ">Test Course</span></a>" in page and ">Cours de test</span></a>" not in page
    assert '<a href="/courses/test-course-fr" lang="fr" hreflang="fr"' in page
    french = client.get("/courses", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert ">Cours de test</span></a>" in french and ">Test Course</span></a>" not in french
    assert '<a href="/courses/test-course" lang="en" hreflang="en"' in french
    filtered = client.get("/courses?language=zh").get_data(as_text=True)
    assert "1 course" in filtered and 'href="/courses/test-course-zh" hreflang="zh"' in filtered
    assert "Also in:" in filtered  # still offers the other languages
    english = client.get("/courses?language=en").get_data(as_text=True)
    assert "2 courses" in english and "test-course-zh\" hreflang" not in english


def test_the_api_names_the_original_and_lists_every_course(app, client, make_user):
    with committed(app):
        family()
    make_user(email="f@example.org")
    headers = bearer(client, "f@example.org")
    courses = client.get("/api/v1/courses", headers=headers).get_json()["courses"]
    listed = {c["slug"]: c["translation_of"] for c in courses}
    assert listed == {"test-course": None, "test-course-fr": "test-course"}
    one = client.get("/api/v1/courses/test-course-fr", headers=headers).get_json()
    assert one["translation_of"] == "test-course" and one["language"] == "fr"


# ------------------------------------------------------------------ progress


def test_done_in_one_language_is_done_in_the_others(app, client, make_user):
    with committed(app):
        original, (fr, zh) = family(languages=("fr", "zh"))
    fellow = make_user(email="f@example.org")
    login(client, "f@example.org")
    assert client.post("/courses/test-course-fr/modules/module-fr-1/complete").status_code == 302
    with app.app_context():
        fellow = db.session.get(type(fellow), fellow.id)
        assert services.done_modules(fellow, services.get_course("test-course")) == {"module-1"}
        assert services.done_modules(fellow, services.get_course("test-course-zh")) == {"module-zh-1"}
        assert services.done_modules(fellow, services.get_course("test-course-fr")) == {"module-fr-1"}
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert page.count('class="tag done"') == 1
    with app.app_context():
        page = services.module_page("test-course-zh", "module-zh-2", fellow)
        assert page.done == frozenset({"module-zh-1"})


def test_session_completion_and_certificates_count_the_family_once(ctx):
    original, (fr,) = family()
    session = create_session(courses=[original])
    fellow = enrol(session)
    complete_modules(fellow, fr)  # studied in French only
    progress = completion(session, fellow)
    assert progress is not None
    assert (progress.modules_done, progress.modules_total, progress.completed) == (2, 2, True)
    complete_modules(fellow, original)  # and again in English: still two modules of two
    progress = completion(session, fellow)
    assert (progress.modules_done, progress.modules_total, progress.percent) == (2, 2, 100)
    eligible, ineligible = eligibility(session)
    assert [p.user.id for p in eligible] == [fellow.id] and ineligible == []


def test_someone_elses_marks_and_other_courses_do_not_count(ctx):
    original, (fr,) = family()
    create_course("other-course", modules=2, quiz=False)
    session = create_session(courses=[original])
    fellow, other = enrol(session), enrol(session)
    complete_modules(other, fr)
    complete_modules(fellow, services.get_course("other-course"))
    progress = completion(session, fellow)
    assert progress is not None and progress.modules_done == 0
    assert translations.done_marks([fellow.id], [original]) == {}


def test_modules_map_by_their_place_in_the_list(ctx):
    original, (fr,) = family(modules=3)
    fellow = create_user()
    complete_modules(fellow, fr, ["module-fr-3"])
    assert services.done_modules(fellow, original) == {"module-3"}
    # A translation whose original is not published maps to nothing in it.
    create_course("draft-original", modules=2, quiz=False, publish=False)
    draft_fr = create_course("draft-original-fr", files=translated(of="draft-original")).course
    complete_modules(fellow, draft_fr, ["module-fr-1"])
    assert services.done_modules(fellow, services.get_course("draft-original")) == set()


@pytest.mark.parametrize("role", ["admin", "instructor", "partner"])
def test_only_fellows_mark_done_in_a_translation(ctx, role):
    _original, (fr,) = family()
    from institute.errors import Forbidden

    with pytest.raises(Forbidden):
        services.mark_done(create_user(roles=role, partner="GDI" if role == "partner" else None), fr, "module-fr-1")


# ------------------------------------------------------------------ round trip


def test_export_and_import_keep_the_family(app, runner, tmp_path):
    with committed(app):
        family()
    for slug in ("test-course", "test-course-fr"):
        assert runner.invoke(args=["courses", "export", slug, str(tmp_path)]).exit_code == 0
    course_md = zipfile.ZipFile(tmp_path / "test-course-fr.zip").read("test-course-fr/course.md")
    assert b"translation_of: test-course\n" in course_md
    again = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert "test-course-fr: unchanged 1" in again.output
    with app.app_context():  # into a library without them: the family comes back
        for slug in ("test-course-fr", "test-course"):
            db.session.delete(services.get_course(slug))
        db.session.commit()
    imported = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        original, fr = services.get_course("test-course"), services.get_course("test-course-fr")
        assert fr.translation_of_id == original.id == original.family_id


def test_leaving_a_family_and_adapting_a_translation(ctx):
    original, (fr,) = family()
    files = translated()
    files["course.md"] = files["course.md"].replace(b"translation_of: test-course\n", b"")
    create_course("test-course-fr", files=files)
    assert fr.family_id is None and translations.other_versions(original) == []
    create_course("test-course-fr", files=translated())  # back in
    staff = create_staff("UCA")
    copy = services.adapt(fr, staff, "Cours adapté", "cours-adapte").course
    assert copy.family_id is None
    assert copy.latest is not None
    assert b"translation_of" not in revision_files(copy.latest)["course.md"]


def test_discarding_an_original_leaves_its_translations_alone(ctx):
    staff = create_staff("GDI")
    create_course(modules=2, quiz=False, publish=False, author=staff)
    fr = create_course("test-course-fr", files=translated()).course
    original = services.get_course("test-course")
    assert original.family_id == original.id
    assert original.latest is not None
    assert services.discard(original.latest, staff) is None
    db.session.expire_all()
    assert services.get_course("test-course-fr").family_id is None
    assert translations.other_versions(fr) == []


def test_a_translations_module_page_costs_the_same_whatever_the_family(app, make_user):
    fellow = make_user(email="f@example.org")

    def statements_for(slug: str, module: str) -> int:
        client = app.test_client()
        login(client, "f@example.org")
        client.get(f"/courses/{slug}/modules/{module}")  # the revision's content is now cached
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/courses/{slug}/modules/{module}").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    with committed(app):
        family("small", modules=2)
    small = statements_for("small-fr", "module-fr-2")
    with committed(app):
        family("large", languages=("fr", "zh", "es", "ru"), modules=40)
        complete_modules(db.session.get(type(fellow), fellow.id), services.get_course("large"),
                         [f"module-{n}" for n in range(1, 30)])
    assert statements_for("large-fr", "module-fr-2") == small
