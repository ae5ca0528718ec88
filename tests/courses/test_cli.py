from pathlib import Path

from institute.courses import services

from ..builders import course_files

COURSES = Path(__file__).resolve().parents[2] / "courses"


def write_bundle(folder: Path, files: dict) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_import_export_reimport(app, runner, tmp_path):
    result = runner.invoke(args=["courses", "import", str(COURSES)])
    assert result.exit_code == 0, result.output
    assert "dldd-101: new revision 1 (published)" in result.output
    again = runner.invoke(args=["courses", "import", str(COURSES)])
    assert "dldd-101: unchanged 1 (published)" in again.output
    exported = runner.invoke(args=["courses", "export", "dldd-101", str(tmp_path)])
    assert exported.exit_code == 0
    reimport = runner.invoke(args=["courses", "import", str(tmp_path / "dldd-101.zip")])
    assert "dldd-101: unchanged 1" in reimport.output


def test_check_prints_every_problem_with_file_and_line(app, runner, tmp_path):
    files = course_files()
    files["course.md"] = files["course.md"].replace(b"license: CC-BY-4.0", b"license: Nope")
    files["quiz.gift"] = b"::Q::Broken {=a ~b\n"
    files["01-module-1.md"] += b"\n[x](gone.md)\n"
    folder = write_bundle(tmp_path / "broken-course", files)
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 1
    assert "broken-course/course.md:5: 'Nope' is not an SPDX license id" in result.output
    assert "broken-course/quiz.gift:1:" in result.output
    assert "broken-course/01-module-1.md:12: link to a missing file: gone.md" in result.output
    assert "3 problem(s) found." in result.output
    with app.app_context():
        assert services.catalogue(None, include_drafts=True) == []


def test_check_warns_of_a_bracketed_word_that_is_no_format_with_file_and_line(runner, tmp_path):
    files = course_files()
    files["quiz.gift"] = b"::Q1::Pick {=a ~b}\n\n::Q2::[Bonus] Sand moves? {T}\n\n::Q3::[HTML]<b>x</b> {T}\n"
    folder = write_bundle(tmp_path / "bonus-course", files)
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output  # Moodle imports it: a warning, not a problem
    assert "bonus-course/quiz.gift:3: warning: '[Bonus]' is not a text format" in result.output
    assert "bonus-course/quiz.gift:5: warning: '[HTML]' is not a text format" in result.output
    assert "bonus-course: ok" in result.output


def test_check_passes_shipped_courses(runner):
    result = runner.invoke(args=["courses", "check", str(COURSES)])
    assert result.exit_code == 0 and result.output.count(": ok") == 4  # dldd-101-fr translates dldd-101


def test_import_of_a_folder_is_all_or_nothing(app, runner, tmp_path):
    write_bundle(tmp_path / "good-course", course_files())
    bad = course_files()
    bad["quiz.gift"] = b"::Q::Broken {=a\n"
    write_bundle(tmp_path / "bad-course", bad)
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 1 and "bad-course" in result.output
    with app.app_context():
        assert services.catalogue(None, include_drafts=True) == []
