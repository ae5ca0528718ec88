"""The rules of the course library: who sees what, publishing, export, adapt, progress."""

import difflib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import Partner, User
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from .bundle import Bundle, write_zip
from .importing import ImportResult, import_bundle, publish_revision
from .models import Course, CourseBlob, CourseRevision, Module, ModuleCompletion, Quiz, RevisionFile

# ------------------------------------------------------------------ who may


def sees_drafts(user: User | None, course: Course) -> bool:
    """Instructors and admins review drafts; partner staff see their institution's."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role("admin", "instructor"):
        return True
    return user.has_role("partner") and user.partner_id == course.partner_id


def may_edit(user: User | None, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.has_role("admin") or (
        user.has_role("partner") and user.partner_id is not None
        and user.partner_id == course.partner_id
    )


def may_publish(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.has_role("admin", "instructor")


# ------------------------------------------------------------------ reading


def get_course(slug: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("No such course."))
    return course


def visible_revision(course: Course, user: User | None, number: int | None = None) -> CourseRevision:
    """The revision ``user`` may read: the published one, or for reviewers any (the newest)."""
    if sees_drafts(user, course):
        if number is None:
            return course.latest
        revision = db.session.scalar(sa.select(CourseRevision).where(
            CourseRevision.course_id == course.id, CourseRevision.number == number))
        if revision is None:
            raise NotFound(_("No such revision."))
        return revision
    if course.published is None or (number is not None and number != course.published.number):
        raise NotFound(_("No such course."))
    return course.published


def revisions_of(course: Course) -> list[CourseRevision]:
    return list(db.session.scalars(
        sa.select(CourseRevision).where(CourseRevision.course_id == course.id)
        .order_by(CourseRevision.number.desc())
    ))


@dataclass
class ModulePage:
    course: Course
    revision: CourseRevision
    module: Module
    outline: list[tuple[str, str]]  # (slug, title) of every module, in order
    previous: tuple[str, str] | None
    next: tuple[str, str] | None
    quizzes_after: list[Quiz]


def module_page(slug: str, module_slug: str, user: User | None,
                number: int | None = None) -> ModulePage:
    """A module with its neighbours, in a fixed number of queries whatever the course size."""
    course = get_course(slug)
    revision = visible_revision(course, user, number)
    module = db.session.scalar(sa.select(Module).where(
        Module.revision_id == revision.id, Module.slug == module_slug))
    if module is None:
        raise NotFound(_("No such module."))
    outline = list(db.session.execute(
        sa.select(Module.slug, Module.title).where(Module.revision_id == revision.id)
        .order_by(Module.position)
    ).tuples())
    index = [s for s, _t in outline].index(module.slug)
    quizzes = list(db.session.scalars(sa.select(Quiz).where(
        Quiz.revision_id == revision.id, Quiz.after_module == module.slug)))
    return ModulePage(
        course, revision, module, outline,
        outline[index - 1] if index > 0 else None,
        outline[index + 1] if index + 1 < len(outline) else None,
        quizzes,
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
    shown = Course.published_revision_id
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
        .options(joinedload(Course.partner))
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


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def facets() -> dict[str, list[str]]:
    """The partners, languages and topics that published courses have, for the filters."""
    rows = db.session.execute(
        sa.select(Partner.code, CourseRevision.language, CourseRevision.topics)
        .join(Course, Course.partner_id == Partner.id)
        .join(CourseRevision, CourseRevision.id == Course.published_revision_id)
    ).all()
    return {
        "partners": sorted({r[0] for r in rows}),
        "languages": sorted({r[1] for r in rows}),
        "topics": sorted({t for r in rows for t in (r[2] or [])}),
    }


def review_queue() -> list[Course]:
    """Courses whose newest revision waits for an instructor or admin to publish it."""
    return list(db.session.scalars(
        sa.select(Course).where(Course.latest_revision_id.is_not(None),
                                sa.or_(Course.published_revision_id.is_(None),
                                       Course.published_revision_id != Course.latest_revision_id))
        .order_by(Course.slug)
    ))


# ------------------------------------------------------------------ files


def revision_files(revision: CourseRevision) -> dict[str, bytes]:
    rows = db.session.execute(
        sa.select(RevisionFile.path, CourseBlob.data)
        .join(CourseBlob, CourseBlob.sha256 == RevisionFile.blob_sha256)
        .where(RevisionFile.revision_id == revision.id)
    ).tuples()
    return {path: bytes(data) for path, data in rows}


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


def publish(course: Course, user: User) -> CourseRevision:
    """Publish the newest revision (instructors and admins)."""
    if not may_publish(user):
        raise Forbidden(_("Only instructors and admins publish courses."))
    if course.latest is None:
        raise NotFound(_("The course has no revision."))
    if course.published_revision_id == course.latest_revision_id:
        raise Conflict(_("The newest revision is already published."))
    publish_revision(course, course.latest, user)
    return course.latest


def upload(bundle: Bundle, user: User, message: str = "") -> ImportResult:
    """A partner's or admin's upload: always a draft until reviewed."""
    return import_bundle(bundle, user, message, publish=False)


_PARTNER_LINE = re.compile(rb"^partner:[^\n]*$", re.MULTILINE)


def adapt(course: Course, user: User, new_slug: str | None = None) -> ImportResult:
    """Copy a published course into a draft of the user's institution, keeping attribution."""
    if not user.has_role("partner", "admin") or user.partner is None:
        raise Forbidden(_("Only partner staff with an institution can adapt a course."))
    if course.published is None:
        raise NotFound(_("Only published courses can be adapted."))
    files = revision_files(course.published)
    files["course.md"] = _PARTNER_LINE.sub(f"partner: {user.partner.code}".encode(),
                                           files["course.md"], count=1)
    slug = new_slug or _free_slug(f"{course.slug}-{user.partner.code.lower()}")
    if db.session.scalar(sa.select(Course.id).where(Course.slug == slug)):
        raise Conflict(_("A course with the slug %(slug)s already exists.", slug=slug))
    message = _("Adapted from %(slug)s revision %(n)s", slug=course.slug, n=course.published.number)
    return import_bundle(Bundle(slug=slug, files=files), user, message, derived_from=course)


