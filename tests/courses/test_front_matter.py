"""Front matter written to hurt: aliases, odd keys, wrong types; each a problem with file:line."""

import io
import time

import pytest

from institute.courses.bundle import Bundle, write_zip
from institute.courses.importing import check_bundle, import_bundle
from institute.extensions import db

from ..builders import QUIZ, course_files
from ..conftest import bearer

# "Billion laughs" in YAML: 9 levels of 9 aliases, 9**9 "lol"s once expanded.
ALIAS_BOMB = "\n".join(
    ['lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
)


def problems(files):
    return [(p.file, p.line, p.message) for p in check_bundle(Bundle("test-course", files)).problems]


def with_front(text: str) -> tuple[dict, int]:
    """The test bundle with ``text`` ending its front matter instead of the keys it names.

    Also the line of the file where ``text`` starts.
    """
    files = course_files(quiz=False)
    _, head, rest = files["course.md"].decode().split("---\n", 2)
    named = {line.split(":", 1)[0] for line in text.split("\n")}
    lines = [line for line in head.rstrip("\n").split("\n") if line.split(":", 1)[0] not in named]
    files["course.md"] = ("---\n" + "\n".join(lines + [text]) + "\n---\n" + rest).encode()
    return files, len(lines) + 2


def test_an_alias_bomb_is_refused_before_it_expands(ctx):
    files, line = with_front(ALIAS_BOMB + "\npartner: *i")
    assert len(ALIAS_BOMB) < 500
    started = time.perf_counter()
    found = problems(files)
    assert time.perf_counter() - started < 1
    assert ("course.md", line, "YAML anchors and aliases (&, *) are not allowed in front matter") \
        in found


def test_an_anchor_in_a_module_is_refused(ctx):
    files = course_files()
    files["01-module-1.md"] = b"---\nminutes: &ten 10\n---\n# Module 1\n\ntext\n"
    assert ("01-module-1.md", 2, "YAML anchors and aliases (&, *) are not allowed in front matter") \
        in problems(files)


HOURS = "'hours' must be a number of hours above 0 and at most 1000"
WRONG = {
    "title: [a, b]": "'title' must be text, not a list",
    "title: 2024-01-01": "'title' must be text, not a date (put it in quotes)",
    "title: '   '": "'title' is required",
    "title: " + "t" * 201: "'title' is longer than 200 characters",
    "partner: [GDI]": "'partner' must be text, not a list",
    "partner: 5": "'partner' must be text, not a number",
    "language: true": "'language' must be text, not true or false",
    "language: en-" + "-".join(["abcdefgh"] * 5): "'language' is longer than 35 characters",
    "license: ~": "'license' is required",
    "license: {a: 1}": "'license' must be text, not a mapping",
    "authors: 5": "'authors' must be a list of texts",
    "authors: [A, [B]]": "'authors' must be a list of texts",
    "topics: {x: 1}": "'topics' must be a list of texts",
    "topics: [1, 2]": "'topics' must be a list of texts",
    "topics: [null]": "'topics' must be a list of texts",
    "topics: !!set {a, b}": "'topics' must be a list of texts",
    "quizzes: x": "'quizzes' must be a list",
    "version: [1]": "'version' must be text like 1.0.0",
    "version: 2024-01-01": "'version' must be text like 1.0.0",
    "version: " + "1" * 51: "'version' is longer than 50 characters",
    "summary: true": "'summary' must be text, not true or false",
    "summary: !!binary aGk=": "'summary' must be text, not bytes",
    "hours: .inf": HOURS,
    "hours: -.inf": HOURS,
    "hours: .nan": HOURS,
    "hours: 1.0e400": HOURS,
    "hours: 1e400": HOURS,  # YAML 1.1 reads this as text
    "hours: -3": HOURS,
    "hours: 0": HOURS,
    "hours: 100000": HOURS,
    "hours: true": HOURS,
    "hours: [1]": HOURS,
    "1: x": "keys must be names such as 'title', not 1",
    "yes: x": "keys must be names such as 'title', not yes",
    "~: x": "keys must be names such as 'title', not ~",
    "[a]: x": "keys must be names such as 'title', not [a]",
    "{a: 1}: x": "keys must be names such as 'title', not {a: 1}",
    "summary: 2024-02-30": "'2024-02-30' cannot be read as a date (put it in quotes)",
    "summary: !!int abc": "'abc' cannot be read as a whole number (put it in quotes)",
    "summary: " + "[" * 5000 + "]" * 5000: "front matter is nested more than 10 levels deep",
}


@pytest.mark.parametrize("text", WRONG, ids=lambda text: text[:30])
def test_each_wrong_key_or_value_is_a_problem_on_its_line(ctx, text):
    files, line = with_front(text)
    assert ("course.md", line, WRONG[text]) in problems(files)


def test_a_complex_key_is_a_problem_on_its_line(ctx):
    files, line = with_front("? [a]\n: b")
    assert ("course.md", line, "keys must be names such as 'title', not [a]") in problems(files)


def test_a_key_given_twice_is_a_problem_on_the_second(ctx):
    files, line = with_front("summary: one\nsummary: two")
    assert ("course.md", line + 1, "'summary' is given twice") in problems(files)


def test_yaml_that_cannot_be_read_names_its_line(ctx):
    for text, message in (("summary: !!python/object/apply:os.system [ls]", "could not determine"),
                          ("summary: a\x07b", "special characters are not allowed")):
        files, line = with_front(text)
        found = [(f, n) for f, n, m in problems(files) if message in m]
        assert found == [("course.md", line)], problems(files)


def test_front_matter_too_long_to_read(ctx):
    files, line = with_front("summary: " + "sand " * 14000)
    assert ("course.md", 2, "front matter is longer than 64 KB") in problems(files)


QUIZ_WRONG = {
    "pass_mark: abc": "quiz 1: 'pass_mark' must be a percentage 0-100",
    "pass_mark: [60]": "quiz 1: 'pass_mark' must be a percentage 0-100",
    "pass_mark: .nan": "quiz 1: 'pass_mark' must be a percentage 0-100",
    "pass_mark: true": "quiz 1: 'pass_mark' must be a percentage 0-100",
    "max_attempts: 1e400": "quiz 1: 'max_attempts' must be 0 (unlimited) up to 100",
    "max_attempts: 99999999999": "quiz 1: 'max_attempts' must be 0 (unlimited) up to 100",
    "max_attempts: 2.5": "quiz 1: 'max_attempts' must be 0 (unlimited) up to 100",
    "time_limit_minutes: 100000": "quiz 1: 'time_limit_minutes' must be a whole number of minutes "
                                  "from 1 to 1440, or left out for no limit",
    "time_limit_minutes: '10'": "quiz 1: 'time_limit_minutes' must be a whole number of minutes "
                                "from 1 to 1440, or left out for no limit",
    "shuffle: maybe": "quiz 1: 'shuffle' must be true or false",
    "title: [a]": "quiz 1: 'title' must be text, not a list",
    "after: [1]": "quiz 1: 'after' must name a module, not a list",
    "1: x": "keys must be names such as 'title', not 1",
    "colour: red": "quiz 1: unknown key 'colour'",
}


@pytest.mark.parametrize("text", QUIZ_WRONG, ids=lambda text: text[:30])
def test_each_wrong_quiz_value_is_a_problem_on_its_line(ctx, text):
    key = text.split(":")[0]
    entry = {"file": "quiz.gift", "title": "Check", key: None}
    lines = [f"{k}: {v}" if k != key else text for k, v in entry.items()]
    files = course_files(quiz=False, extra_front="quizzes:\n  - " + "\n    ".join(lines) + "\n")
    files["quiz.gift"] = QUIZ.encode()
    front = files["course.md"].decode().split("\n")
    line = next(n for n, source in enumerate(front, start=1) if source.strip() == text)
    found = problems(files)
    assert ("course.md", line, QUIZ_WRONG[text]) in found, found


def test_a_quiz_that_is_not_a_mapping_is_a_problem_on_its_line(ctx):
    files = course_files(quiz=False, extra_front="quizzes:\n  - quiz.gift\n")
    assert ("course.md", 12, "quiz 1: each quiz is a mapping with 'file' and 'title'") \
        in problems(files)


MODULE_WRONG = {
    "title: [a]": "'title' must be text, not a list",
    "title: " + "t" * 301: "'title' is longer than 300 characters",
    "minutes: 1e400": "'minutes' must be a whole number from 1 to 6000",
    "minutes: 100000000": "'minutes' must be a whole number from 1 to 6000",
    "minutes: .inf": "'minutes' must be a whole number from 1 to 6000",
    "1: 2": "keys must be names such as 'title', not 1",
}


@pytest.mark.parametrize("text", MODULE_WRONG, ids=lambda text: text[:30])
def test_each_wrong_module_value_is_a_problem_on_its_line(ctx, text):
    files = course_files()
    files["01-module-1.md"] = f"---\n{text}\n---\n# Module 1\n\ntext\n".encode()
    assert ("01-module-1.md", 2, MODULE_WRONG[text]) in problems(files)


def test_module_numbers_and_slugs_that_do_not_fit(ctx):
    files = course_files()
    files["123456-big.md"] = b"# Big\n"
    files["03-" + "a" * 101 + ".md"] = b"# Long\n"
    found = {(f[:10], m) for f, _l, m in problems(files)}
    assert ("123456-big", "module numbers go up to 9999") in found
    assert ("03-" + "a" * 7, "a module's slug is limited to 100 characters") in found


@pytest.mark.parametrize("text", [ALIAS_BOMB + "\npartner: *i", "topics: [1, 2]", "? [a]\n: b",
                                  "hours: .inf", "summary: 2024-02-30"],
                         ids=["alias bomb", "topics", "complex key", "hours", "bad date"])
def test_the_api_answers_422_never_500(client, make_user, text):
    make_user(email="p@example.org", roles="partner", partner="GDI")
    files, line = with_front(text)
    response = client.post("/api/v1/courses", headers=bearer(client, "p@example.org"), data={
        "bundle": (io.BytesIO(write_zip("hostile", files)), "hostile.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["file"] == "course.md"


def test_the_largest_accepted_values_fit_where_they_are_stored(ctx):
    quiz = "q" * 195 + ".gift"
    files = course_files(quiz=False, slug_title="T" * 200, extra_front=(
        f"quizzes:\n  - file: {quiz}\n    title: {'Q' * 300}\n    pass_mark: 100\n"
        "    max_attempts: 100\n    time_limit_minutes: 1440\n"))
    files["course.md"] = files["course.md"].replace(b"hours: 2", b"hours: 1000").replace(
        b"version: 1.0.0", b"version: " + b"1" * 50)
    files[quiz] = QUIZ.encode()
    files["9999-" + "a" * 100 + ".md"] = f"---\nminutes: 6000\n---\n# {'M' * 300}\n".encode()
    result = import_bundle(Bundle("largest", files), None)
    db.session.flush()
    assert result.revision.hours == 1000 and result.revision.quizzes[0].max_attempts == 100
