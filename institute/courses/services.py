"""The rules of the course library: who sees what, publishing, export, adapt, progress."""

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import Partner, Role, User, UserRole
from ..database import read, utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from ..extensions import db
from ..links import external_url
from ..notifications.services import notify_user
from . import translations
from .bundle import MAX_TOTAL_BYTES, Bundle, read_zip, write_zip
from .diffing import FileDiff, diff_files
from .importing import ImportResult, import_bundle, publish_revision, revision_files, slug_from_title
from .models import (
    Assignment,
    Course,
    CourseBlob,
    CourseRevision,
    Module,
    ModuleCompletion,
    Quiz,
    RevisionFile,
    RevisionReview,
)
from .validation import COURSE_TEXT_LIMITS, slug_problem

if TYPE_CHECKING:
    from _typeshed import SupportsRead

# ------------------------------------------------------------------ who may


def sees_drafts(user: "User | Institute | None", course: "Course | CourseRef") -> bool:
    """Instructors and admins review drafts; partner staff see their institution's."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role("admin", "instructor"):
        return True
    return user.has_role("partner") and user.partner_id == course.partner_id


def may_read(user: User | None, revision: CourseRevision) -> bool:
    """Whether the user may read a revision's content (its modules, its quizzes): once
    published, anyone who may read courses; a draft, only those who see drafts."""
    return revision.published_at is not None or sees_drafts(user, revision.course)


def may_take_offline(user: "User | Institute | None", revision: CourseRevision) -> bool:
    """Who downloads a revision to read offline: a signed-in reader of it (``may_read``),
    of a published revision (a draft may yet change or go)."""
    return user is not None and user.is_authenticated and revision.published_at is not None \
        and may_read(user, revision)  # type: ignore[arg-type]


def may_edit(user: User | None, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.has_role("admin") or (
        user.has_role("partner") and user.partner_id is not None
        and user.partner_id == course.partner_id
    )


def may_publish(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.has_role("admin", "instructor")


def may_request_changes(user: "User | Institute | None") -> bool:
    """Who sends a draft back with a comment: those who publish (reviewers)."""
    return may_publish(user)  # type: ignore[arg-type]


def may_discard(user: "User | Institute | None", course: Course) -> bool:
    """Partner staff discard their own institution's drafts; no one else does."""
    return user is not None and user.is_authenticated and user.has_role("partner") \
        and user.partner_id is not None and user.partner_id == course.partner_id


def may_archive(user: "User | Institute | None") -> bool:
    """Admins archive and restore courses (the command line, as the institute, too)."""
    return user is not None and user.is_authenticated and user.has_role("admin")


def may_export(user: "User | Institute | None") -> bool:
    """Who downloads a course as a bundle (DESIGN §2: partners adapt published courses)."""
    return user is not None and user.is_authenticated and user.has_role("partner", "instructor", "admin")


class Institute:
    """The institute itself, as the command line acts when it names no user: it reads,
    reviews and exports every revision, as an admin does."""

    is_authenticated = True
    id = None
    partner_id = None

    def has_role(self, *roles: str) -> bool:
        return "admin" in roles


INSTITUTE = Institute()
REVISION_PURPOSES = ("read", "review", "export", "request-changes", "discard", "archive", "offline")


# ------------------------------------------------------------------ reading


# What a list of a revision's modules and quizzes shows: never a module's HTML and outline
# nor a quiz's parsed questions, which only the module page and the attempt read.
_LISTED_MODULE = load_only(Module.id, Module.revision_id, Module.position, Module.slug, Module.title,
                           Module.minutes, Module.path, Module.words)
_LISTED_QUIZ = load_only(Quiz.id, Quiz.revision_id, Quiz.file, Quiz.title, Quiz.after_module, Quiz.pass_mark,
                         Quiz.max_attempts, Quiz.time_limit_minutes, Quiz.shuffle, Quiz.question_count)


