"""Assignments in course bundles: course.md's entries checked with file and line, the
instructions rendered and sanitised at import per revision, and the export/import round
trip keeping them."""

import pytest

from institute.courses.bundle import Bundle, read_zip
from institute.courses.importing import check_bundle, import_bundle, revision_files
from institute.courses.models import Assignment
from institute.errors import Invalid
from institute.extensions import db

from ..builders import course_files
from .helpers import ASSIGNMENT_FRONT, INSTRUCTIONS, assignment_files


def problems(files: dict) -> list[str]:
    return [str(p) for p in check_bundle(Bundle(slug="assigned", files=files)).problems]


MISNAMED = "report.md: a module's file name is a number, '-' and a slug, e.g. 01-what-is-desertification.md"


def test_a_valid_assignment_is_parsed_and_its_file_is_no_module(ctx):
    parsed = check_bundle(Bundle(slug="assigned", files=assignment_files()))
    assert parsed.problems == []
    assert [m.path for m in parsed.modules] == ["01-module-1.md", "02-module-2.md"]
    (assignment,) = parsed.assignments
    assert (assignment.file, assignment.title, assignment.after, assignment.pass_mark, assignment.max_megabytes) == \
        ("report.md", "Field report", "module-1", 6.0, 1)
    assert assignment.rubric == [{"criterion": "Site", "points": 5}, {"criterion": "Plan", "points": 5}]


# course.md's front matter starts on line 2; the quiz entry takes 5 lines after "hours: 2" (line 10).
FIRST = 16  # the line of "assignments:"


@pytest.mark.parametrize(("front", "expected"), [
    ("assignments: nope\n", [f"course.md:{FIRST}: 'assignments' must be a list"]),
    ("assignments:\n  - just text\n",
     [f"course.md:{FIRST + 1}: assignment 1: each assignment is a mapping with 'file', 'title', "
      "'pass_mark' and 'rubric'"]),
    (ASSIGNMENT_FRONT.replace("file: report.md", "file: report.txt"),
     [f"course.md:{FIRST + 1}: assignment 1: 'file' must name the .md file holding the instructions"]),
    (ASSIGNMENT_FRONT.replace("file: report.md", "file: missing.md"),
     ["missing.md: the assignment file listed in course.md is missing"]),
    (ASSIGNMENT_FRONT.replace("title: Field report", "title: ''"),
     [f"course.md:{FIRST + 2}: assignment 1: 'title' is required"]),
    (ASSIGNMENT_FRONT.replace("after: 01-module-1", "after: 07-nowhere"),
     [f"course.md:{FIRST + 3}: assignment 1: 'after' names no module: 07-nowhere"]),
    (ASSIGNMENT_FRONT.replace("pass_mark: 6", "pass_mark: 11"),
     [f"course.md:{FIRST + 4}: assignment 1: 'pass_mark' 11 is more than the rubric's 10 points"]),
    (ASSIGNMENT_FRONT.replace("    pass_mark: 6\n", ""),
     [f"course.md:{FIRST + 1}: assignment 1: 'pass_mark' is required: the points of the rubric's "
      "total needed to pass"]),
    (ASSIGNMENT_FRONT.replace("max_megabytes: 1", "max_megabytes: 500"),
     [f"course.md:{FIRST + 5}: assignment 1: 'max_megabytes' must be a whole number from 1 to 50"]),
    (ASSIGNMENT_FRONT.replace("points: 5\n      - criterion: Plan", "points: -1\n      - criterion: Plan"),
     [f"course.md:{FIRST + 8}: assignment 1: rubric 1: 'points' must be a whole number from 1 to 1000, not -1"]),
    (ASSIGNMENT_FRONT.replace("criterion: Plan", "criterion: Site"),
     [f"course.md:{FIRST + 9}: assignment 1: rubric 2: criterion 'Site' is given twice"]),
    (ASSIGNMENT_FRONT.replace("    rubric:\n      - criterion: Site\n        points: 5\n      - criterion: Plan\n"
                              "        points: 5\n", "    rubric: []\n"),
     [f"course.md:{FIRST + 6}: assignment 1: 'rubric' must be a list of {{criterion, points}}"]),
    (ASSIGNMENT_FRONT + "    colour: red\n", [f"course.md:{FIRST + 11}: assignment 1: unknown key 'colour'"]),
])
def test_each_problem_of_an_entry_is_told_at_its_line(ctx, front, expected):
    # An entry that names no usable .md file leaves report.md unlisted: a misnamed module.
    assert [p for p in problems(assignment_files(front=front)) if p != MISNAMED] == expected


def test_instructions_with_front_matter_or_broken_links_are_problems(ctx):
    files = assignment_files(instructions="---\nminutes: 3\n---\nSee [the map](map.png).\n")
    assert problems(files) == ["report.md:2: unknown key 'minutes' (an assignment's settings are given in course.md)",
                               "report.md:4: link to a missing file: map.png"]


def test_an_instructions_file_that_is_not_listed_is_still_a_misnamed_module(ctx):
    files = course_files()
    files["report.md"] = INSTRUCTIONS.encode()
    assert any(p.startswith("report.md: a module's file name") for p in problems(files))


def test_a_bundle_with_problems_imports_nothing(ctx):
    with pytest.raises(Invalid) as refused:
        import_bundle(Bundle(slug="assigned", files=assignment_files(
            front=ASSIGNMENT_FRONT.replace("pass_mark: 6", "pass_mark: 99"))), None)
    assert refused.value.details[0]["line"] == FIRST + 4
    assert db.session.query(Assignment).count() == 0


def test_import_renders_sanitised_instructions_per_revision(ctx):
    first = import_bundle(Bundle(slug="assigned", files=assignment_files()), None, publish=True).revision
    (assignment,) = first.assignments
    assert "<strong>site</strong>" in assignment.html and "<script" not in assignment.html
    assert "<h1" not in assignment.html  # the leading heading repeats the title: taken off
    assert assignment.after_module == "module-1" and assignment.max_points == 10
    second = import_bundle(Bundle(slug="assigned", files=assignment_files(
        instructions=INSTRUCTIONS.replace("moves", "blows"))), None).revision
    assert second.number == 2 and second.assignments[0].id != assignment.id
    assert "blows" in second.assignments[0].html and "moves" in first.assignments[0].html


def test_the_export_import_round_trip_keeps_assignments(ctx, client):
    from institute.courses.bundle import write_zip

    revision = import_bundle(Bundle(slug="assigned", files=assignment_files()), None, publish=True).revision
    exported = write_zip("assigned", revision_files(revision))
    again = read_zip(exported, "assigned.zip")
    assert again.problems == [] and "report.md" in again.files
    parsed = check_bundle(again)
    assert parsed.problems == [] and [a.title for a in parsed.assignments] == ["Field report"]
    copy = import_bundle(Bundle(slug="assigned-copy", files=again.files), None).revision
    assert [(a.title, a.rubric, a.pass_mark) for a in copy.assignments] == \
        [(a.title, a.rubric, a.pass_mark) for a in revision.assignments]


def test_the_bundle_download_holds_the_instructions(app, client):
    from ..builders import committed, create_user
    from ..conftest import login

    with committed(app):
        import_bundle(Bundle(slug="assigned", files=assignment_files()), None, publish=True)
        create_user(email="admin@example.org", roles="admin")
    login(client, "admin@example.org")
    response = client.get("/courses/assigned/bundle")
    assert response.status_code == 200, response.status_code
    bundle = read_zip(response.data)
    assert bundle.files["report.md"] == INSTRUCTIONS.encode()
    assert "assignments:" in bundle.text("course.md")
