"""Importing a bundle: one service for the CLI, the web upload and the API.

Validate everything first; then, only when nothing is wrong, write the course,
its new revision, files, rendered modules and quizzes in the caller's
transaction. Unchanged content makes no revision.
"""

import copy
import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from ..accounts.models import User
from ..accounts.services import partner_by_code
from ..database import utcnow
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..markdown import Rendered, plain_text, render
from ..questions import type_of
from ..questions.rendering import render_question
from . import translations
from .bundle import Bundle
from .front_matter import read_front_matter
from .links import resolve
from .models import Assignment, Course, CourseBlob, CourseRevision, Module, OfflinePack, Quiz, RevisionFile
from .urls import course_path, file_path, module_path
from .validation import ParsedBundle, slug_problem, validate


@dataclass
class ImportResult:
    course: Course
    revision: CourseRevision
    created: bool  # False when the content was unchanged

    @property
    def status(self) -> str:
        return "published" if self.revision.is_published else "draft"


def check_bundle(bundle: Bundle, author: User | None = None) -> ParsedBundle:
    """Validate without importing; ``translation_of`` against the courses ``author`` may see
    (None: the institute, which sees every course)."""
    parsed = validate(bundle, lambda code: partner_by_code(code) is not None)
    _check_family(bundle, parsed, author)
    return parsed


def check_bundles(bundles: list[Bundle]) -> list[ParsedBundle]:
    """Validate bundles checked together (``flask courses check`` of a folder): a
    translation may name an original that is one of them."""
    parsed = [validate(bundle, lambda code: partner_by_code(code) is not None) for bundle in bundles]
    batch = {_slug_of(b, p): translations.member_of(p, _slug_of(b, p)) for b, p in zip(bundles, parsed, strict=True)}
    for bundle, one in zip(bundles, parsed, strict=True):
        _check_family(bundle, one, None, batch)
    return parsed


def _check_family(bundle: Bundle, parsed: ParsedBundle, author: User | None,
                  batch: dict[str, translations.Member] | None = None) -> None:
    lookup, members = translations.library_lookup(lambda course: _sees(author, course))
    if batch:
        lookup, members = translations.batch_lookup(batch, lookup, members)
    translations.family_problems(parsed, _slug_of(bundle, parsed), lookup, members)
    parsed.problems.sort(key=lambda p: (p.file, p.line or 0))


def translates(bundle: Bundle) -> bool:
    """Whether course.md names an original (``translation_of``): a folder of bundles is
    imported originals first (``sorted(..., key=translates)``), so it imports in one go."""
    try:
        text = bundle.text("course.md")
    except UnicodeDecodeError:
        return False
    meta = read_front_matter(text).meta if text is not None else None
    return isinstance(meta, dict) and meta.get("translation_of") is not None


def _slug_of(bundle: Bundle, parsed: ParsedBundle) -> str:
    slug = parsed.meta.get("slug")
    return slug if isinstance(slug, str) else bundle.slug


def _sees(author: User | None, course: Course) -> bool:
    """Whether an uploader may name ``course`` as an original: published, or a draft they
    review or their institution owns (the library's rule, ``services.sees_drafts``)."""
    from .services import sees_drafts  # services builds on this module

    return author is None or course.published_revision_id is not None or sees_drafts(author, course)


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).hexdigest().encode() + b"\n")
    return digest.hexdigest()


def _raise_problems(parsed: ParsedBundle) -> None:
    if parsed.problems:
        raise Invalid(ngettext("The bundle has %(num)d problem; nothing was imported.",
                               "The bundle has %(num)d problems; nothing was imported.", len(parsed.problems)),
                      details=[p.as_detail() for p in parsed.problems])


def _check_may_import(author: User | None, course: Course | None, partner_code: str) -> None:
    if author is None or author.has_role("admin"):
        return  # the command line and admins act for the institute
    if not author.has_role("partner") or author.partner is None:
        raise Forbidden(_("Only partner staff and admins can upload courses."))
    if course is not None and course.partner_id != author.partner_id:
        raise Forbidden(_("This course belongs to %(code)s; you can change only your "
                          "institution's courses.", code=course.partner.code))
    if partner_code.upper() != author.partner.code:
        raise Forbidden(_("The bundle names partner %(code)s; you can upload only for %(own)s.",
                          code=partner_code, own=author.partner.code))