def with_outline(revision: CourseRevision) -> CourseRevision:
    """The revision with its ``modules`` and ``quizzes`` loaded for listing (titles, minutes,
    settings; the rest is read on first use), in the two statements the lazy loads would
    run. Collections already loaded stay as they are."""
    loaded = sa.inspect(revision).dict
    if "modules" not in loaded:
        set_committed_value(revision, "modules", list(db.session.scalars(
            sa.select(Module).options(_LISTED_MODULE).where(Module.revision_id == revision.id)
            .order_by(Module.position))))
    if "quizzes" not in loaded:
        set_committed_value(revision, "quizzes", list(db.session.scalars(
            sa.select(Quiz).options(_LISTED_QUIZ).where(Quiz.revision_id == revision.id).order_by(Quiz.id))))
    return revision


def get_course(slug: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("No such course."))
    return course


def visible_revision(course: Course, user: "User | Institute | None", number: int | None = None) -> CourseRevision:
    """The revision ``user`` may read: the published one, or for reviewers any (the newest)."""
    if sees_drafts(user, course):
        if number is None:
            assert course.latest is not None  # a course is created with its first revision
            return course.latest
        revision = db.session.scalar(sa.select(CourseRevision).where(
            CourseRevision.course_id == course.id, CourseRevision.number == number))
        if revision is None:
            raise NotFound(_("No such revision."))
        return revision
    if course.published is None or (number is not None and number != course.published.number):
        raise NotFound(_("No such course."))
    return course.published


def revision_for(slug: str, actor: "User | Institute | None", purpose: str = "read",
                 number: int | None = None) -> CourseRevision:
    """The course's revision ``number`` (else the newest that ``actor`` may see), loaded for
    ``actor`` (None: a visitor) to ``read``, ``review`` (its diff), ``export`` (as a bundle),
    ``request-changes`` (send a draft back), ``discard`` (a draft of one's institution),
    ``archive`` (the course: archive or restore it) or ``offline`` (its offline packs).

    Drafts are for reviewers and the owning institution: to anyone else a draft does not
    exist (NotFound, as for an unknown course). Each other purpose is refused (Forbidden)
    to those its rule leaves out."""
    if purpose not in REVISION_PURPOSES:
        raise ValueError(f"unknown purpose: {purpose}")
    course = get_course(slug)
    if purpose == "review" and not sees_drafts(actor, course):
        raise Forbidden(_("Only reviewers and the owning institution see revision diffs."))
    if purpose == "export" and not may_export(actor):
        raise Forbidden(_("Only partner staff, instructors and admins download course bundles."))
    if purpose == "request-changes" and not may_request_changes(actor):
        raise Forbidden(_("Only instructors and admins request changes to a draft."))
    if purpose == "discard" and not may_discard(actor, course):
        raise Forbidden(_("Only the staff of the course's institution discard its drafts."))
    if purpose == "archive" and not may_archive(actor):
        raise Forbidden(_("Only admins archive and restore courses."))
    if purpose == "offline" and (actor is None or not actor.is_authenticated):
        raise Forbidden(_("Sign in to download a course to read offline."))
    revision = visible_revision(course, actor, number)
    if purpose == "offline" and not may_take_offline(actor, revision):
        raise NotFound(_("Offline packs are made of published revisions only."))
    return revision


def revisions_of(course: Course) -> list[CourseRevision]:
    return list(db.session.scalars(
        sa.select(CourseRevision).where(CourseRevision.course_id == course.id)
        .order_by(CourseRevision.number.desc())
    ))


@dataclass(frozen=True)
class ModuleView:
    slug: str
    title: str
    minutes: int | None
    html: str
    toc_html: str


@dataclass(frozen=True)
class RevisionContent:
    """What a module page needs of a revision. Revisions never change, so each
    worker keeps the few it serves in memory (``_revision_content``)."""

    revision_id: int
    number: int
    title: str
    modules: dict[str, ModuleView]
    outline: tuple[tuple[str, str], ...]  # (slug, title) in order
    quizzes_after: dict[str, tuple[tuple[int, str], ...]]  # module slug → (quiz id, title)
    language: str = ""  # the course's (course.md): its text keeps its own direction on any page
    # module slug → (assignment id, title), as quizzes_after
    assignments_after: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)


_CONTENT_CACHE: OrderedDict[tuple[int, str, str], RevisionContent] = OrderedDict()
_CONTENT_CACHE_SIZE = 128


