"""Course translations (DESIGN §10 "Reach"): families of one course in several languages.

A bundle says ``translation_of: <slug>`` in course.md: it is a translation of that
course, the family's original. Families are one level deep (a translation names the
original, never another translation), and each member is in its own language. Both
the original and its translations carry the original's id in ``Course.family_id``.

Modules correspond across a family by their order in the module list (the first
module of the French version is the first of the English one, whatever their file
names and slugs): a done mark is stored on the version the fellow studied and read
across the family (``done_marks``), so that switching language keeps one's progress.
A translation must have as many modules as its original (``courses check`` says so).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError

from ..database import among
from ..extensions import db
from .bundle import Problem
from .models import Course, CourseRevision, Module, ModuleCompletion
from .validation import ParsedBundle


@dataclass(frozen=True)
class Member:
    """What the family rules need of a course, from the database or an import batch."""

    slug: str
    language: str
    modules: int
    translation_of: str | None  # the original's slug, when this course is a translation


Lookup = Callable[[str], Member | None]


def translation_of(parsed: ParsedBundle) -> str | None:
    value = parsed.meta.get("translation_of")
    return value if isinstance(value, str) and value else None


def member_of(parsed: ParsedBundle, slug: str) -> Member:
    return Member(slug, str(parsed.meta.get("language") or ""), len(parsed.modules), translation_of(parsed))


def _same_language(a: str, b: str) -> bool:
    return a.replace("_", "-").casefold() == b.replace("_", "-").casefold()


def family_problems(parsed: ParsedBundle, slug: str, lookup: Lookup,
                    translations: Callable[[str], list[Member]]) -> None:
    """Add to ``parsed`` what is wrong with its place in a family, at course.md's line of
    ``translation_of``: ``lookup`` finds a course the uploader may see by slug (in the
    same import batch first, then in the library); ``translations`` lists the
    translations a course has. An original whose module count no longer matches its
    translations' is warned, not refused: its translations follow."""
    if parsed.problems and not parsed.meta:
        return
    front = parsed.front
    line = front.line("translation_of") if front is not None else None
    original_slug = translation_of(parsed)
    me = member_of(parsed, slug)
    if original_slug is None or original_slug == slug:  # naming itself is validation's
        for other in translations(slug):
            if other.modules != me.modules:
                parsed.warnings.append(Problem("course.md", None, (
                    f"its translation {other.slug} has {other.modules} module(s) and this "
                    f"version {me.modules}: modules correspond by their order, so update "
                    "the translation too")))
        return
    original = lookup(original_slug)
    if original is None:
        parsed.problem("course.md", line, f"'translation_of' names no course: {original_slug} "
                                          "(import the original first, or in the same batch)")
        return
    if original.translation_of is not None:
        parsed.problem("course.md", line, (
            f"{original_slug} is itself a translation of {original.translation_of}: name the "
            f"original, translation_of: {original.translation_of}"))
        return
    own = [t.slug for t in translations(slug) if t.slug != slug]
    if own:
        parsed.problem("course.md", line, (
            f"{slug} has translations ({', '.join(sorted(own))}): an original cannot also be a "
            "translation"))
    if me.language and _same_language(original.language, me.language):
        parsed.problem("course.md", front.line("language") if front else None, (
            f"{original_slug} is in the same language ({original.language}): a translation is "
            "in another language"))
    for other in translations(original_slug):
        if other.slug != slug and me.language and _same_language(other.language, me.language):
            parsed.problem("course.md", front.line("language") if front else None, (
                f"{other.slug} is already the {other.language} translation of {original_slug}"))
    if me.modules and original.modules != me.modules:
        parsed.problem("course.md", line, (
            f"{original_slug} has {original.modules} module(s) and this translation "
            f"{me.modules}: a translation's modules correspond one to one, in order, to "
            "the original's"))


# ------------------------------------------------------------------ the library's courses


def _newest_members(condition) -> list[Member]:
    original = sa.orm.aliased(Course)
    modules = (sa.select(sa.func.count(Module.id)).where(Module.revision_id == Course.latest_revision_id)
               .scalar_subquery())
    rows = db.session.execute(
        sa.select(Course.id, Course.slug, Course.family_id, CourseRevision.language, modules, original.slug)
        .join(CourseRevision, CourseRevision.id == Course.latest_revision_id)
        .outerjoin(original, original.id == Course.family_id)
        .where(condition).order_by(Course.slug)).all()
    return [Member(slug, language, count, other if family not in (None, course_id) else None)
            for course_id, slug, family, language, count, other in rows]


def library_lookup(sees: Callable[[Course], bool]) -> tuple[Lookup, Callable[[str], list[Member]]]:
    """Courses of the library by slug (their newest revision), and a course's translations;
    a course ``sees`` refuses (another institution's draft, to a partner) is not found."""

    def lookup(slug: str) -> Member | None:
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        if course is None or not sees(course):
            return None
        found = _newest_members(Course.id == course.id)
        return found[0] if found else None

    def translations(slug: str) -> list[Member]:
        root = sa.select(Course.id).where(Course.slug == slug).scalar_subquery()
        return _newest_members(sa.and_(Course.family_id == root, Course.id != root))

    return lookup, translations


