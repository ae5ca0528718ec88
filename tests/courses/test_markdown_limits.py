"""Markdown that would take the renderer down (deep nesting, huge files) is a problem of
validation with its line, never a RecursionError or a worker tied up for minutes."""

import pytest

from institute.courses.bundle import Bundle
from institute.courses.importing import check_bundle
from institute.courses.markdown_limits import markdown_problems

from ..builders import course_files
from ..conftest import bearer

DEEP_LIST = "".join("    " * i + "- level\n" for i in range(300))  # RecursionError in Python-Markdown


def test_lists_nested_past_the_limit_are_refused_on_their_line():
    problems = markdown_problems("01-module-1.md", DEEP_LIST, first_line=5)
    assert [(p.line, "nest at most 16 levels" in p.message) for p in problems] == [(5 + 17, True)]


def test_quotes_nested_past_the_limit_are_refused():
    assert markdown_problems("m.md", ">" * 17 + " deep\n")[0].line == 1
    assert markdown_problems("m.md", "> " * 16 + "deep enough\n") == []


def test_indentation_inside_code_fences_is_code_not_nesting():
    code = "```python\n" + " " * 80 + "return x\n```\n\n~~~\n" + " " * 100 + "x\n~~~\n"
    assert markdown_problems("m.md", code) == []


def test_a_module_over_one_megabyte_is_refused():
    problems = markdown_problems("m.md", "Sand dunes move. " * 70000)
    assert len(problems) == 1 and "split it into several modules" in problems[0].message


@pytest.mark.parametrize("where", ["01-module-1.md", "course.md"])
def test_the_check_and_the_api_refuse_the_bundle_and_import_nothing(app, client, make_user, where):
    import io
    import zipfile

    files = course_files()
    files[where] = files[where] + b"\n\n" + DEEP_LIST.encode()
    with app.app_context():
        parsed = check_bundle(Bundle(slug="deep", files=files))
        assert any(p.file == where and "nest at most" in p.message for p in parsed.problems)
    make_user(email="staff@gdi.example", roles="partner", partner="GDI")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for path, data in files.items():
            zf.writestr(f"deep/{path}", data)
    response = client.post("/api/v1/courses", headers=bearer(client, "staff@gdi.example"),
                           data={"bundle": (io.BytesIO(archive.getvalue()), "deep.zip")})
    assert response.status_code == 422
    assert any(d["file"] == where for d in response.get_json()["error"]["details"])
    assert client.get("/api/v1/courses/deep", headers=bearer(client, "staff@gdi.example")).status_code == 404


@pytest.mark.parametrize("indent", ["    ", "  "])
def test_lists_and_quotes_as_deep_as_allowed_render_whole(indent):
    from institute.markdown import render

    deepest = "".join(indent * i + f"- level {i}\n" for i in range(16))
    assert markdown_problems("m.md", deepest) == []
    html = render(deepest).html
    assert html.count("<li>") == 16 and "level 15" in html
    quoted = render("> " * 16 + "deep enough\n").html
    assert quoted.count("<blockquote>") == 16 and "deep enough" in quoted


def test_nesting_past_the_limit_never_takes_the_renderer_down():
    from institute.markdown import render

    assert "level" in render(DEEP_LIST).html  # refused by validation; rendering still ends