def _revision_content(revision_id: int, slug: str, content_hash: str) -> RevisionContent:
    # Keyed by id, course and content: a restored database may reuse an id for other
    # content, and rendered links name the course.
    key = (revision_id, slug, content_hash)
    cached = _CONTENT_CACHE.get(key)
    if cached is not None:
        _CONTENT_CACHE.move_to_end(key)
        return cached
    number, title, language = db.session.execute(
        sa.select(CourseRevision.number, CourseRevision.title, CourseRevision.language)
        .where(CourseRevision.id == revision_id)).one()
    rows = db.session.execute(
        sa.select(Module.slug, Module.title, Module.minutes, Module.html, Module.toc_html)
        .where(Module.revision_id == revision_id).order_by(Module.position)).all()
    quizzes: dict[str, list[tuple[int, str]]] = {}
    for after, quiz_id, quiz_title in db.session.execute(
            sa.select(Quiz.after_module, Quiz.id, Quiz.title).where(Quiz.revision_id == revision_id)
            .order_by(Quiz.id)):
        quizzes.setdefault(after, []).append((quiz_id, quiz_title))
    assignments: dict[str, list[tuple[int, str]]] = {}
    for after, assignment_id, assignment_title in db.session.execute(
            sa.select(Assignment.after_module, Assignment.id, Assignment.title)
            .where(Assignment.revision_id == revision_id).order_by(Assignment.id)):
        assignments.setdefault(after, []).append((assignment_id, assignment_title))
    content = RevisionContent(
        revision_id, number, title,
        {row.slug: ModuleView(*row) for row in rows},
        tuple((row.slug, row.title) for row in rows),
        {after: tuple(titles) for after, titles in quizzes.items()}, language,
        {after: tuple(titles) for after, titles in assignments.items()},
    )
    _CONTENT_CACHE[key] = content
    if len(_CONTENT_CACHE) > _CONTENT_CACHE_SIZE:
        _CONTENT_CACHE.popitem(last=False)
    return content


# Built once, so SQLAlchemy compiles the module page's statement once. A course row
# for each module the fellow has done (or one row with no module).
_PUBLISHED = sa.orm.aliased(CourseRevision, name="published")
_MODULE_PAGE = (
    sa.select(Course.id, Course.slug, Course.partner_id, Course.published_revision_id,
              Course.latest_revision_id, Course.family_id, _PUBLISHED.content_hash,
              ModuleCompletion.module_slug)
    .outerjoin(_PUBLISHED, _PUBLISHED.id == Course.published_revision_id)
    .outerjoin(ModuleCompletion, sa.and_(ModuleCompletion.course_id == Course.id,
                                         ModuleCompletion.user_id == sa.bindparam("fellow")))
    .where(Course.slug == sa.bindparam("slug")))


@dataclass(frozen=True)
class CourseRef:
    """The few columns of a course that access and navigation need."""

    id: int
    slug: str
    partner_id: int
    published_revision_id: int | None
    latest_revision_id: int | None
    family_id: int | None = None  # translations.py


@dataclass
class ModulePage:
    course: CourseRef
    content: RevisionContent
    module: ModuleView
    previous: tuple[str, str] | None
    next: tuple[str, str] | None
    done: frozenset[str] = frozenset()  # the fellow's done modules in this course

    @property
    def is_published(self) -> bool:
        return self.content.revision_id == self.course.published_revision_id

    @property
    def quizzes_after(self) -> tuple[tuple[int, str], ...]:
        return self.content.quizzes_after.get(self.module.slug, ())

    @property
    def assignments_after(self) -> tuple[tuple[int, str], ...]:
        return self.content.assignments_after.get(self.module.slug, ())