def batch_lookup(batch: dict[str, Member], lookup: Lookup,
                 translations: Callable[[str], list[Member]]) -> tuple[Lookup, Callable[[str], list[Member]]]:
    """The same, where the bundles of one import or check (``batch``, by slug) come first."""

    def in_batch(slug: str) -> Member | None:
        return batch[slug] if slug in batch else lookup(slug)

    def batch_translations(slug: str) -> list[Member]:
        found = {m.slug: m for m in translations(slug) if m.slug not in batch}
        found.update({s: m for s, m in batch.items() if m.translation_of == slug})
        return [found[s] for s in sorted(found)]

    return in_batch, batch_translations


def join_family(course: Course, original_slug: str | None) -> None:
    """Put a newly imported revision's course in the family its course.md names (the
    newest upload decides; validation has checked it), or take it out of one."""
    if original_slug is None:
        if course.family_id is not None and course.family_id != course.id:
            course.family_id = None
        return
    original = db.session.scalars(sa.select(Course).where(Course.slug == original_slug)).one()
    db.session.flush()
    if original.family_id is None:
        original.family_id = original.id
    course.family_id = original.id


# ------------------------------------------------------------------ reading a family


@dataclass(frozen=True)
class Version:
    """One language of a course, as the course page and catalogue link to it."""

    slug: str
    language: str
    title: str

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def language_name(tag: str) -> str:
    """A language named in itself ("Français", "中文"), else its tag."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-"))
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return (name[:1].upper() + name[1:]) if name else tag


def versions(family_ids: Iterable[int]) -> dict[int, list[Version]]:
    """The published, listed members of each family, by family id, in language order (one
    statement): what readers are offered as other languages."""
    ids = sorted(set(family_ids))
    if not ids:
        return {}
    found: dict[int, list[Version]] = {i: [] for i in ids}
    for family_id, slug, language, title in db.session.execute(
            sa.select(Course.family_id, Course.slug, CourseRevision.language, CourseRevision.title)
            .join(CourseRevision, CourseRevision.id == Course.published_revision_id)
            .where(Course.family_id.in_(ids), Course.archived_at.is_(None))
            .order_by(CourseRevision.language, Course.slug)):
        found[family_id].append(Version(slug, language, title))
    return found


def other_versions(course: Course) -> list[Version]:
    """The course's other languages for its page."""
    if course.family_id is None:
        return []
    return [v for v in versions([course.family_id]).get(course.family_id, []) if v.slug != course.slug]


def group_catalogue(rows: list, locale: str) -> list[tuple]:
    """One entry per family among catalogue rows (course, revision): the version in the
    reader's language if the family has one among the rows, else the original, else the
    first; each entry with the family's other languages. Lone courses stay as they are."""
    chosen: dict[int, tuple] = {}
    order: list = []
    for course, revision in rows:
        key = course.family_id
        if key is None:
            order.append((course, revision))
            continue
        if key not in chosen:
            order.append(key)
            chosen[key] = (course, revision)
            continue
        best_course, best_revision = chosen[key]
        if _rank(course, revision, locale) < _rank(best_course, best_revision, locale):
            chosen[key] = (course, revision)
    return [chosen[item] if isinstance(item, int) else item for item in order]


def _rank(course: Course, revision: CourseRevision, locale: str) -> int:
    if revision.language.split("-")[0].casefold() == locale.split("_")[0].casefold():
        return 0
    return 1 if course.family_id == course.id else 2


# ------------------------------------------------------------------ progress across a family


def done_marks(user_ids: Iterable[int], courses: Iterable) -> dict[tuple[int, int], set[str]]:
    """The modules each user has done in each of ``courses`` (objects with ``id`` and
    ``family_id``), by (user id, course id): their own marks, and the marks made in the
    other versions of the course, each carried to the module in the same place of the
    module list (published revisions). One statement when no course has a family, three
    when some have, whatever the number of users and courses."""
    users = sorted(set(user_ids))
    courses = list(courses)
    ids = {c.id for c in courses}
    families = {c.family_id for c in courses if c.family_id is not None}
    done: dict[tuple[int, int], set[str]] = {}
    if not users or not ids:
        return done
    outlines: dict[int, list[str]] = {}
    family_of: dict[int, int] = {}
    if families:
        members = db.session.execute(sa.select(Course.id, Course.family_id, Course.published_revision_id)
                                     .where(Course.family_id.in_(families))).all()
        revision_course = {revision: course for course, _f, revision in members if revision}
        family_of = {course: family for course, family, _r in members if family is not None}
        outlines = {course: [] for course in family_of}
        for revision_id, slug in db.session.execute(
                sa.select(Module.revision_id, Module.slug)
                .where(Module.revision_id.in_(sorted(revision_course))).order_by(Module.position)):
            outlines[revision_course[revision_id]].append(slug)
    everyone = sorted(ids | set(family_of))
    related: dict[int, list[int]] = {}
    for member, root in family_of.items():
        related.setdefault(root, []).append(member)
    for user_id, course_id, slug in db.session.execute(
            sa.select(ModuleCompletion.user_id, ModuleCompletion.course_id, ModuleCompletion.module_slug)
            .where(among(ModuleCompletion.user_id, users), ModuleCompletion.course_id.in_(everyone))):
        if course_id in ids:
            done.setdefault((user_id, course_id), set()).add(slug)
        family_id = family_of.get(course_id)
        if family_id is None or slug not in outlines.get(course_id, []):
            continue
        place = outlines[course_id].index(slug)
        for other in related[family_id]:
            if other != course_id and other in ids and place < len(outlines[other]):
                done.setdefault((user_id, other), set()).add(outlines[other][place])
    return done