def _free_slug(base: str) -> str:
    taken = set(db.session.scalars(sa.select(Course.slug).where(Course.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# ------------------------------------------------------------------ diff


@dataclass
class FileDiff:
    path: str
    status: str  # added, removed, changed
    lines: list[str]  # unified diff lines for text files
    old_size: int = 0
    new_size: int = 0


def diff_revisions(old: CourseRevision | None, new: CourseRevision) -> list[FileDiff]:
    """Per-file differences from ``old`` (or nothing) to ``new``."""
    before = revision_files(old) if old else {}
    after = revision_files(new)
    diffs = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        lines: list[str] = []
        if path.endswith((".md", ".gift", ".txt", ".csv", ".svg")):
            lines = list(difflib.unified_diff(
                (a or b"").decode("utf-8", "replace").splitlines(),
                (b or b"").decode("utf-8", "replace").splitlines(),
                fromfile=f"a/{path}", tofile=f"b/{path}", lineterm="", n=2))[2:]
        diffs.append(FileDiff(path, status, lines, len(a or b""), len(b or b"")))
    return diffs


def previous_revision(revision: CourseRevision) -> CourseRevision | None:
    """What a reviewer compares against: the published revision, else the one before."""
    course = revision.course
    if course.published is not None and course.published.id != revision.id \
            and course.published.number < revision.number:
        return course.published
    return db.session.scalar(sa.select(CourseRevision).where(
        CourseRevision.course_id == course.id, CourseRevision.number < revision.number)
        .order_by(CourseRevision.number.desc()).limit(1))


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
        return db.session.scalar(sa.select(ModuleCompletion).where(
            ModuleCompletion.user_id == user.id, ModuleCompletion.course_id == course.id,
            ModuleCompletion.module_slug == module_slug))
    return completion


def done_modules(user: User | None, course: Course) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    return set(db.session.scalars(sa.select(ModuleCompletion.module_slug).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.course_id == course.id)))