def module_page(slug: str, module_slug: str, user: User | None,
                number: int | None = None) -> ModulePage:
    """A module with its neighbours and, for a fellow, the modules they have done: one
    statement outside any transaction for the course and the fellow's progress (plus
    one for a reviewer's draft), the rest from the revision's cached content, whatever
    the number of modules or courses."""
    fellow_id = user.id if user is not None and user.has_role("trainee") else None
    rows = read(_MODULE_PAGE, {"slug": slug, "fellow": fellow_id})
    if not rows:
        raise NotFound(_("No such course."))
    course = CourseRef(*rows[0][:6])
    revision_id, content_hash = course.published_revision_id, rows[0][6]
    done = frozenset(row[7] for row in rows if row[7] is not None)
    if course.family_id is not None and fellow_id is not None:  # marks made in other languages
        done = frozenset(done_modules(user, course))
    if sees_drafts(user, course):
        wanted = sa.select(CourseRevision.id, CourseRevision.content_hash).where(
            CourseRevision.course_id == course.id)
        wanted = wanted.where(CourseRevision.number == number) if number is not None \
            else wanted.where(CourseRevision.id == course.latest_revision_id)
        revision_id, content_hash = db.session.execute(wanted).one_or_none() or (None, None)
    elif number is not None and revision_id is not None \
            and _revision_content(revision_id, course.slug, content_hash).number != number:
        revision_id = None
    if revision_id is None:
        raise NotFound(_("No such course."))
    content = _revision_content(revision_id, course.slug, content_hash)
    module = content.modules.get(module_slug)
    if module is None:
        raise NotFound(_("No such module."))
    index = [s for s, _t in content.outline].index(module_slug)
    return ModulePage(
        course, content, module,
        content.outline[index - 1] if index > 0 else None,
        content.outline[index + 1] if index + 1 < len(content.outline) else None,
        done,
    )


def catalogue(user: User | None, query: str = "", partner: str = "", language: str = "",
              topic: str = "", include_drafts: bool = False) -> list[tuple[Course, CourseRevision]]:
    """Published courses (and, for reviewers asking for them, drafts) matching the filters.

    Search reads each revision's stored lower-cased text, word by word, so it works
    alike on SQLite and PostgreSQL.
    """
    reviewer = user is not None and user.is_authenticated and user.has_role("admin", "instructor")
    own_partner = user.partner_id if user is not None and user.is_authenticated \
        and user.has_role("partner") else None
    shown: sa.SQLColumnExpression[int | None] = Course.published_revision_id
    if include_drafts and (reviewer or own_partner):
        shown = sa.case(
            (sa.or_(sa.true() if reviewer else sa.false(), Course.partner_id == own_partner),
             Course.latest_revision_id),
            else_=Course.published_revision_id,
        )
    stmt = (
        sa.select(Course, CourseRevision)
        .join(CourseRevision, CourseRevision.id == shown)
        .join(Partner, Partner.id == Course.partner_id)
        .options(joinedload(Course.partner), sa.orm.selectinload(Course.derived_from),
                 sa.orm.selectinload(Course.family))
        .where(Course.archived_at.is_(None))
    )
    if partner:
        stmt = stmt.where(Partner.code == partner.upper())
    if language:
        stmt = stmt.where(CourseRevision.language == language)
    if topic:
        stmt = stmt.where(sa.cast(CourseRevision.topics, sa.Text).like(f'%"{_like(topic)}"%',
                                                                         escape="\\"))
    for word in re.findall(r"\w+", query.lower())[:10]:
        stmt = stmt.where(CourseRevision.search_text.like(f"%{_like(word)}%", escape="\\"))
    title_first = sa.case((sa.func.lower(CourseRevision.title).like(
        f"%{_like(query.lower().strip())}%", escape="\\"), 0), else_=1) if query else sa.literal(0)
    stmt = stmt.order_by(title_first, CourseRevision.title)
    return list(db.session.execute(stmt).tuples())


@dataclass(frozen=True)
class CatalogueEntry:
    course: Course
    revision: CourseRevision
    also_in: list[translations.Version]  # the course's other languages


def catalogue_entries(rows: list[tuple[Course, CourseRevision]], language: str,
                      locale: str) -> list[CatalogueEntry]:
    """The catalogue page's entries: filtered by a language, every course of it; else one
    entry per translation family (in the reader's language when it has one, else the
    original), each with links to the other languages."""
    if not language:
        rows = translations.group_catalogue(rows, locale)
    others = translations.versions(c.family_id for c, _r in rows if c.family_id is not None)
    return [CatalogueEntry(c, r, [v for v in others.get(c.family_id, []) if v.slug != c.slug]
                           if c.family_id is not None else []) for c, r in rows]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def facets() -> dict[str, list[str]]:
    """The partners, languages and topics that published courses have, for the filters."""
    rows = db.session.execute(
        sa.select(Partner.code, CourseRevision.language, CourseRevision.topics)
        .join(Course, Course.partner_id == Partner.id)
        .join(CourseRevision, CourseRevision.id == Course.published_revision_id)
        .where(Course.archived_at.is_(None))
    ).all()
    return {
        "partners": sorted({r[0] for r in rows}),
        "languages": sorted({r[1] for r in rows}),
        "topics": sorted({t for r in rows for t in (r[2] or [])}),
    }