def slug_from_title(title: str) -> str:
    """The slug a title gives: its letters and digits in ASCII, lower-cased, joined by '-',
    at most 100 characters (cut between words); empty when nothing is left."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    while len(slug) > 100:
        slug = slug.rsplit("-", 1)[0] if "-" in slug[:101] else slug[:100]
    return slug


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _ambiguous(message: str, line: int) -> Invalid:
    return Invalid(message=message, details=[{"file": "course.md", "line": line, "message": message}])


def settle_slug(bundle: Bundle) -> Bundle:
    """The bundle under the slug it means (README, "Which course an upload revises").

    1. course.md's ``slug:`` key, when given (validation refuses a bad one, at its line);
    2. else the folder the bundle sits in;
    3. else (a zip whose files sit at its root) the course of the same title that the
       bundle's institution owns, or, when it owns none, the slug the title gives.
    Ambiguity is refused (Invalid, nothing written): two courses of that title, a title
    giving no slug, or giving one another course has."""
    try:
        text = bundle.text("course.md")
    except UnicodeDecodeError:
        return bundle  # validation says so
    front = read_front_matter(text) if text is not None else None
    meta = front.meta if front is not None and isinstance(front.meta, dict) else {}
    if isinstance(meta.get("slug"), str):
        return dataclasses.replace(bundle, slug=meta["slug"])
    if bundle.named_by_folder or "slug" in meta:
        return bundle  # a folder's name, or a 'slug' that validation refuses
    title, code = meta.get("title"), meta.get("partner")
    partner = partner_by_code(code) if isinstance(code, str) else None
    if not isinstance(title, str) or not title.strip() or partner is None:
        return bundle  # validation names the missing or unknown title or partner
    assert front is not None
    line = front.line("title")
    rows = db.session.execute(
        sa.select(Course.slug, CourseRevision.title)
        .join(CourseRevision, CourseRevision.id == Course.latest_revision_id)
        .where(Course.partner_id == partner.id)).all()
    matches = sorted(slug for slug, other in rows if _same_title(title, other))
    if len(matches) == 1:
        return dataclasses.replace(bundle, slug=matches[0])
    if matches:
        raise _ambiguous(_("%(partner)s has %(n)s courses titled “%(title)s” (%(slugs)s): add "
                           "“slug:” to course.md to say which one this upload revises.",
                           partner=partner.code, n=len(matches), title=title.strip(),
                           slugs=", ".join(matches)), line)
    slug = slug_from_title(title)
    if not slug or slug_problem(slug) is not None:
        raise _ambiguous(_("The title “%(title)s” gives no usable slug: add “slug:” to course.md "
                           "(lowercase letters, digits and '-', e.g. dldd-101).", title=title.strip()),
                         line)
    if db.session.scalar(sa.select(Course.id).where(Course.slug == slug)) is not None:
        raise _ambiguous(_("%(partner)s has no course titled “%(title)s”, and the slug that title "
                           "gives, %(slug)s, belongs to another course: add “slug:” to course.md "
                           "to choose the slug.", partner=partner.code, title=title.strip(),
                           slug=slug), line)
    return dataclasses.replace(bundle, slug=slug)


def import_bundle(bundle: Bundle, author: User | None, message: str = "",
                  publish: bool = False, derived_from: Course | None = None,
                  adapted_from: CourseRevision | None = None) -> ImportResult:
    """Import a bundle as a new revision of its course (a draft unless ``publish``).

    ``adapted_from``: the revision of another course that a new adapted copy starts from
    (its first revision is diffed against it)."""
    bundle = settle_slug(bundle)
    course = db.session.scalar(sa.select(Course).where(Course.slug == bundle.slug))
    digest = content_hash(bundle.files) if not bundle.problems else ""
    if course is not None and course.latest is not None and course.latest.content_hash == digest:
        _check_may_import(author, course, course.partner.code)
        if publish and not course.latest.is_published:
            publish_revision(course, course.latest, author)
        return ImportResult(course, course.latest, created=False)

    parsed = check_bundle(bundle, author)
    _raise_problems(parsed)
    partner = partner_by_code(str(parsed.meta["partner"]))
    assert partner is not None  # validation refuses a bundle whose partner does not exist
    _check_may_import(author, course, partner.code)
    if course is None:
        course = Course(slug=bundle.slug, partner=partner, derived_from=derived_from)
        db.session.add(course)
    elif author is None or author.has_role("admin"):
        course.partner = partner  # the institute may move a course to another owner

    translations.join_family(course, translations.translation_of(parsed))
    number = (course.latest.number + 1) if course.latest else 1
    revision = _new_revision(course, number, digest, parsed, author, message)
    revision.adapted_from = adapted_from if number == 1 else None
    _store_files(revision, bundle.files)
    _render(revision, bundle, parsed)
    course.latest = revision
    db.session.flush()
    if publish:
        publish_revision(course, revision, author)
    return ImportResult(course, revision, created=True)


def _new_revision(course, number, digest, parsed, author, message) -> CourseRevision:
    meta = parsed.meta
    revision = CourseRevision(
        course=course,
        number=number,
        content_hash=digest,
        author_id=author.id if author else None,
        author_name=author.name if author else "command line",
        message=(message or "").strip()[:2000],
        title=meta["title"].strip(),
        language=str(meta["language"]),
        license=str(meta["license"]),
        authors=list(meta.get("authors") or []),
        version=str(meta.get("version") or ""),
        summary=(meta.get("summary") or "").strip(),
        topics=list(meta.get("topics") or []),
        hours=float(meta["hours"]) if meta.get("hours") is not None else None,
    )
    db.session.add(revision)
    return revision


_INSERTS: dict[str, Callable[..., postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _store_files(revision: CourseRevision, files: dict[str, bytes]) -> None:
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    known = set(db.session.scalars(
        sa.select(CourseBlob.sha256).where(CourseBlob.sha256.in_(set(digests.values())))
    ))
    new = {sha: files[path] for path, sha in digests.items() if sha not in known}
    if new:
        # Another upload may be adding the same new file at this moment: a blob
        # already there is the same bytes, so skip it rather than fail; inserting
        # in digest order keeps two such uploads from waiting on each other.
        insert = _INSERTS[db.session.get_bind().dialect.name](CourseBlob.__table__)
        db.session.execute(insert.on_conflict_do_nothing(index_elements=["sha256"]),
                           [{"sha256": sha, "size": len(data), "data": data}
                            for sha, data in sorted(new.items())])
    for path, sha in digests.items():
        revision.files.append(RevisionFile(path=path, blob_sha256=sha))


def _rewriter(bundle: Bundle, source: str, modules: dict[str, str]):
    """Links between modules and to assets become the URLs the app serves them at."""

    def rewrite(url: str, kind: str) -> str | None:
        target = resolve(source, url)
        if target is None:
            return None
        fragment = "#" + url.split("#", 1)[1] if "#" in url else ""
        if target in modules:
            return module_path(bundle.slug, modules[target]) + fragment
        if target == "course.md":
            return course_path(bundle.slug) + fragment
        if target in bundle.files:
            return file_path(bundle.slug, hashlib.sha256(bundle.files[target]).hexdigest(), target)
        return None

    return rewrite


@dataclass
class _Rendering:
    overview_html: str
    modules: dict[str, Rendered]  # by path
    search_text: str
    assignments: dict[str, Rendered] = dataclasses.field(default_factory=dict)  # by file


def _rendering(revision: CourseRevision, bundle: Bundle, parsed: ParsedBundle) -> _Rendering:
    modules = {m.path: m.slug for m in parsed.modules}
    overview = render(parsed.overview, _rewriter(bundle, "course.md", modules))
    texts = [revision.title, revision.summary, " ".join(revision.topics), overview.text]
    rendered = {}
    for source in parsed.modules:
        rendered[source.path] = render(source.body, _rewriter(bundle, source.path, modules))
        texts += [source.title, rendered[source.path].text]
    assignments = {a.file: render(a.body, _rewriter(bundle, a.file, modules)) for a in parsed.assignments}
    return _Rendering(overview.html, rendered, plain_text(" ".join(texts)).lower(), assignments)


def _with_points(question: dict, points: dict[str, float]) -> dict:
    """The question with the points its quiz entry gives it by title, stored beside its
    parsed text (``QuestionType.points`` reads them); a question not named has none stored."""
    if question.get("title") in points:
        question["points"] = points[question["title"]]
    return question


def _render(revision: CourseRevision, bundle: Bundle, parsed: ParsedBundle) -> None:
    rendering = _rendering(revision, bundle, parsed)
    revision.overview_html = rendering.overview_html
    for source in parsed.modules:
        rendered = rendering.modules[source.path]
        revision.modules.append(Module(
            position=source.position, slug=source.slug, title=source.title,
            minutes=source.minutes, path=source.path, html=rendered.html,
            toc_html=rendered.toc_html, words=len(rendered.text.split()),
        ))
    for quiz in parsed.quizzes:
        revision.quizzes.append(Quiz(
            file=quiz.file, title=quiz.title, after_module=quiz.after,
            pass_mark=float(quiz.pass_mark), max_attempts=quiz.max_attempts,
            time_limit_minutes=quiz.time_limit_minutes, shuffle=quiz.shuffle,
            questions=[_with_points(render_question(dataclasses.asdict(q)), quiz.points) for q in quiz.questions],
            question_count=sum(1 for q in quiz.questions if type_of(q.kind).answerable),
        ))
    for assignment in parsed.assignments:
        revision.assignments.append(Assignment(
            file=assignment.file, title=assignment.title, after_module=assignment.after,
            pass_mark=assignment.pass_mark, max_megabytes=assignment.max_megabytes,
            rubric=assignment.rubric, html=rendering.assignments[assignment.file].html))
    revision.search_text = rendering.search_text


def revision_files(revision: CourseRevision) -> dict[str, bytes]:
    rows = db.session.execute(
        sa.select(RevisionFile.path, CourseBlob.data)
        .join(CourseBlob, CourseBlob.sha256 == RevisionFile.blob_sha256)
        .where(RevisionFile.revision_id == revision.id)
    ).tuples()
    return {path: bytes(data) for path, data in rows}


@dataclass
class Rerendered:
    changed: bool
    kept: list[str]  # files whose stored HTML stays, as today's validation finds problems in them


def rerender_revision(revision: CourseRevision) -> Rerendered:
    """Render a stored revision's Markdown again with today's renderer, from the files it
    was imported with: its overview, modules, question texts and search text. Nothing
    else of the revision changes (questions keep their texts and ids, so attempts stay
    valid); rendering the same HTML again changes nothing."""
    bundle = Bundle(slug=revision.course.slug, files=revision_files(revision))
    parsed = validate(bundle, lambda code: True)  # the partner was checked at import
    # A file that today's validation reads otherwise than at import keeps what it had.
    broken = {p.file for p in parsed.problems}
    parsed.modules = [m for m in parsed.modules if m.path not in broken]
    rendering = _rendering(revision, bundle, parsed)
    changes = []

    def put(row, attribute: str, value) -> None:
        if getattr(row, attribute) != value:
            setattr(row, attribute, value)
            changes.append(attribute)

    if "course.md" not in broken:
        put(revision, "overview_html", rendering.overview_html)
    for module in revision.modules:
        rendered = rendering.modules.get(module.path)
        if rendered is not None:
            put(module, "html", rendered.html)
            put(module, "toc_html", rendered.toc_html)
            put(module, "words", len(rendered.text.split()))
    for assignment in revision.assignments:
        if assignment.file in rendering.assignments and assignment.file not in broken:
            put(assignment, "html", rendering.assignments[assignment.file].html)
    for quiz in revision.quizzes:
        put(quiz, "questions", [render_question(copy.deepcopy(q)) for q in quiz.questions])
    if not broken:
        put(revision, "search_text", rendering.search_text)
    if changes:  # the offline packs were made of the HTML before: the next request builds them again
        db.session.execute(sa.delete(OfflinePack).where(OfflinePack.revision_id == revision.id))
    kept = sorted(broken & ({"course.md"} | {m.path for m in revision.modules}))
    return Rerendered(bool(changes), kept)


def publish_revision(course: Course, revision: CourseRevision, user: User | None) -> None:
    """Make ``revision`` the one trainees see."""
    if revision.published_at is None:
        revision.published_at = utcnow()
        revision.published_by_id = user.id if user else None
    course.published = revision
    db.session.flush()
