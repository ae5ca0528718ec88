"""Validation reports every problem at once, each with file and line."""

from institute.courses.bundle import Bundle
from institute.courses.importing import check_bundle

from ..builders import course_files


def problems(files, slug="test-course"):
    return [(p.file, p.line, p.message) for p in check_bundle(Bundle(slug, files)).problems]


def test_a_valid_bundle_has_no_problem(ctx):
    parsed = check_bundle(Bundle("test-course", course_files()))
    assert parsed.problems == []
    assert [m.slug for m in parsed.modules] == ["module-1", "module-2"]
    assert parsed.modules[0].title == "Module 1" and parsed.modules[0].minutes == 10
    assert parsed.quizzes[0].after == "module-2" and len(parsed.quizzes[0].questions) == 3


def test_shipped_courses_are_valid(ctx):
    from pathlib import Path

    from institute.courses.bundle import find_bundles, read_path
    from institute.courses.importing import check_bundles

    folder = Path(__file__).resolve().parents[2] / "courses"
    bundles = find_bundles(folder)
    assert len(bundles) >= 3
    # Checked together: a translation (dldd-101-fr) names an original of the same folder.
    for path, parsed in zip(bundles, check_bundles([read_path(p) for p in bundles]), strict=True):
        assert parsed.problems == [], path
        assert len(parsed.modules) >= 4
        for module in parsed.modules:
            assert len(module.body.split()) >= 600, module.path
        kinds = {q.kind for quiz in parsed.quizzes for q in quiz.questions}
        assert len(kinds) >= 4, (path, kinds)


def test_every_front_matter_problem_is_reported_with_its_line(ctx):
    files = course_files()
    files["course.md"] = (b"---\ntitle: T\npartner: NOPE\nlanguage: not a language\n"
                          b"license: Free-For-All\nhours: many\ncolour: red\n---\nOverview\n")
    found = problems(files)
    assert ("course.md", 3, "unknown partner 'NOPE'") in found
    assert ("course.md", 4, "'not a language' is not a BCP 47 language tag") in found
    assert ("course.md", 5, "'Free-For-All' is not an SPDX license id") in found
    assert ("course.md", 6, "'hours' must be a number of hours above 0 and at most 1000") in found
    assert ("course.md", 7, "unknown key 'colour'") in found


def test_missing_license_and_title(ctx):
    files = course_files()
    files["course.md"] = b"---\npartner: GDI\nlanguage: en\n---\nOverview\n"
    messages = {m for _f, _l, m in problems(files)}
    assert {"'title' is required", "'license' is required"} <= messages


def test_yaml_error_has_a_line(ctx):
    files = course_files()
    files["course.md"] = b"---\ntitle: T\npartner: [GDI\nlanguage: en\n---\n"
    found = problems(files)
    assert found[0][0] == "course.md" and found[0][1] >= 3 and "YAML" in found[0][2]


def test_quiz_that_does_not_parse_is_reported_with_its_lines(ctx):
    files = course_files()
    files["quiz.gift"] = b"::Q1::Fine? {T}\n\n::Q2::Broken {=a ~b\n\n::Q3::Also broken {~a ~b}\n"
    found = [(f, line) for f, line, _m in problems(files)]
    assert ("quiz.gift", 3) in found and ("quiz.gift", 5) in found


def test_quiz_entries_are_checked(ctx):
    files = course_files(quiz=False, extra_front=(
        "quizzes:\n  - file: missing.gift\n    title: Q\n    after: 99-nowhere\n"
        "    pass_mark: 130\n    max_attempts: -1\n    time_limit_minutes: 0\n    shuffle: maybe\n"))
    messages = " | ".join(m for _f, _l, m in problems(files))
    for expected in ("missing", "'after' names no module", "'pass_mark'", "'max_attempts'",
                     "'time_limit_minutes'", "'shuffle'"):
        assert expected in messages


def test_links_and_images_to_missing_files(ctx):
    files = course_files()
    files["01-module-1.md"] += (b"\n![map](images/map.png)\n\nSee [next](02-module-2.md) and "
                                b"[gone](03-gone.md).\n\n```\n[not a link](nowhere.md)\n```\n"
                                b"[up](../outside.md)\n")
    found = problems(files)
    assert ("01-module-1.md", 12, "link to a missing file: images/map.png") in found
    assert ("01-module-1.md", 14, "link to a missing file: 03-gone.md") in found
    assert ("01-module-1.md", 19, "link leaves the bundle: ../outside.md") in found
    assert len(found) == 3  # the link inside the code block is not a link


def test_module_names_and_duplicate_slugs(ctx):
    files = course_files()
    files["03-module-1.md"] = b"# Again\n\ntext"
    files["intro.md"] = b"# Intro"
    files["notes/extra.md"] = b"# Extra"
    messages = [(f, m) for f, _l, m in problems(files)]
    assert any(f == "03-module-1.md" and "duplicate module slug" in m for f, m in messages)
    assert any(f == "intro.md" and "file name is a number" in m for f, m in messages)
    assert any(f == "notes/extra.md" and "top of the bundle" in m for f, m in messages)


def test_bad_course_slug_and_reserved_slug(ctx):
    assert any("must be a slug" in m for _f, _l, m in problems(course_files(), "Bad Slug"))
    assert any("reserved" in m for _f, _l, m in problems(course_files(), "upload"))


def test_unsafe_svg_is_refused_and_plain_svg_accepted(ctx):
    files = course_files()
    files["images/ok.svg"] = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                              b'<rect width="5" height="5" fill="red"/></svg>')
    files["images/bad.svg"] = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                               b'<script>alert(1)</script><foreignObject/></svg>')
    files["images/entity.svg"] = b'<!DOCTYPE svg [<!ENTITY a "x">]><svg>&a;</svg>'
    bad = {f for f, _l, _m in problems(files)}
    assert bad == {"images/bad.svg", "images/entity.svg"}


def test_many_problems_at_once(ctx):
    files = course_files()
    files["course.md"] = files["course.md"].replace(b"partner: GDI", b"partner: XX")
    files["quiz.gift"] = b"::Q::Broken {=a ~b\n"
    files["01-module-1.md"] += b"\n![x](missing.png)\n"
    assert {f for f, _l, _m in problems(files)} == {"course.md", "quiz.gift", "01-module-1.md"}