_WAITING = (Course.latest_revision_id.is_not(None), Course.archived_at.is_(None),
            sa.or_(Course.published_revision_id.is_(None),
                   Course.published_revision_id != Course.latest_revision_id))
_SENT_BACK = sa.exists().where(RevisionReview.revision_id == Course.latest_revision_id)


def review_queue() -> list[Course]:
    """Courses whose newest revision waits for an instructor or admin to publish it: not
    archived, and not sent back to its institution with changes requested."""
    return list(db.session.scalars(
        sa.select(Course).where(*_WAITING, ~_SENT_BACK)
        .options(sa.orm.selectinload(Course.latest), sa.orm.selectinload(Course.published))
        .order_by(Course.slug)
    ))


# ------------------------------------------------------------------ files


def course_file(course: Course, sha256: str, path: str, user: User | None) -> bytes:
    """A file of the course that ``user`` may see, by its content hash and path."""
    allowed = [course.published_revision_id] if not sees_drafts(user, course) else None
    stmt = (sa.select(CourseBlob.data)
            .join(RevisionFile, RevisionFile.blob_sha256 == CourseBlob.sha256)
            .join(CourseRevision, CourseRevision.id == RevisionFile.revision_id)
            .where(CourseRevision.course_id == course.id, RevisionFile.path == path,
                   CourseBlob.sha256 == sha256).limit(1))
    if allowed is not None:
        stmt = stmt.where(CourseRevision.id.in_([a for a in allowed if a is not None]))
    data = db.session.scalar(stmt)
    if data is None:
        raise NotFound(_("No such file."))
    return bytes(data)


def export_bundle(course: Course, revision: CourseRevision) -> bytes:
    """A revision as a zip bundle: the same files, byte for byte, as were imported."""
    return write_zip(course.slug, revision_files(revision))


# ------------------------------------------------------------------ changes


def publish(course: Course, user: User, reviewed: int | None = None) -> CourseRevision:
    """Publish the newest revision (instructors and admins). ``reviewed``: the number of the
    revision the reviewer read; a newer one uploaded meanwhile is refused, to be read first."""
    if not may_publish(user):
        raise Forbidden(_("Only instructors and admins publish courses."))
    if course.latest is None:
        raise NotFound(_("The course has no revision."))
    if reviewed is not None and reviewed != course.latest.number:
        raise Conflict(_("Revision %(n)s has arrived since: review its changes before publishing.",
                         n=course.latest.number))
    if course.published_revision_id == course.latest_revision_id:
        raise Conflict(_("The newest revision is already published."))
    publish_revision(course, course.latest, user)
    for person in _staff_of_partner(course.partner_id):
        if person.id != user.id:
            notify_user(person, "revision-published", "courses/email/published.txt",
                        _l("Published: %(t)s, revision %(n)s", t=course.latest.title, n=course.latest.number),
                        revision=course.latest, publisher=user, link=external_url("courses.course", slug=course.slug))
    return course.latest


def _active_with_role(*conditions) -> list[User]:
    return list(db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(User.active.is_(True), *conditions).order_by(User.id)).unique())


def _staff_of_partner(partner_id: int) -> list[User]:
    return _active_with_role(UserRole.role == Role.PARTNER, User.partner_id == partner_id)


def _tell_reviewers(result: ImportResult, user: User) -> None:
    """A new draft waits for review: its instructors and admins hear of it."""
    revision = result.revision
    for person in _active_with_role(UserRole.role.in_([Role.INSTRUCTOR, Role.ADMIN])):
        if person.id != user.id:
            notify_user(person, "revision-review", "courses/email/review.txt",
                        _l("To review: %(t)s, revision %(n)s", t=revision.title, n=revision.number),
                        revision=revision, course=result.course,
                        link=external_url("courses.diff", slug=result.course.slug, number=revision.number))


def upload(bundle: Bundle, user: User, message: str = "") -> ImportResult:
    """A partner's or admin's upload: always a draft until reviewed."""
    result = import_bundle(bundle, user, message, publish=False)
    if result.created:
        _tell_reviewers(result, user)
    return result


def read_upload(stream: "SupportsRead[bytes]", filename: str = "") -> Bundle:
    """An uploaded zip as a bundle, read no further than the bundle's size limit: larger
    than that is refused (TooLarge) before anything is unpacked."""
    data = stream.read(MAX_TOTAL_BYTES + 1)
    if len(data) > MAX_TOTAL_BYTES:
        raise TooLarge(_("The bundle is larger than 50 MB."))
    return read_zip(data, filename)


_PARTNER_LINE = re.compile(rb"^partner:[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class AdaptChoice:
    """The title and slug an adapter is offered (and may change) for their copy."""

    title: str
    slug: str


def adapt_defaults(course: Course, user: User) -> AdaptChoice:
    """"<title> (adapted by <institution>)" and a free slug made from it."""
    _check_may_adapt(course, user)
    assert course.published is not None and user.partner is not None
    title = _("%(title)s (adapted by %(partner)s)", title=course.published.title,
              partner=user.partner.name)[:COURSE_TEXT_LIMITS["title"]]
    return AdaptChoice(title, _free_slug(slug_from_title(title) or f"{course.slug}-{user.partner.code.lower()}"))


def _check_may_adapt(course: Course, user: User) -> None:
    if not user.has_role("partner", "admin") or user.partner is None:
        raise Forbidden(_("Only partner staff with an institution can adapt a course."))
    if course.published is None:
        raise NotFound(_("Only published courses can be adapted."))


def _check_adapt_choice(title: str, slug: str) -> None:
    problems = []
    if not title:
        problems.append({"field": "title", "message": _("Give the copy a title.")})
    elif len(title) > COURSE_TEXT_LIMITS["title"]:
        problems.append({"field": "title", "message": _("The title is longer than %(n)s characters.",
                                                        n=COURSE_TEXT_LIMITS["title"])})
    if slug_problem(slug) is not None:
        problems.append({"field": "slug", "message": _(
            "The slug must be lowercase letters, digits and '-' (e.g. dldd-101), at most 100 "
            "characters, and not review, upload or new.")})
    elif db.session.scalar(sa.select(Course.id).where(Course.slug == slug)):
        problems.append({"field": "slug", "message": _(
            "A course with the slug %(slug)s already exists.", slug=slug)})
    if problems:
        raise Invalid(problems[0]["message"], details=problems)


def _retitled(course_md: bytes, title: str, slug: str, partner_code: str) -> bytes:
    """course.md with the adapter's institution, title and (if it names one) slug; the
    rest, byte for byte, as the source has it, so that the diff shows only these."""
    lines = course_md.decode("utf-8-sig").split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), len(lines))
    values = {"title": json.dumps(title, ensure_ascii=False), "slug": slug, "partner": partner_code}
    out, skipping = [lines[0]], False  # a copy is a course of its own, in no translation family
    for i in range(1, len(lines)):
        line = lines[i]
        if i < end:
            key = line.split(":", 1)[0]
            if skipping and line[:1] in (" ", "\t"):
                continue  # the rest of a value written over several lines
            skipping = False
            if key in values and ":" in line:
                out.append(f"{key}: {values[key]}")
                skipping = True
                continue
            if key == "translation_of":
                skipping = True
                continue
        out.append(line)
    return "\n".join(out).encode()


def adapt(course: Course, user: User, title: str | None = None, slug: str | None = None) -> ImportResult:
    """Copy a published course into a draft of the user's institution, under the title and
    slug they chose (by default ``adapt_defaults``), keeping attribution. Its first revision
    records the source revision, which its diff compares it with."""
    defaults = adapt_defaults(course, user)
    assert course.published is not None and user.partner is not None
    title = defaults.title if title is None else " ".join(title.split())
    slug = defaults.slug if slug is None else slug.strip()
    _check_adapt_choice(title, slug)
    files = revision_files(course.published)
    files["course.md"] = _retitled(files["course.md"], title, slug, user.partner.code)
    message = _("Adapted from %(slug)s revision %(n)s", slug=course.slug, n=course.published.number)
    return import_bundle(Bundle(slug=slug, files=files), user, message, derived_from=course,
                         adapted_from=course.published)


def _free_slug(base: str) -> str:
    taken = set(db.session.scalars(sa.select(Course.slug).where(Course.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# ------------------------------------------------------------------ diff


def diff_revisions(old: CourseRevision | None, new: CourseRevision) -> list[FileDiff]:
    """Per-file differences from ``old`` (or nothing) to ``new`` (``diffing.diff_files``)."""
    return diff_files(revision_files(old) if old else {}, revision_files(new))


def changed_modules(diffs: list[FileDiff], revision: CourseRevision) -> list[Module]:
    """The modules of ``revision`` whose file is added or changed in ``diffs``, in order:
    their stored HTML (sanitised at import, as module pages show it) is the preview."""
    touched = {d.path for d in diffs if d.status != "removed"}
    return [m for m in revision.modules if m.path in touched]


def previous_revision(revision: CourseRevision) -> CourseRevision | None:
    """What a reviewer compares against: the published revision, else the one before; for
    an adapted course's first revision, the source revision it copies."""
    course = revision.course
    if course.published is not None and course.published.id != revision.id \
            and course.published.number < revision.number:
        return course.published
    earlier = db.session.scalar(sa.select(CourseRevision).where(
        CourseRevision.course_id == course.id, CourseRevision.number < revision.number)
        .order_by(CourseRevision.number.desc()).limit(1))
    return earlier if earlier is not None else revision.adapted_from


# ------------------------------------------------------------------ review, discard, archive

MAX_COMMENT = 10_000


def reviews_of(course: Course) -> list[RevisionReview]:
    """Every request for changes made on the course's revisions, newest first."""
    return list(db.session.scalars(
        sa.select(RevisionReview).join(CourseRevision, CourseRevision.id == RevisionReview.revision_id)
        .where(CourseRevision.course_id == course.id)
        .options(sa.orm.contains_eager(RevisionReview.revision))
        .order_by(RevisionReview.created_at.desc(), RevisionReview.id.desc())))


def revision_state(revision: CourseRevision) -> str:
    """``published``, ``changes-requested`` (sent back to its institution) or ``draft``
    (waiting for review)."""
    if revision.is_published:
        return "published"
    sent_back = db.session.scalar(sa.select(sa.exists().where(RevisionReview.revision_id == revision.id)))
    return "changes-requested" if sent_back else "draft"


def sent_back(course_ids: list[int]) -> set[int]:
    """Of these courses, those whose newest revision has changes requested (one statement)."""
    if not course_ids:
        return set()
    return set(db.session.scalars(sa.select(Course.id).where(Course.id.in_(course_ids), _SENT_BACK)))


def request_changes(revision: CourseRevision, user: User, comment: str) -> RevisionReview:
    """A reviewer sends the newest draft back to its institution with a comment: the draft
    stays, its state becomes "changes requested", the partner's staff are told by email and
    see it on their dashboard until they upload a new revision (or it is published)."""
    if not may_request_changes(user):
        raise Forbidden(_("Only instructors and admins request changes to a draft."))
    comment = (comment or "").strip()
    if not comment:
        raise Invalid(_("Say what should change."),
                      details=[{"field": "comment", "message": _("Say what should change.")}])
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("The comment is longer than %(n)s characters.", n=MAX_COMMENT),
                      details=[{"field": "comment",
                                "message": _("The comment is longer than %(n)s characters.", n=MAX_COMMENT)}])
    course = revision.course
    if revision.is_published:
        raise Conflict(_("Revision %(n)s is published: changes are asked of drafts.", n=revision.number))
    if revision.id != course.latest_revision_id:
        raise Conflict(_("Revision %(n)s has arrived since: review it instead.", n=course.latest.number
                         if course.latest else revision.number))
    if revision_state(revision) == "changes-requested":
        raise Conflict(_("Changes to revision %(n)s are already requested: the institution "
                         "uploads a new revision next.", n=revision.number))
    review = RevisionReview(revision=revision, author_id=user.id, author_name=user.name, comment=comment)
    db.session.add(review)
    db.session.flush()
    for person in _staff_of_partner(course.partner_id):
        if person.id != user.id:
            notify_user(person, "changes-requested", "courses/email/changes_requested.txt",
                        _l("Changes requested: %(t)s, revision %(n)s", t=revision.title, n=revision.number),
                        revision=revision, review=review,
                        link=external_url("courses.course", slug=course.slug, revision=revision.number))
    return review


def discard(revision: CourseRevision, user: User) -> Course | None:
    """The course's institution discards one of its drafts: the revision is deleted, the
    newest one left becomes the course's newest; a course whose only revision it was goes
    too (None). A revision that was ever published is never discarded."""
    course = revision.course
    if not may_discard(user, course):
        raise Forbidden(_("Only the staff of the course's institution discard its drafts."))
    if revision.published_at is not None:
        raise Conflict(_("Revision %(n)s has been published: published revisions are kept for ever.",
                         n=revision.number))
    rest = db.session.scalar(sa.select(CourseRevision).where(
        CourseRevision.course_id == course.id, CourseRevision.id != revision.id)
        .order_by(CourseRevision.number.desc()).limit(1))
    try:
        with db.session.begin_nested():
            if rest is None:
                db.session.delete(course)
            else:
                if course.latest_revision_id == revision.id:
                    course.latest = rest
                    db.session.flush()
                db.session.delete(revision)
            db.session.flush()
    except sa.exc.IntegrityError:  # quiz attempts, or sessions that teach the course
        db.session.expire_all()
        raise Conflict(_("Revision %(n)s is in use (a session or a quiz attempt refers to it): "
                         "it cannot be discarded.", n=revision.number)) from None
    return None if rest is None else course


def archive(course: Course, user: "User | Institute") -> Course:
    """Hide a course from the catalogue, search and every list; everything of it is kept,
    and whoever could open it by its address still can (fellows of running sessions)."""
    if not may_archive(user):
        raise Forbidden(_("Only admins archive and restore courses."))
    if course.archived_at is not None:
        raise Conflict(_("%(slug)s is already archived.", slug=course.slug))
    course.archived_at = utcnow()
    course.archived_by_id = user.id
    return course


def restore(course: Course, user: "User | Institute") -> Course:
    if not may_archive(user):
        raise Forbidden(_("Only admins archive and restore courses."))
    if course.archived_at is None:
        raise Conflict(_("%(slug)s is not archived.", slug=course.slug))
    course.archived_at = None
    course.archived_by_id = None
    return course


def archived_courses() -> list[Course]:
    return list(db.session.scalars(
        sa.select(Course).where(Course.archived_at.is_not(None))
        .options(sa.orm.selectinload(Course.latest), sa.orm.selectinload(Course.published))
        .order_by(Course.archived_at.desc(), Course.slug)))


# ------------------------------------------------------------------ progress


def mark_done(user: User, course: Course, module_slug: str) -> ModuleCompletion:
    """A fellow marks a published module as done (idempotent)."""
    if not user.has_role("trainee"):
        raise Forbidden(_("Only fellows mark modules as done."))
    revision = visible_revision(course, None)
    if not db.session.scalar(sa.select(Module.id).where(
            Module.revision_id == revision.id, Module.slug == module_slug)):
        raise NotFound(_("No such module."))
    existing = db.session.scalar(sa.select(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.course_id == course.id,
        ModuleCompletion.module_slug == module_slug))
    if existing:
        return existing
    completion = ModuleCompletion(user_id=user.id, course_id=course.id, module_slug=module_slug)
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except sa.exc.IntegrityError:  # the same fellow clicked twice at once
        return db.session.scalars(sa.select(ModuleCompletion).where(  # the other click's row
            ModuleCompletion.user_id == user.id, ModuleCompletion.course_id == course.id,
            ModuleCompletion.module_slug == module_slug)).one()
    return completion


def done_modules(user: User | None, course: Course | CourseRef) -> set[str]:
    """The modules the user has done in the course, in it or in another of its languages
    (``translations.done_marks``)."""
    if user is None or not user.is_authenticated:
        return set()
    return translations.done_marks([user.id], [course]).get((user.id, course.id), set())


def drafts_of(partner_id: int | None) -> list[Course]:
    """A partner institution's courses whose newest revision is not published yet."""
    if partner_id is None:
        return []
    return list(db.session.scalars(
        sa.select(Course).where(Course.partner_id == partner_id, *_WAITING)
        .options(sa.orm.selectinload(Course.latest)).order_by(_SENT_BACK.desc(), Course.slug)))
